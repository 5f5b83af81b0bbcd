// The header's sync status in words: online or offline, what is waiting to go, how the last sync
// went and when. Pure, so the sentences are tested without a screen.
import type { ErrorCode } from '../bindings/ErrorCode';
import type { StatusView } from '../bindings/StatusView';
import { ago } from './zones';

export type LastSync = {
  state: 'never' | 'running' | 'succeeded' | 'failed' | 'interrupted';
  /** For a failed sync: the error's code and the host's sentence. */
  code: ErrorCode | null;
  message: string | null;
  /** For a finished one: how it ended (`pushed`, `conflicts`, …). */
  result: string | null;
};

/** Reads the status's last sync run (its summary is `{result, summary}` or `{code, message}`). */
export function readLastSync(status: StatusView | null): LastSync {
  const summary = status?.lastSyncSummary;
  const field = (key: string): string | null => {
    if (!summary || typeof summary !== 'object' || Array.isArray(summary)) return null;
    const value = (summary as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : null;
  };
  return {
    state: status?.lastSync ?? 'never',
    code: field('code') as ErrorCode | null,
    message: field('message') ?? (status?.lastSync === 'failed' ? null : field('summary')),
    result: field('result'),
  };
}

/** Offline when the computer says so, or when the last sync could not reach the remote. */
export function isOffline(last: LastSync, browserOnline: boolean): boolean {
  return !browserOnline || (last.state === 'failed' && last.code === 'offline');
}

/** "3 changes to send" / "All sent": the drafts the next sync or change request sends. */
export function waitingText(status: StatusView | null): string {
  const drafts = status?.drafts ?? 0;
  if (drafts === 0) return 'All sent';
  return `${drafts.toLocaleString('en-US')} change${drafts === 1 ? '' : 's'} to send`;
}

const PROBLEMS: Partial<Record<ErrorCode, string>> = {
  offline: 'the remote could not be reached',
  credentialsMissing: 'the remote needs a password or token (add it in Settings)',
  credentialsRejected: 'the remote refused the password or token (check it in Settings)',
  busy: 'another sync was running',
  remoteNotTrusted: 'the remote is not trusted yet',
  git: 'Git reported a problem',
  invalid: 'the project has a problem to fix first',
  unreadable: 'a file could not be read',
};

/** The last sync's problem in plain words, or null when there is none. */
export function problemText(last: LastSync): string | null {
  if (last.state === 'failed') {
    const what = (last.code && PROBLEMS[last.code]) ?? 'something went wrong';
    return `The last sync failed: ${what}.${last.message ? ` ${last.message}` : ''}`;
  }
  if (last.state === 'interrupted') return 'The last sync was interrupted before it finished; sync again.';
  if (last.result === 'conflicts') return 'The last sync stopped: some changes conflict with the repository.';
  if (last.result === 'invalid') return 'The last sync stopped: the result would have problems to fix first.';
  if (last.result === 'unreadable') return `The last sync stopped: ${last.message ?? 'a file could not be read'}`;
  return null;
}

/** "Synced 5 min ago", "Sync failed just now", "Not synced yet". */
export function lastSyncText(last: LastSync, atMs: number | null, nowMs: number): string {
  const when = atMs === null ? '' : ` ${ago(atMs, nowMs)}`;
  switch (last.state) {
    case 'never':
      return atMs === null ? 'Not synced yet' : `Synced${when}`;
    case 'running':
      return 'Syncing…';
    case 'failed':
      return `Sync failed${when}`;
    case 'interrupted':
      return `Sync interrupted${when}`;
    case 'succeeded':
      return last.result === 'conflicts' || last.result === 'invalid' || last.result === 'unreadable'
        ? `Sync stopped${when}`
        : `Synced${when}`;
  }
}
