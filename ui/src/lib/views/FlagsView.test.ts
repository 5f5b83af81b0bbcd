import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppState, FIRST_ROWS } from '../state/app.svelte';
import { appContext } from '../state/context';
import { FakeBackend } from '../state/fakeBackend';
import { WorkspaceMemory } from '../state/memory';
import type { EntityListItem as ListItem } from '../bindings/EntityListItem';
import FlagsView from './FlagsView.svelte';

const flag = (key: string, name: string, tags: string[], state: ListItem['state'] = 'unchanged'): ListItem => ({
  kind: 'flag', key, name, description: null, flagType: 'boolean', tags, owner: 'alice', state,
  environments: [{ key: 'production', state: 'killed' }],
});

afterEach(cleanup);

beforeAll(() => {
  // jsdom has no layout: give the virtual list a viewport so it renders rows.
  globalThis.ResizeObserver ??= class {
    constructor(private readonly cb: ResizeObserverCallback) {}
    observe(target: Element) {
      // Only the scrolling viewport reports a size; rows keep the list's estimated height.
      if (target.firstElementChild?.hasAttribute('data-row-index')) return;
      queueMicrotask(() =>
        this.cb([{ target, contentRect: { width: 1000, height: 600 } } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver),
      );
    }
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 });
});

async function mountWith(flags: ListItem[], saved: unknown[] = [], wholeList?: Promise<void>) {
  const backend = new FakeBackend({
    listEntitiesStart: (args) => {
      const { limit } = args as { limit: number };
      return { items: flags.slice(0, limit), total: flags.length };
    },
    saveEntity: (args) => {
      saved.push(args);
      return { hasDraft: true, diagnostics: [] };
    },
    workspaces: () => [{ id: 1, name: 'Demo', kind: 'local', location: '/tmp/x', remoteUrl: null, baseCommit: null }],
    project: () => ({ name: 'Acme', bucketBy: 'targetingKey', environments: [{ key: 'production', name: 'Production', description: null }], attributes: [] }),
    listEntities: async (args) => {
      await wholeList;
      return (args as { kind: string }).kind === 'flag' ? flags : [];
    },
    status: () => null,
  });
  const app = new AppState(backend, new WorkspaceMemory(null));
  await app.start();
  render(FlagsView, { context: appContext(app) });
  return app;
}

const rowKeys = () => screen.queryAllByTestId('flag-row').map((row) => row.dataset.key);

describe('FlagsView', () => {
  it('renders a row per flag with its states in words and the unpublished badge', async () => {
    await mountWith([flag('new-checkout', 'New checkout', ['checkout'], 'modified'), flag('banner', 'Banner', ['design'])]);
    await waitFor(() => expect(rowKeys()).toEqual(['new-checkout', 'banner']));
    expect(screen.getAllByTestId('row-unpublished-badge')).toHaveLength(1);
    expect(screen.getAllByTestId('flag-row')[0]?.textContent).toContain('Killed');
  });

  it('filters as the user types and says when nothing matches', async () => {
    await mountWith([flag('new-checkout', 'New checkout', ['checkout']), flag('banner', 'Banner', ['design'])]);
    const search = screen.getByTestId('flag-search');
    await fireEvent.input(search, { target: { value: 'DESIGN' } });
    await waitFor(() => expect(rowKeys()).toEqual(['banner']));
    expect(screen.getByText('1 of 2 flags')).toBeTruthy();
    await fireEvent.input(search, { target: { value: 'nothing-like-this' } });
    await waitFor(() => expect(screen.getByText('No flags match')).toBeTruthy());
  });

  it('marks the list ready once rows are painted, then complete once every flag is in', async () => {
    // Frames the earlier tests asked for mark too: let them pass first.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    delete window.__flagdeckTimings;
    delete document.documentElement.dataset.ready;
    let arrive = () => {};
    await mountWith([flag('a', 'A', [])], [], new Promise<void>((r) => (arrive = r)));
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe('list'));
    // Read afresh: TypeScript takes the `delete` above as the last word on it.
    const timings = () => window.__flagdeckTimings as { list?: number; complete?: number } | undefined;
    expect(typeof timings()?.list).toBe('number');
    arrive();
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe('complete'));
    expect(timings()?.complete).toBeGreaterThanOrEqual(timings()?.list ?? Infinity);
  });

  it('shows the first rows of a long list at once and searches all of it once the rest arrives', async () => {
    const many = Array.from({ length: FIRST_ROWS + 50 }, (_, i) => flag(`flag-${String(i).padStart(3, '0')}`, `Flag ${i}`, []));
    let arrive = () => {};
    await mountWith(many, [], new Promise<void>((r) => (arrive = r)));
    await waitFor(() => expect(rowKeys()[0]).toBe('flag-000'));
    expect(screen.getByText(`${many.length} flags — loading…`)).toBeTruthy();
    // A flag past the first rows: not "no match" while the list is still coming.
    await fireEvent.input(screen.getByTestId('flag-search'), { target: { value: 'flag-140' } });
    await waitFor(() => expect(screen.getByText(`Searching all ${many.length} flags…`)).toBeTruthy());
    expect(screen.queryByText('No flags match')).toBeNull();
    arrive();
    await waitFor(() => expect(rowKeys()).toEqual(['flag-140']));
    expect(screen.getByText(`1 of ${many.length} flags`)).toBeTruthy();
  });

  it('creates a new flag as a draft with a valid template and opens it', async () => {
    const saved: unknown[] = [];
    const app = await mountWith([flag('taken', 'Taken', [])], saved);
    await fireEvent.click(screen.getByTestId('new-flag'));
    const key = await screen.findByTestId('new-flag-key');
    await fireEvent.input(key, { target: { value: 'taken' } });
    await waitFor(() => expect(screen.getByTestId('field-error').textContent).toMatch(/already/));
    await fireEvent.click(screen.getByTestId('new-flag-create'));
    expect(saved).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('new-flag-name'), { target: { value: 'Dark mode' } });
    await fireEvent.input(key, { target: { value: 'dark-mode' } });
    await fireEvent.click(screen.getByTestId('new-flag-create'));
    await waitFor(() => expect(saved).toHaveLength(1));
    const args = saved[0] as { workspaceId: number; entity: { kind: string; key: string }; json: Record<string, unknown> };
    expect(args.entity).toEqual({ kind: 'flag', key: 'dark-mode' });
    expect(args.json.name).toBe('Dark mode');
    expect(args.json.type).toBe('boolean');
    expect(Object.keys(args.json.environments as object)).toEqual(['production']);
    await waitFor(() => expect(app.route).toEqual({ screen: 'flag', key: 'dark-mode' }));
  });
});
