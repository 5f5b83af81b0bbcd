import { describe, expect, it } from 'vitest';
import type { StatusView } from '../bindings/StatusView';
import { isOffline, lastSyncText, problemText, readLastSync, waitingText } from './syncStatus';

function status(extra: Partial<StatusView> = {}): StatusView {
  return { drafts: 0, openConflicts: 0, resolvedConflicts: 0, pendingPush: false, lastSync: null, lastSyncSummary: null, canUndo: false, canRedo: false, governanceViolations: 0, ...extra };
}
const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('the header sync status in words', () => {
  it('counts what is waiting to go', () => {
    expect(waitingText(status())).toBe('All sent');
    expect(waitingText(status({ drafts: 1 }))).toBe('1 change to send');
    expect(waitingText(status({ drafts: 1200 }))).toBe('1,200 changes to send');
    expect(waitingText(null)).toBe('All sent');
  });

  it('reads a failed sync as offline with its reason in plain words', () => {
    const last = readLastSync(status({ lastSync: 'failed', lastSyncSummary: { code: 'offline', message: 'Could not reach git.example.com.' } }));
    expect(last).toEqual({ state: 'failed', code: 'offline', message: 'Could not reach git.example.com.', result: null });
    expect(isOffline(last, true)).toBe(true);
    expect(problemText(last)).toBe('The last sync failed: the remote could not be reached. Could not reach git.example.com.');
    expect(lastSyncText(last, NOW - 5 * 60_000, NOW)).toBe('Sync failed 5 min ago');
  });

  it('is online after a good sync unless the computer is offline', () => {
    const last = readLastSync(status({ lastSync: 'succeeded', lastSyncSummary: { result: 'pushed', summary: '1 flag changed', commit: 'abc' } }));
    expect(isOffline(last, true)).toBe(false);
    expect(isOffline(last, false)).toBe(true);
    expect(problemText(last)).toBeNull();
    expect(lastSyncText(last, NOW - 3 * 3_600_000, NOW)).toBe('Synced 3 h ago');
    expect(lastSyncText(last, NOW - 10_000, NOW)).toBe('Synced just now');
  });

  it('says a sync stopped by conflicts or a refused password is a problem to act on', () => {
    const conflicts = readLastSync(status({ lastSync: 'succeeded', lastSyncSummary: { result: 'conflicts', summary: '2 conflicts' } }));
    expect(problemText(conflicts)).toMatch(/conflict with the repository/);
    expect(lastSyncText(conflicts, null, NOW)).toBe('Sync stopped');
    const refused = readLastSync(status({ lastSync: 'failed', lastSyncSummary: { code: 'credentialsRejected', message: 'Authentication failed.' } }));
    expect(problemText(refused)).toMatch(/refused the password or token \(check it in Settings\)/);
    expect(isOffline(refused, true)).toBe(false);
  });

  it('says when it never synced', () => {
    expect(lastSyncText(readLastSync(status()), null, NOW)).toBe('Not synced yet');
    expect(lastSyncText(readLastSync(status({ lastSync: 'running' })), null, NOW)).toBe('Syncing…');
  });
});
