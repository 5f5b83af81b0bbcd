// The personas editor and the preview against the dev mock host (which implements the issue-6
// commands simply): typed controls save typed values, bad values are explained and not saved,
// and the preview shows variations, changes and explanations per environment.
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockBackend } from '../backend/mock';
import { PROJECT } from '../backend/mockData';
import { AppState } from '../state/app.svelte';
import Issue6InApp from './testing/Issue6InApp.svelte';

afterEach(cleanup);

beforeAll(() => {
  // jsdom has no layout: give the virtual list a viewport so it renders rows (as FlagsView.test).
  globalThis.ResizeObserver ??= class {
    constructor(private readonly cb: ResizeObserverCallback) {}
    observe(target: Element) {
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

/** The element with `data-testid=id` and the given data attributes, or null. */
function find(root: HTMLElement, id: string, attrs: Record<string, string> = {}): HTMLElement | null {
  const extra = Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('');
  return root.querySelector<HTMLElement>(`[data-testid="${id}"]${extra}`);
}

function get(root: HTMLElement, id: string, attrs: Record<string, string> = {}): HTMLElement {
  const element = find(root, id, attrs);
  if (!element) throw new Error(`no ${id} ${JSON.stringify(attrs)}`);
  return element;
}

async function found(root: HTMLElement, id: string, attrs: Record<string, string> = {}, timeout = 3000): Promise<HTMLElement> {
  let element: HTMLElement | null = null;
  await waitFor(() => {
    element = find(root, id, attrs);
    expect(element).not.toBeNull();
  }, { timeout });
  return element as unknown as HTMLElement;
}

async function setup(screen: 'persona' | 'preview', personaKey = '') {
  const backend = new MockBackend({ empty: false, extraFlags: 0, fail: null });
  const app = new AppState(backend);
  app.workspaceId = 1;
  app.project = PROJECT;
  await app.reloadPersonas(1);
  const view = render(Issue6InApp, { props: { app, screen, personaKey } });
  const stored = async (key: string) =>
    ((await backend.call('entity', { workspaceId: 1, entity: { kind: 'persona' as never, key } })).json as { context: Record<string, unknown> }).context;
  return { app, view, backend, stored };
}

describe('PersonaEditorView', () => {
  it('saves typed values from typed controls, and clearing removes the attribute', async () => {
    const { view, stored } = await setup('persona', 'bob-us-free');
    const plan = (await found(view.container, 'persona-attr', { attr: 'plan' })) as HTMLSelectElement;
    expect(plan.tagName).toBe('SELECT');
    await fireEvent.change(plan, { target: { value: 'pro' } });
    await waitFor(async () => expect((await stored('bob-us-free')).plan).toBe('pro'));
    expect(view.getByTestId('save-state').textContent?.trim()).toBe('Saved as draft');

    const age = get(view.container, 'persona-attr', { attr: 'age' });
    await fireEvent.change(age, { target: { value: '37' } });
    await waitFor(async () => expect((await stored('bob-us-free')).age).toBe(37));

    const beta = get(view.container, 'persona-attr', { attr: 'beta' });
    expect(beta.getAttribute('aria-checked')).toBe('false');
    await fireEvent.click(beta);
    await waitFor(async () => expect((await stored('bob-us-free')).beta).toBe(true));

    await fireEvent.click(get(view.container, 'persona-attr-clear', { attr: 'country' }));
    await waitFor(async () => expect('country' in (await stored('bob-us-free'))).toBe(false));
  });

  it('explains a bad version at the field and does not save it', async () => {
    const { view, stored } = await setup('persona', 'bob-us-free');
    const version = await found(view.container, 'persona-attr', { attr: 'appVersion' });
    await fireEvent.change(version, { target: { value: '2.1' } });
    const problem = await found(view.container, 'field-error', { field: '/context/appVersion' });
    expect(problem.textContent).toContain('Enter a version like 2.1.0');
    expect((await stored('bob-us-free')).appVersion).toBe('1.9.3');
  });
});

describe('PreviewView', () => {
  it('shows every flag per environment, what drafts change, and why', async () => {
    const { view } = await setup('preview');
    await waitFor(() => expect((view.getByTestId('preview-persona') as HTMLSelectElement).value).toBe('anna-de-pro'));
    const cell = await found(view.container, 'preview-cell', { key: 'hero-image', env: 'production' });
    expect(cell.querySelector('[data-testid=preview-variant]')?.textContent).toBe('summer');
    expect(cell.querySelector('[data-testid=preview-changed]')?.textContent).toContain('winter');

    await fireEvent.click(cell.querySelector('[data-testid=preview-explain]') as HTMLElement);
    await waitFor(() => expect(cell.textContent).toContain('No rule matched: the default serves summer.'));

    await fireEvent.click(view.getByTestId('preview-changes-only'));
    await waitFor(() => expect(find(view.container, 'preview-row', { key: 'banner-color' })).toBeNull());
  });

  it('hides an environment column when toggled off', async () => {
    const { view } = await setup('preview');
    await found(view.container, 'preview-cell', { key: 'hero-image', env: 'staging' });
    await fireEvent.click(get(view.container, 'preview-env', { env: 'staging' }));
    await waitFor(() => expect(find(view.container, 'preview-cell', { key: 'hero-image', env: 'staging' })).toBeNull(), { timeout: 3000 });
    expect(find(view.container, 'preview-cell', { key: 'hero-image', env: 'production' })).toBeTruthy();
  });
});
