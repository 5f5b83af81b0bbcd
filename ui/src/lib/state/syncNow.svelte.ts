// "Sync now": one sync of the open workspace, its outcome in words. The full sync screens
// (progress, conflicts side by side) belong to the governance and sync issue; this is the
// button a person needs to get their drafts into the repository.
import type { AppState } from './app.svelte';
import type { SyncReport } from '../bindings/SyncReport';
import type { PlannedChange } from '../bindings/PlannedChange';

/** Names up to three entities ("mobile-payments and banner-color"), else counts them. */
function named(changes: readonly PlannedChange[]): string {
  const names = changes.map(({ entity }) => ('key' in entity ? entity.key : entity.kind === 'project' ? 'the project settings' : 'the policy'));
  if (names.length > 3) return `${names.length} changes`;
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/**
 * A finished sync in the past tense. The report's `summary` is the plan's, written before the
 * sync ("1 local change to push"), which reads wrong once the change has been pushed.
 */
function doneWords(report: SyncReport): string {
  const sent = report.changes.filter((c) => c.outgoing !== null);
  const received = report.changes.filter((c) => c.incoming !== null);
  const parts: string[] = [];
  if (sent.length > 0) parts.push(`${named(sent)} ${sent.length === 1 ? 'is' : 'are'} in the repository`);
  if (received.length > 0) parts.push(`${named(received)} from your team ${received.length === 1 ? 'is' : 'are'} here`);
  return parts.length > 0 ? `Synced: ${parts.join('; ')}.` : 'Synced.';
}

/** What a finished sync tells the person, and whether it is a problem. */
export function syncOutcome(report: SyncReport): { kind: 'info' | 'error'; text: string } {
  switch (report.result) {
    case 'pushed':
    case 'published':
    case 'pulled':
      return { kind: 'info', text: doneWords(report) };
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
