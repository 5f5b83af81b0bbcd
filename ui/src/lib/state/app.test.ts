import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../backend';
import { AppState, REFRESH_MS } from './app.svelte';
import { FakeBackend } from './fakeBackend';
import { WorkspaceMemory } from './memory';
import type { EntityListItem as ListItem } from '../bindings/EntityListItem';

const workspace = { id: 7, name: 'Demo', kind: 'git', location: '/tmp/demo', remoteUrl: null, baseCommit: null };
const project = { name: 'Acme', bucketBy: 'targetingKey', environments: [{ key: 'production', name: 'Production', description: null }], attributes: [] };
const status = { drafts: 0, openConflicts: 0, resolvedConflicts: 0, pendingPush: false, lastSync: null, lastSyncSummary: null, canUndo: true, canRedo: false, governanceViolations: 0 };

function item(key: string, state: ListItem['state'] = 'unchanged'): ListItem {
  return { kind: 'flag', key, name: key, description: null, flagType: 'boolean', tags: [], owner: null, state, environments: [] };
}

function memoryWith(id: number | null): WorkspaceMemory {
  const store = new Map<string, string>();
  const memory = new WorkspaceMemory({
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  } as Storage);
  memory.set(id);
  return memory;
}

function backendWith(flags: () => ListItem[]): FakeBackend {
  return new FakeBackend({
    workspaces: () => [workspace],
    project: () => project,
    listEntities: (args) => ((args as { kind: string }).kind === 'flag' ? flags() : []),
    status: () => status,
    undo: () => true,
  });
}

describe('AppState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reopens the remembered workspace and loads its lists', async () => {
    const app = new AppState(backendWith(() => [item('a'), item('b')]), memoryWith(7));
    await app.start();
    expect(app.phase).toBe('ready');
    expect(app.workspaceId).toBe(7);
    expect(app.flags.map((f) => f.key)).toEqual(['a', 'b']);
    expect(app.project?.name).toBe('Acme');
  });

  it('is ready with the first rows, then completes the lists in the background', async () => {
    let arrive = () => {};
    const whole = new Promise<void>((r) => (arrive = r));
    const backend = backendWith(() => [item('a'), item('b'), item('c')]);
    backend.on('listEntitiesStart', () => ({ items: [item('a')], total: 3 }));
    backend.on('listEntities', async (args) => {
      await whole;
      return (args as { kind: string }).kind === 'flag' ? [item('a'), item('b'), item('c')] : [];
    });
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    expect(app.phase).toBe('ready');
    expect(app.flags.map((f) => f.key)).toEqual(['a']);
    expect(app.flagCount).toBe(3);
    expect(app.listsComplete).toBe(false);
    expect(backend.count('listEntitiesStart')).toBe(1);
    arrive();
    await vi.waitFor(() => expect(app.listsComplete).toBe(true));
    expect(app.flags.map((f) => f.key)).toEqual(['a', 'b', 'c']);
    expect(app.flagCount).toBe(3);
  });

  it('opens the workspace the host started with rather than the remembered one', async () => {
    const backend = backendWith(() => [item('a')]);
    backend.on('workspaces', () => [workspace, { ...workspace, id: 9, name: 'Served' }]);
    Object.assign(backend, { startWorkspace: 9 });
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    expect(app.workspaceId).toBe(9);
  });

  it('reloads the lists, status and workspaces when the host says events were dropped', async () => {
    let flags = [item('a')];
    const backend = backendWith(() => flags);
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    const before = { list: backend.count('listEntities'), status: backend.count('status'), workspaces: backend.count('workspaces') };
    flags = [item('a'), item('b')];
    backend.resync();
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 10);
    expect(app.flags.map((f) => f.key)).toEqual(['a', 'b']);
    // Flags, segments and (issue 6) personas.
    expect(backend.count('listEntities')).toBe(before.list + 3);
    expect(backend.count('status')).toBe(before.status + 1);
    expect(backend.count('workspaces')).toBe(before.workspaces + 1);
    expect(backend.count('project')).toBe(2);
  });

  it('opens the only workspace when none is remembered', async () => {
    const app = new AppState(backendWith(() => [item('a')]), memoryWith(null));
    await app.start();
    expect(app.workspaceId).toBe(7);
  });

  it('still starts when the event stream cannot be opened', async () => {
    const backend = backendWith(() => [item('a')]);
    backend.onEvents = () => Promise.reject(new Error('no events'));
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    expect(app.phase).toBe('ready');
    expect(app.toasts[0]?.detail).toBe('no events');
  });

  it('shows the welcome screen when there is no workspace', async () => {
    const backend = new FakeBackend({ workspaces: () => [] });
    const app = new AppState(backend, memoryWith(null));
    await app.start();
    expect(app.phase).toBe('welcome');
  });

  it('refetches a list once for a burst of events and bumps the entity versions', async () => {
    let flags = [item('a')];
    const backend = backendWith(() => flags);
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    const before = backend.count('listEntities');
    flags = [item('a', 'modified'), item('c', 'added')];
    const events = Array.from({ length: 2000 }, (_, i) => ({
      workspaceId: 7, subject: 'draft', entityKind: 'flag', key: i % 2 ? 'a' : 'c', change: 'updated', source: 'sync',
    }));
    backend.emit(events.slice(0, 1000));
    backend.emit(events.slice(1000));
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    expect(backend.count('listEntities') - before).toBe(1);
    expect(app.flags.map((f) => `${f.key}:${f.state}`)).toEqual(['a:modified', 'c:added']);
    expect(app.entityVersion['flag:a']).toBe(1);
    expect(app.entityVersion['flag:c']).toBe(1);
  });

  it("does not reload editors for the user's own saves, but does after undo", async () => {
    const backend = backendWith(() => [item('a')]);
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    const own = { workspaceId: 7, subject: 'draft', entityKind: 'flag', key: 'a', change: 'updated', source: 'user' };
    backend.emit([own]);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    expect(app.entityVersion['flag:a']).toBeUndefined();
    await app.undo();
    expect(backend.count('undo')).toBe(1);
    expect(backend.calls.find((c) => c.command === 'undo')?.args).toEqual({ workspaceId: 7 });
    backend.emit([own]);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    expect(app.entityVersion['flag:a']).toBe(1);
  });

  it('reloads the project settings when flagdeck.json changes', async () => {
    const backend = backendWith(() => []);
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    backend.on('project', () => ({ ...project, name: 'Renamed' }));
    backend.emit([{ workspaceId: 7, subject: 'draft', entityKind: 'project', key: 'project', change: 'updated', source: 'watcher' }]);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    expect(app.project?.name).toBe('Renamed');
  });

  it('ignores events of other workspaces', async () => {
    const backend = backendWith(() => [item('a')]);
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    const before = backend.count('listEntities');
    backend.emit([{ workspaceId: 8, subject: 'draft', entityKind: 'flag', key: 'a', change: 'updated', source: 'sync' }]);
    await vi.advanceTimersByTimeAsync(REFRESH_MS + 1);
    expect(backend.count('listEntities')).toBe(before);
  });

  it('turns a failed command into one error toast per code', async () => {
    const backend = backendWith(() => []).on('undo', () => {
      throw new BackendError({ code: 'offline', message: 'No network.' });
    });
    const app = new AppState(backend, memoryWith(7));
    await app.start();
    await app.undo();
    await app.undo();
    expect(app.toasts).toHaveLength(1);
    expect(app.toasts[0]?.kind).toBe('error');
    expect(app.toasts[0]?.text).toContain("You're offline");
    expect(app.toasts[0]?.detail).toBe('No network.');
  });

  it('keeps the clone progress from events while cloning', async () => {
    const backend = backendWith(() => []);
    const app = new AppState(backend, memoryWith(null));
    await app.start();
    backend.emit([{ workspaceId: 0, subject: 'progress', change: 'updated', source: 'user', progress: { task: 'clone', done: 3, total: 10, message: 'Receiving objects' } }]);
    expect(app.progress?.done).toBe(3);
  });
});
