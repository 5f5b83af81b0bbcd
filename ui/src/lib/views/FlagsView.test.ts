import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppState } from '../state/app.svelte';
import { appContext } from '../state/context';
import { FakeBackend } from '../state/fakeBackend';
import { WorkspaceMemory } from '../state/memory';
import type { ListItem } from '../state/pending';
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

async function mountWith(flags: ListItem[]) {
  const backend = new FakeBackend({
    workspaces: () => [{ id: 1, name: 'Demo', kind: 'local', location: '/tmp/x', remoteUrl: null, baseCommit: null }],
    project: () => ({ name: 'Acme', bucketBy: 'targetingKey', environments: [{ key: 'production', name: 'Production', description: null }], attributes: [] }),
    listEntities: (args) => ((args as { kind: string }).kind === 'flag' ? flags : []),
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
});
