// The flag editor's controller: loads one flag, applies each edit to a local copy and saves it as
// a draft per discrete action (the components decide what "discrete" is: a toggle, a drop, a slider
// release, a text field's blur/Enter/idle). Saves never overlap: edits made while one is in flight
// are folded into one follow-up save. A reload from outside (watcher, sync) is skipped while our
// own save is pending, and a load that raced an edit is dropped so it cannot undo the edit.
import type { Diagnostic } from '../bindings/Diagnostic';
import type { FlagEnvironment } from '../bindings/FlagEnvironment';
import type { FlagFile } from '../bindings/FlagFile';
import type { Rule } from '../bindings/Rule';
import type { Variation } from '../bindings/Variation';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { errorsByPointer } from '../domain/flags/pointer';
import type { AppState } from './app.svelte';

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'error'; message: string };

function isFlagFile(json: JsonValue | null): json is FlagFile & { [k: string]: JsonValue } {
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    && typeof json.key === 'string' && Array.isArray(json.variations);
}

export class FlagEditor {
  readonly key: string;
  flag = $state<FlagFile | null>(null);
  /** The flag as published (the workspace's base), for what a draft changes; null for a new flag. */
  published = $state.raw<FlagFile | null>(null);
  hasDraft = $state(false);
  diagnostics = $state<Diagnostic[]>([]);
  saveState = $state<SaveState>({ kind: 'idle' });
  loading = $state(true);
  loadError = $state<string | null>(null);
  readonly errors = $derived(errorsByPointer(this.diagnostics));

  private readonly app: AppState;
  private saving = false;
  private dirty = false;
  private edits = 0;

  constructor(app: AppState, key: string) {
    this.app = app;
    this.key = key;
  }

  /** The words of `save-state`. */
  get saveText(): string {
    switch (this.saveState.kind) {
      case 'saving':
        return 'Saving…';
      case 'error':
        return `Not saved: ${this.saveState.message}`;
      default:
        return this.hasDraft ? 'Saved as draft' : 'Published';
    }
  }

  /** True while a save is running or queued: an outside reload must wait. */
  get busy(): boolean {
    return this.saving || this.dirty;
  }

  async load(): Promise<void> {
    const workspaceId = this.app.workspaceId;
    if (workspaceId === null) {
      this.loading = false;
      this.loadError = 'No workspace is open.';
      return;
    }
    const editsBefore = this.edits;
    try {
      const view = await this.app.backend.call('entity', { workspaceId, entity: { kind: 'flag', key: this.key } });
      if (this.edits !== editsBefore || this.busy) return; // an edit raced this load: keep the edit
      if (!isFlagFile(view.json)) {
        this.flag = null;
        this.loadError = `The flag '${this.key}' does not exist (it may have been deleted).`;
      } else {
        this.flag = view.json;
        this.loadError = null;
      }
      this.published = isFlagFile(view.base) ? view.base : null;
      this.hasDraft = view.hasDraft;
      this.diagnostics = view.diagnostics;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** Reloads after an outside change unless our own save is pending (it will win anyway). */
  reloadIfIdle(): void {
    if (!this.busy) void this.load();
  }

  /** Applies `change` to the flag and saves it. */
  edit(change: (flag: FlagFile) => void): void {
    if (!this.flag) return;
    change(this.flag);
    this.edits += 1;
    void this.save();
  }

  // The edits below reach their part from the flag itself, never through a component's props,
  // so the flag stays owned by this controller.

  /** Applies `change` to one environment (if the flag has it) and saves. */
  editEnv(envKey: string, change: (env: FlagEnvironment) => void): void {
    this.edit((f) => {
      const env = f.environments?.[envKey];
      if (env) change(env);
    });
  }

  /** Applies `change` to one rule, found by id, and saves. */
  editRule(envKey: string, ruleId: string, change: (rule: Rule) => void): void {
    this.editEnv(envKey, (env) => {
      const rule = env.rules?.find((r) => r.id === ruleId);
      if (rule) change(rule);
    });
  }

  /** Applies `change` to one variation, found by key, and saves. */
  editVariation(key: string, change: (variation: Variation) => void): void {
    this.edit((f) => {
      const variation = f.variations.find((v) => v.key === key);
      if (variation) change(variation);
    });
  }

  private async save(): Promise<void> {
    if (this.saving) {
      this.dirty = true;
      return;
    }
    const workspaceId = this.app.workspaceId;
    if (workspaceId === null || !this.flag) return;
    this.saving = true;
    this.saveState = { kind: 'saving' };
    try {
      do {
        this.dirty = false;
        const json = $state.snapshot(this.flag) as unknown as JsonValue;
        const outcome = await this.app.backend.call('saveEntity', {
          workspaceId,
          entity: { kind: 'flag', key: this.key },
          json,
        });
        this.hasDraft = outcome.hasDraft;
        this.diagnostics = outcome.diagnostics;
      } while (this.dirty && this.flag);
      this.saveState = { kind: 'saved' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.saveState = { kind: 'error', message };
      this.dirty = false;
      this.app.fail(error);
    } finally {
      this.saving = false;
    }
  }
}
