// "Sync now": one sync of the open workspace, its stage while it runs and its outcome in words;
// a sync that stops on conflicts hands over to the conflicts screen.
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

/** What a running sync is doing, in words; `done`/`total` when the host reports progress. */
export type SyncStage = { message: string; done: number; total: number };

/**
 * One sync at a time per app, shared by the header button and the conflicts screen's
 * "Continue". The host reports each step of a sync as a `progress` event with task `sync`
 * (receiving, comparing, committing, sending); until the first arrives the stage says what a
 * sync does.
 */
export class SyncNow {
  running = $state(false);
  /** When the running sync started (ms). */
  startedAt = $state<number | null>(null);
  /** When a sync of this session last finished (ms), whatever its outcome. */
  finishedAt = $state<number | null>(null);
  last = $state.raw<SyncReport | null>(null);

  constructor(private readonly app: AppState) {}

  /** The running sync's stage: the host's progress when it sends some, else the honest default. */
  get stage(): SyncStage | null {
    if (!this.running) return null;
    const progress = this.app.progress;
    if (progress && progress.task === 'sync') return { message: progress.message, done: progress.done, total: progress.total };
    return { message: 'Sending and receiving changes…', done: 0, total: 0 };
  }

  /** Syncs the open workspace; the report, or null when it failed or did not run. */
  async run(): Promise<SyncReport | null> {
    const id = this.app.workspaceId;
    if (id === null || this.running) return null;
    this.running = true;
    this.startedAt = Date.now();
    try {
      const report = await this.app.backend.call('sync', { workspaceId: id, dryRun: false });
      this.last = report;
      const outcome = syncOutcome(report);
      if (report.result === 'conflicts') {
        // Not a failure to apologise for: the conflicts screen opens to settle them.
        this.app.notify('Nothing was sent yet: some of your changes conflict with your team’s. Choose what to keep, then continue.');
        this.app.navigate({ screen: 'conflicts' });
      } else if (outcome.kind === 'error') this.app.fail(outcome.text);
      else this.app.notify(outcome.text);
      return report;
    } catch (error) {
      this.app.fail(error);
      return null;
    } finally {
      this.running = false;
      this.startedAt = null;
      this.finishedAt = Date.now();
      if (this.app.progress?.task === 'sync') this.app.progress = null;
    }
  }
}

const shared = new WeakMap<AppState, SyncNow>();

/** The app's one SyncNow. */
export function syncFor(app: AppState): SyncNow {
  let sync = shared.get(app);
  if (!sync) {
    sync = new SyncNow(app);
    shared.set(app, sync);
  }
  return sync;
}
