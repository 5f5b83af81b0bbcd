// The conflicts screen's state: the workspace's conflicts grouped by file, one choice at a time
// (keep mine, take theirs, or an edited value), and "Continue": a sync that applies the choices.
import type { ConflictChoice } from '../bindings/ConflictChoice';
import type { ConflictView } from '../bindings/ConflictView';
import type { AppState } from './app.svelte';
import { syncFor } from './syncNow.svelte';
import { type ConflictGroup, groupConflicts } from '../domain/conflicts/group';

export class ConflictsState {
  conflicts = $state.raw<ConflictView[]>([]);
  loading = $state(true);
  /** The conflict whose choice is being saved. */
  saving = $state<number | null>(null);
  readonly sync;

  constructor(
    private readonly app: AppState,
    private readonly workspaceId: number,
  ) {
    this.sync = syncFor(app);
  }

  /** By file, named as the lists name them ("New checkout"). */
  get groups(): ConflictGroup[] {
    const names: Record<string, string> = {};
    for (const item of [...this.app.flags, ...this.app.segments]) if (item.name) names[`${item.kind}:${item.key}`] = item.name;
    return groupConflicts(this.conflicts, names);
  }

  get open(): number {
    return this.conflicts.filter((c) => !c.resolved).length;
  }

  async load(): Promise<void> {
    try {
      this.conflicts = await this.app.backend.call('conflicts', { workspaceId: this.workspaceId });
    } catch (error) {
      this.app.fail(error);
    } finally {
      this.loading = false;
    }
  }

  async resolve(conflictId: number, choice: ConflictChoice): Promise<boolean> {
    if (this.saving !== null) return false;
    this.saving = conflictId;
    try {
      const resolved = await this.app.backend.call('resolveConflict', { workspaceId: this.workspaceId, conflictId, choice });
      this.conflicts = this.conflicts.map((c) => (c.id === conflictId ? resolved : c));
      return true;
    } catch (error) {
      this.app.fail(error);
      await this.load();
      return false;
    } finally {
      this.saving = null;
    }
  }

  /** Syncs with the choices made; the screen then shows what is left (new conflicts, if any). */
  async continueSync(): Promise<void> {
    const report = await this.sync.run();
    await this.load();
    if (report && report.result !== 'conflicts' && this.open === 0 && this.app.route.screen === 'conflicts') {
      this.app.navigate({ screen: 'flags' });
    }
  }
}
