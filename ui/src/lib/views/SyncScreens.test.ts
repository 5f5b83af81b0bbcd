import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditView } from '../bindings/AuditView';
import type { ConflictView } from '../bindings/ConflictView';
import type { StatusView } from '../bindings/StatusView';
import { AppState } from '../state/app.svelte';
import { FakeBackend } from '../state/fakeBackend';
import { WorkspaceMemory } from '../state/memory';
import { TestId } from '../testids';
import SyncScreensInApp from './testing/SyncScreensInApp.svelte';

afterEach(cleanup);

function status(extra: Partial<StatusView> = {}): StatusView {
  return { drafts: 0, openConflicts: 0, resolvedConflicts: 0, pendingPush: false, lastSync: 'succeeded', lastSyncSummary: { result: 'pulled', summary: 'x' }, canUndo: false, canRedo: false, governanceViolations: 0, ...extra };
}

function conflict(id: number, path: string, local: ConflictView['local'], remote: ConflictView['remote']): ConflictView {
  return { id, entity: { kind: 'flag', key: 'new-checkout' }, path, base: null, local, remote, entityName: 'flag new-checkout', resolved: false, resolution: null };
}

function appWith(backend: FakeBackend): AppState {
  const app = new AppState(backend, new WorkspaceMemory(null));
  app.workspaceId = 1;
  app.project = { name: 'Acme', bucketBy: 'targetingKey', environments: [{ key: 'production', name: 'Production', description: null }], attributes: [] } as never;
  app.status = status();
  return app;
}

describe('ConflictsView', () => {
  it('shows both sides in words, resolves each choice, then continues with a sync', async () => {
    let conflicts = [conflict(1, '/environments/production/fallthrough', { variation: 'on' }, { variation: 'off' }), conflict(2, '/description', 'Mine', 'Theirs')];
    const backend = new FakeBackend({
      conflicts: () => conflicts,
      resolveConflict: (args) => {
        const { conflictId, choice } = args as { conflictId: number; choice: { choice: string; value?: unknown } };
        const found = conflicts.find((c) => c.id === conflictId)!;
        const resolution = choice.choice === 'local' ? found.local : choice.choice === 'remote' ? found.remote : choice.value;
        const done = { ...found, resolved: true, resolution } as ConflictView;
        conflicts = conflicts.map((c) => (c.id === conflictId ? done : c));
        return done;
      },
      sync: () => {
        conflicts = [];
        return { result: 'pushed', summary: '', changes: [], conflicts: [], commit: 'abc', message: null, diagnostics: [], side: null, retries: 0, governanceViolations: [] };
      },
    });
    const app = appWith(backend);
    render(SyncScreensInApp, { app, screen: 'conflicts' });
    const items = await screen.findAllByTestId(TestId.conflict);
    expect(items).toHaveLength(2);
    const rollout = within(items[0]!);
    expect(rollout.getByRole('heading', { name: 'Production › Default rule' })).toBeTruthy();
    expect(rollout.getByTestId(TestId.conflictMine).textContent).toBe('Serves on');
    expect(rollout.getByTestId(TestId.conflictTheirs).textContent).toBe('Serves off');
    expect((screen.getByTestId(TestId.conflictContinue) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(rollout.getByTestId(TestId.conflictTakeTheirs));
    await waitFor(() => expect(rollout.getByTestId(TestId.conflictResolved).textContent).toMatch(/took the repository’s value/));
    // The keyboard moves on to the next choice instead of falling back to the page.
    await waitFor(() => expect(document.activeElement).toBe(within(items[1]!).getByTestId(TestId.conflictKeepMine)));

    const description = within(items[1]!);
    await fireEvent.click(description.getByTestId(TestId.conflictEdit));
    const input = description.getByTestId(TestId.conflictEditValue) as HTMLInputElement;
    expect(input.value).toBe('Mine');
    await fireEvent.input(input, { target: { value: 'Mine and theirs' } });
    await fireEvent.click(description.getByTestId(TestId.conflictEditSave));
    await waitFor(() => expect(description.getByTestId(TestId.conflictResolved).textContent).toMatch(/You chose: Mine and theirs/));
    expect(backend.calls.filter((c) => c.command === 'resolveConflict').map((c) => c.args)).toEqual([
      { workspaceId: 1, conflictId: 1, choice: { choice: 'remote' } },
      { workspaceId: 1, conflictId: 2, choice: { choice: 'edited', value: 'Mine and theirs' } },
    ]);

    await waitFor(() => expect((screen.getByTestId(TestId.conflictContinue) as HTMLButtonElement).disabled).toBe(false));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId(TestId.conflictContinue)));
    await fireEvent.click(screen.getByTestId(TestId.conflictContinue));
    await waitFor(() => expect(backend.count('sync')).toBe(1));
    await waitFor(() => expect(app.route).toEqual({ screen: 'flags' }));
  });

  it('says when there is nothing to resolve', async () => {
    const app = appWith(new FakeBackend({ conflicts: () => [] }));
    render(SyncScreensInApp, { app, screen: 'conflicts' });
    expect(await screen.findByTestId(TestId.conflictEmpty)).toBeTruthy();
  });
});

describe('the header status', () => {
  it('says offline, what waits, the conflicts, and why the last sync failed', async () => {
    const backend = new FakeBackend({ auditLog: () => [] });
    const app = appWith(backend);
    app.status = status({ drafts: 3, openConflicts: 2, lastSync: 'failed', lastSyncSummary: { code: 'offline', message: 'Could not reach git.example.com.' } });
    render(SyncScreensInApp, { app, screen: 'status' });
    expect(screen.getByTestId(TestId.syncConnection).textContent).toMatch(/Offline/);
    expect(screen.getByTestId(TestId.syncWaiting).textContent).toBe('3 changes to send');
    expect(screen.getByTestId(TestId.syncConflicts).getAttribute('href')).toBe('#/conflicts');
    expect(screen.getByTestId(TestId.syncLast).textContent).toMatch(/Sync failed/);
    expect(screen.queryByTestId(TestId.syncError)).toBeNull();
    await fireEvent.click(screen.getByTestId(TestId.syncLast));
    expect(screen.getByTestId(TestId.syncError).textContent).toBe('The last sync failed: the remote could not be reached. Could not reach git.example.com.');
  });

  it('shows the stage of a running sync', async () => {
    let finish: (value: unknown) => void = () => {};
    const backend = new FakeBackend({ auditLog: () => [], sync: () => new Promise((ok) => (finish = ok)) });
    const app = appWith(backend);
    render(SyncScreensInApp, { app, screen: 'status' });
    const { syncFor } = await import('../state/syncNow.svelte');
    const running = syncFor(app).run();
    expect(await screen.findByTestId(TestId.syncProgress)).toBeTruthy();
    expect(screen.getByTestId(TestId.syncProgress).textContent).toMatch(/Sending and receiving changes/);
    app.progress = { task: 'sync', done: 1, total: 3, message: 'Fetching from the remote' };
    await waitFor(() => expect(screen.getByTestId(TestId.syncProgress).textContent).toMatch(/Fetching from the remote\s*\(1 of 3\)/));
    finish({ result: 'upToDate', summary: '', changes: [], conflicts: [], commit: null, message: null, diagnostics: [], side: null, retries: 0, governanceViolations: [] });
    await running;
    await waitFor(() => expect(screen.queryByTestId(TestId.syncProgress)).toBeNull());
    expect(screen.getByTestId(TestId.syncLast).textContent).toMatch(/Synced just now/);
  });
});

describe('AuditLogView', () => {
  it('lists entries in words and filters them', async () => {
    const entries: AuditView[] = [
      { id: 3, at: 1_763_700_000, actor: 'Erin Cho', action: 'sync.pushed', source: 'sync', details: { summary: '1 flag changed' } },
      { id: 2, at: 1_763_600_000, actor: 'Dana Ruiz', action: 'conflict.resolved', source: 'user', details: { entity: { kind: 'flag', key: 'x' }, path: '/environments/production/enabled', choice: { choice: 'local' } } },
      { id: 1, at: 1_763_500_000, actor: 'Dana Ruiz', action: 'entity.saved', source: 'user', details: { entity: { kind: 'flag', key: 'x' }, draft: true } },
    ];
    const backend = new FakeBackend({ auditLog: () => entries });
    const app = appWith(backend);
    render(SyncScreensInApp, { app, screen: 'audit' });
    await waitFor(() => expect(screen.getAllByTestId(TestId.auditRow)).toHaveLength(3));
    expect(screen.getAllByTestId(TestId.auditRow)[0]!.textContent).toMatch(/Sent changes to the repository: 1 flag changed/);
    await fireEvent.input(screen.getByTestId(TestId.auditFilterWho), { target: { value: 'dana' } });
    await waitFor(() => expect(screen.getAllByTestId(TestId.auditRow)).toHaveLength(2));
    await fireEvent.change(screen.getByTestId(TestId.auditFilterEnv), { target: { value: 'production' } });
    await waitFor(() => expect(screen.getAllByTestId(TestId.auditRow)).toHaveLength(1));
    expect(screen.getByTestId(TestId.auditRow).textContent).toMatch(/Production/);
    await fireEvent.change(screen.getByTestId(TestId.auditFilterWhat), { target: { value: 'sync' } });
    expect(await screen.findByTestId(TestId.auditEmpty)).toBeTruthy();
    // The host is asked with the same filters (it filters the whole log, not just what is loaded).
    await waitFor(() => expect(backend.calls.filter((c) => c.command === 'auditLog').at(-1)?.args).toEqual({ workspaceId: 1, limit: 1000, who: 'dana', action: 'sync', environment: 'production' }));
  });
});

describe('SettingsView', () => {
  const person = { id: 'dana-ruiz', name: 'Dana Ruiz', email: 'dana@example.com', publicKey: 'ed25519:AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' };

  it('creates an identity, shows its public key, and registers it through a change request', async () => {
    let me: typeof person | null = null;
    const backend = new FakeBackend({
      workspaces: () => [],
      identity: () => ({ person: me, hasSigningKey: me !== null }),
      createIdentity: (args) => {
        const { personId, name, email } = args as { personId: string; name: string; email: string };
        me = { ...person, id: personId, name, email };
        return me;
      },
      credentialsStatus: () => ({ remoteUrl: '/srv/flags.git', username: null, stored: false }),
      proposePerson: () => ({ kind: 'person', key: 'dana-ruiz' }),
      createChangeRequest: () => ({ request: { id: 'cr-7', title: 'Add Dana Ruiz to the project' } }),
    });
    const app = appWith(backend);
    app.workspaces = [{ id: 1, name: 'Team', kind: 'folder', location: '/home/dana/flags', remoteUrl: '/srv/flags.git', baseCommit: null }];
    render(SyncScreensInApp, { app, screen: 'settings' });
    const create = await screen.findByTestId(TestId.settingsIdentityCreate);
    await fireEvent.click(create);
    expect(screen.getByText('Enter your name as your team knows it.')).toBeTruthy();
    expect(backend.count('createIdentity')).toBe(0);
    await fireEvent.input(screen.getByTestId(TestId.settingsIdentityName), { target: { value: 'Dana Ruiz' } });
    await fireEvent.input(screen.getByTestId(TestId.settingsIdentityEmail), { target: { value: 'dana@example.com' } });
    expect((screen.getByTestId(TestId.settingsIdentityId) as HTMLInputElement).value).toBe('dana-ruiz');
    await fireEvent.click(screen.getByTestId(TestId.settingsIdentityCreate));
    expect((await screen.findByTestId(TestId.settingsPublicKey)).textContent).toBe(person.publicKey);
    expect(backend.calls.find((c) => c.command === 'createIdentity')?.args).toEqual({ personId: 'dana-ruiz', name: 'Dana Ruiz', email: 'dana@example.com' });

    await fireEvent.click(screen.getByTestId(TestId.settingsRegister));
    const registered = await screen.findByTestId(TestId.settingsRegistered);
    expect(registered.querySelector('a')?.getAttribute('href')).toBe('#/changes/cr-7');
    const request = backend.calls.find((c) => c.command === 'createChangeRequest')?.args as { entities: unknown[]; title: string };
    expect(request.entities).toEqual([{ kind: 'person', key: 'dana-ruiz' }]);
    expect(request.title).toBe('Add Dana Ruiz to the project');
  });

  it('stores a secret without showing it again, tests the connection, and removes it', async () => {
    let stored = false;
    const backend = new FakeBackend({
      workspaces: () => [],
      identity: () => ({ person, hasSigningKey: true }),
      credentialsStatus: () => ({ remoteUrl: 'https://git.example.com/acme/flags.git', username: 'dana', stored }),
      setCredentials: () => ((stored = true), { remoteUrl: 'https://git.example.com/acme/flags.git', username: 'dana', stored }),
      deleteCredentials: () => ((stored = false), { remoteUrl: 'https://git.example.com/acme/flags.git', username: 'dana', stored }),
      testConnection: () => ({ ok: false, message: 'The remote refused the password or token' }),
    });
    const app = appWith(backend);
    app.workspaces = [{ id: 1, name: 'Team', kind: 'git', location: '/data/team', remoteUrl: 'https://git.example.com/acme/flags.git', baseCommit: null }];
    render(SyncScreensInApp, { app, screen: 'settings' });
    const state = await screen.findByTestId(TestId.settingsCredentialsState);
    await waitFor(() => expect(state.dataset.stored).toBe('false'));
    const secret = screen.getByTestId(TestId.settingsSecret) as HTMLInputElement;
    expect(secret.type).toBe('password');
    await fireEvent.input(secret, { target: { value: 'tok-123' } });
    await fireEvent.click(screen.getByTestId(TestId.settingsSecretSave));
    await waitFor(() => expect(screen.getByTestId(TestId.settingsCredentialsState).dataset.stored).toBe('true'));
    await waitFor(() => expect(secret.value).toBe(''));
    expect(document.body.textContent).not.toContain('tok-123');
    expect(backend.calls.find((c) => c.command === 'setCredentials')?.args).toEqual({ workspaceId: 1, secret: 'tok-123' });
    await fireEvent.click(screen.getByTestId(TestId.settingsTestConnection));
    const result = await screen.findByTestId(TestId.settingsTestResult);
    expect(result.textContent).toBe('The remote refused the password or token');
    expect(result.dataset.ok).toBe('false');
    await fireEvent.click(screen.getByTestId(TestId.settingsSecretDelete));
    await waitFor(() => expect(screen.getByTestId(TestId.settingsCredentialsState).dataset.stored).toBe('false'));
  });

  it('switches the theme and the time zone', async () => {
    const backend = new FakeBackend({ workspaces: () => [], identity: () => ({ person: null, hasSigningKey: false }), credentialsStatus: () => ({ remoteUrl: null, username: null, stored: false }) });
    const app = appWith(backend);
    const { Theme } = await import('../state/theme.svelte');
    const theme = new Theme(null);
    render(SyncScreensInApp, { app, screen: 'settings', theme });
    await fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(theme.mode).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    const { displayZone, setDisplayZone } = await import('../state/timeZone.svelte');
    await fireEvent.change(screen.getByTestId(TestId.settingsTimeZone), { target: { value: 'Asia/Tokyo' } });
    expect(displayZone()).toBe('Asia/Tokyo');
    setDisplayZone(null);
  });
});
