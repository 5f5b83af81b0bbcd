import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend';
import { ChangeRequestState, ChangesState, OpenChangesCount } from './changeRequests.svelte';
import { FakeBackend } from './fakeBackend';

const draft = (key: string, governed = true) => ({ entity: { kind: 'flag', key }, name: key, governed, lines: [{ entity: { kind: 'flag', key }, environment: 'production', sentence: `Production: ${key} off`, fields: [] }] });
const request = (id: string, status: string) => ({ request: { id, title: id, author: 'alice', base: 'b', entities: [], status: 'open', approvals: [] }, report: { publishable: false, contentHash: 'h', emergency: false, rules: [], reasons: [], notes: [] }, status, localOnly: false, lines: [] });

function backend(extra: Record<string, (args: unknown) => unknown> = {}) {
  return new FakeBackend({
    draftChanges: () => [draft('a'), draft('b', false)],
    changeRequests: () => [request('cr-1', 'open'), request('cr-2', 'approved'), request('cr-3', 'published'), request('cr-4', 'withdrawn')],
    identity: () => ({ person: { id: 'dana', name: 'Dana', email: 'd@x', publicKey: 'k' }, hasSigningKey: true }),
    entity: () => ({ entity: { kind: 'policy', key: 'policy' }, json: { emergency: { allowed: true, environments: ['production'] } }, base: null, hasDraft: false, diagnostics: [] }),
    listEntities: () => [{ kind: 'person', key: 'alice', name: 'Alice Liu' }],
    ...extra,
  });
}

describe('ChangesState', () => {
  it('loads drafts, requests, identity and the emergency policy; chooses drafts; sends only the chosen ones', async () => {
    const fake = backend({ createChangeRequest: (args) => ({ ...request('cr-9', 'open'), args }) });
    const state = new ChangesState(fake, 1, (e) => { throw e; });
    await state.load();
    expect(state.me).toBe('dana');
    expect(state.emergency).toEqual({ allowed: true, environments: ['production'] });
    expect(state.shownRequests.map((r) => r.request.id)).toEqual(['cr-1', 'cr-2']);
    state.showAll = true;
    expect(state.shownRequests).toHaveLength(4);
    expect(state.names).toEqual({ alice: 'Alice Liu' });

    state.toggleAll();
    expect(state.selected).toEqual(['flag:a', 'flag:b']);
    state.toggle('flag:a');
    expect(state.chosen.map((d) => d.name)).toEqual(['b']);
    await state.requestReview('  Title  ', '   ');
    expect(fake.calls.at(-1)).toEqual({ command: 'createChangeRequest', args: { workspaceId: 1, title: 'Title', description: null, entities: [{ kind: 'flag', key: 'b' }] } });
    expect(state.selected).toEqual([]);
  });

  it('drops chosen drafts that went away on reload', async () => {
    let drafts = [draft('a'), draft('b')];
    const fake = backend({ draftChanges: () => drafts });
    const state = new ChangesState(fake, 1, () => {});
    await state.load();
    state.toggleAll();
    drafts = [draft('b')];
    await state.load();
    expect(state.selected).toEqual(['flag:b']);
  });
});

describe('OpenChangesCount', () => {
  it('counts open and approved requests, and shows nothing on a host without them', async () => {
    const count = new OpenChangesCount();
    await count.refresh(backend(), 1);
    expect(count.count).toBe(2);
    await count.refresh(new FakeBackend(), 1);
    expect(count.count).toBeNull();
    await count.refresh(backend(), null);
    expect(count.count).toBeNull();
  });
});

describe('ChangeRequestState', () => {
  it('says why a request cannot be shown, and reports other failures', async () => {
    const failures: unknown[] = [];
    const missing = new ChangeRequestState(backend({ changeRequest: () => { throw new BackendError({ code: 'notFound', message: 'There is no change request cr-x.' }); } }), 1, 'cr-x', (e) => failures.push(e));
    await missing.load();
    expect(missing.problem).toBe('There is no change request cr-x.');
    expect(failures).toEqual([]);

    const refusing = new ChangeRequestState(backend({
      changeRequest: () => request('cr-1', 'open'),
      approveChangeRequest: () => { throw new BackendError({ code: 'refused', message: "Alice can't approve their own change." }); },
    }), 1, 'cr-1', (e) => failures.push(e));
    await refusing.load();
    expect(refusing.nameOf('alice')).toBe('Alice Liu');
    expect(await refusing.approve('  ')).toBe(false);
    expect(failures).toHaveLength(1);
    expect(refusing.busy).toBeNull();
    expect(refusing.view?.status).toBe('open');
  });
});
