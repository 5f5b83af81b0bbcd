import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend';
import type { SyncReport } from '../bindings/SyncReport';
import { AppState } from './app.svelte';
import { FakeBackend } from './fakeBackend';
import { SyncNow, syncOutcome } from './syncNow.svelte';

function report(result: SyncReport['result'], extra: Partial<SyncReport> = {}): SyncReport {
  return {
    result, summary: '1 flag changed', changes: [], conflicts: [], diagnostics: [], retries: 0,
    governanceViolations: [], ...extra,
  } as SyncReport;
}

describe('syncOutcome', () => {
  it('says in words what a sync did', () => {
    const flag = (key: string, out: boolean, inc: boolean) => ({ entity: { kind: 'flag' as const, key }, outgoing: out ? 'update' : null, incoming: inc ? 'update' : null, conflicts: 0 }) as never;
    // In the past tense, not the plan's "1 local change to push".
    expect(syncOutcome(report('pushed', { summary: '1 local change to push', changes: [flag('mobile-payments', true, false)] })))
      .toEqual({ kind: 'info', text: 'Synced: mobile-payments is in the repository.' });
    expect(syncOutcome(report('pushed', { changes: [flag('a', true, false), flag('b', true, false), flag('c', false, true)] })).text)
      .toBe('Synced: a and b are in the repository; c from your team is here.');
    expect(syncOutcome(report('pulled', { changes: ['a', 'b', 'c', 'd'].map((k) => flag(k, false, true)) })).text)
      .toBe('Synced: 4 changes from your team are here.');
    expect(syncOutcome(report('upToDate')).text).toBe('Already up to date: nothing to send or bring in.');
  });

  it('makes conflicts and invalid results problems that say nothing was sent', () => {
    const conflicts = syncOutcome(report('conflicts', { conflicts: [{} as never, {} as never] }));
    expect(conflicts.kind).toBe('error');
    expect(conflicts.text).toContain('Nothing was sent: some changes conflict');
    const invalid = syncOutcome(report('invalid', { diagnostics: [{} as never] }));
    expect(invalid).toEqual({ kind: 'error', text: expect.stringContaining('1 problem(s)') });
  });
});

describe('SyncNow', () => {
  it('syncs the open workspace once at a time and reports the outcome as a toast', async () => {
    let release: (r: SyncReport) => void = () => {};
    const backend = new FakeBackend({ sync: () => new Promise<SyncReport>((ok) => (release = ok)) });
    const app = new AppState(backend);
    app.workspaceId = 4;
    const sync = new SyncNow(app);
    const first = sync.run();
    expect(sync.running).toBe(true);
    await sync.run(); // a second click while running does nothing
    release(report('pushed'));
    await first;
    expect(backend.calls).toEqual([{ command: 'sync', args: { workspaceId: 4, dryRun: false } }]);
    expect(sync.running).toBe(false);
    expect(app.toasts.at(-1)).toMatchObject({ kind: 'info' });
  });

  it('shows an offline error by its code and is ready again', async () => {
    const backend = new FakeBackend({
      sync: () => {
        throw new BackendError({ code: 'offline', message: 'The remote cannot be reached.' });
      },
    });
    const app = new AppState(backend);
    app.workspaceId = 1;
    const sync = new SyncNow(app);
    await sync.run();
    expect(app.toasts.at(-1)).toMatchObject({ kind: 'error' });
    expect(sync.running).toBe(false);
  });
});
