// "Sync now": one sync of the open workspace, its outcome in words. The full sync screens
// (progress, conflicts side by side) belong to the governance and sync issue; this is the
// button a person needs to get their drafts into the repository.
import type { AppState } from './app.svelte';
import type { SyncReport } from '../bindings/SyncReport';

/** What a finished sync tells the person, and whether it is a problem. */
export function syncOutcome(report: SyncReport): { kind: 'info' | 'error'; text: string } {
  switch (report.result) {
    case 'pushed':
    case 'published':
      return { kind: 'info', text: `Synced: your changes are in the repository. ${report.summary}` };
    case 'pulled':
      return { kind: 'info', text: `Synced: your team's changes are here. ${report.summary}` };
    case 'upToDate':
      return { kind: 'info', text: 'Already up to date: nothing to send or bring in.' };
    case 'dryRun':
      return { kind: 'info', text: report.summary };
    case 'conflicts':
      return {
        kind: 'error',
        text: `Nothing was sent: ${report.conflicts.length === 1 ? 'a change conflicts' : 'some changes conflict'} with the repository. ${report.summary}`,
      };
    case 'invalid':
      return { kind: 'error', text: `Nothing was sent: the result would have ${report.diagnostics.length} problem(s). Fix them, then sync again.` };
    case 'unreadable':
      return { kind: 'error', text: report.summary };
  }
}

export class SyncNow {
  running = $state(false);

  constructor(private readonly app: AppState) {}

  async run(): Promise<void> {
    const id = this.app.workspaceId;
    if (id === null || this.running) return;
    this.running = true;
    try {
      const report = await this.app.backend.call('sync', { workspaceId: id, dryRun: false });
      const outcome = syncOutcome(report);
      if (outcome.kind === 'error') this.app.fail(outcome.text);
      else this.app.notify(outcome.text);
    } catch (error) {
      this.app.fail(error);
    } finally {
      this.running = false;
    }
  }
}
