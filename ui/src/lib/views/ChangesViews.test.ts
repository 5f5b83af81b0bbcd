// The Changes screens against the dev mock host (mockGovernance.ts: production needs one
// release manager's approval; the user is Dana, a release manager): drafts with sentences are
// chosen and sent for review, a request is approved with a comment, published after a
// confirmation, withdrawn, and an emergency change needs its reason.
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { MockBackend } from '../backend/mock';
import { PROJECT } from '../backend/mockData';
import { AppState } from '../state/app.svelte';
import ChangesInApp from './testing/ChangesInApp.svelte';

afterEach(cleanup);

function q(root: HTMLElement, id: string, attrs: Record<string, string> = {}): HTMLElement | null {
  const extra = Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('');
  return root.querySelector<HTMLElement>(`[data-testid="${id}"]${extra}`);
}

async function found(root: HTMLElement, id: string, attrs: Record<string, string> = {}): Promise<HTMLElement> {
  let element: HTMLElement | null = null;
  await waitFor(() => {
    element = q(root, id, attrs);
    expect(element).not.toBeNull();
  }, { timeout: 3000 });
  return element as unknown as HTMLElement;
}

/** Dialogs render in a portal under document.body. */
const body = () => document.body;

function setup(route: AppState['route'] = { screen: 'changes' }) {
  const backend = new MockBackend({ empty: false, extraFlags: 0, fail: null });
  const app = new AppState(backend);
  app.workspaceId = 1;
  app.project = PROJECT;
  app.route = route;
  const view = render(ChangesInApp, { props: { app } });
  return { app, view, backend };
}

describe('ChangesView', () => {
  it('lists drafts with their sentences and makes a change request of the chosen ones', async () => {
    const { app, view, backend } = setup();
    const draft = await found(view.container, 'changes-draft', { key: 'hero-image' });
    expect(draft.dataset.governed).toBe('true');
    expect(draft.querySelector('[data-testid="changes-draft-line"][data-env="production"]')?.textContent).toBe('Production: Hero image default summer → winter');
    const request = view.getByTestId('changes-request-review') as HTMLButtonElement;
    expect(request.disabled).toBe(true);

    await fireEvent.click(draft.querySelector('[data-testid="changes-draft-check"]') as HTMLElement);
    expect(request.disabled).toBe(false);
    await fireEvent.click(request);
    const title = (await found(body(), 'changes-request-title')) as HTMLInputElement;
    expect(title.value).toBe('Production: Hero image default summer → winter');
    await fireEvent.input(title, { target: { value: '' } });
    await fireEvent.click(await found(body(), 'changes-request-create'));
    expect((await found(body(), 'field-error', { field: 'title' })).textContent).toContain('title');

    await fireEvent.input(title, { target: { value: 'Winter hero, take two' } });
    await fireEvent.input(await found(body(), 'changes-request-description'), { target: { value: 'For the campaign' } });
    await fireEvent.click(await found(body(), 'changes-request-create'));
    await waitFor(() => expect(app.route.screen).toBe('change'));
    const id = (app.route as { id: string }).id;
    const made = await backend.call('changeRequest', { workspaceId: 1, id });
    expect(made.request.title).toBe('Winter hero, take two');
    expect(made.request.entities.map((e) => e.path)).toEqual(['flags/hero-image.json']);
    expect(made.status).toBe('open');
    expect((await found(view.container, 'change-title')).textContent).toBe('Winter hero, take two');
    expect(q(view.container, 'change-local-only')).not.toBeNull();
  });

  it('lists open requests with their status in words, and the closed ones on demand', async () => {
    const { view } = setup();
    await found(view.container, 'changes-row', { id: 'cr-7f3a' });
    expect(q(view.container, 'changes-row', { id: 'cr-7f3a' })?.textContent).toContain('Waiting for review');
    expect(q(view.container, 'changes-row', { id: 'cr-2b91' })?.textContent).toContain('Approved — ready to publish');
    expect(q(view.container, 'changes-row', { id: 'cr-0c55' })).toBeNull();
    await fireEvent.click(view.getByTestId('changes-show'));
    expect((await found(view.container, 'changes-row', { id: 'cr-0c55' })).dataset.status).toBe('published');
  });

  it('asks for a reason before an emergency change, then opens it', async () => {
    const { app, view } = setup();
    const draft = await found(view.container, 'changes-draft', { key: 'search-algorithm' });
    await fireEvent.click(draft.querySelector('[data-testid="changes-draft-check"]') as HTMLElement);
    await fireEvent.click(view.getByTestId('changes-emergency'));
    await fireEvent.click(await found(body(), 'changes-emergency-create'));
    expect((await found(body(), 'field-error', { field: 'reason' })).textContent).toContain('why');
    expect(app.route.screen).toBe('changes');
    await fireEvent.input(await found(body(), 'changes-emergency-reason'), { target: { value: 'Search errors at 12 %' } });
    await fireEvent.click(await found(body(), 'changes-emergency-create'));
    await waitFor(() => expect(app.route.screen).toBe('change'));
    await waitFor(() => expect(view.container.textContent).toContain('Reason: Search errors at 12 %'));
  });
});

describe('ChangeRequestView', () => {
  it('shows each change in a sentence and its fields on demand, in words', async () => {
    const { view } = setup({ screen: 'change', id: 'cr-7f3a' });
    const line = await found(view.container, 'change-line', { env: 'production' });
    expect(line.textContent).toContain('Production: New checkout default');
    expect(q(line, 'change-field')).toBeNull();
    const toggle = line.querySelector('[data-testid="change-line-toggle"]') as HTMLElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(toggle);
    const field = await found(line, 'change-field', { path: '/environments/production/fallthrough' });
    expect(field.querySelector('th')?.textContent).toBe('Production › Default');
    expect(field.querySelector('.after')?.textContent?.trim()).toBe('25% on · 75% off');
    expect(view.container.textContent).not.toContain('{"');
    expect(view.getByTestId('change-policy').textContent).toContain('needs 1 more approval from Release managers');
    await waitFor(() => expect(view.getByTestId('change-author').textContent).toContain('Alice Liu'));
  });

  it('approves with a comment: the timeline shows it and the status turns to approved', async () => {
    const { view } = setup({ screen: 'change', id: 'cr-7f3a' });
    await fireEvent.click(await found(view.container, 'change-approve'));
    await fireEvent.input(await found(body(), 'change-decision-comment'), { target: { value: 'Dashboards are green' } });
    await fireEvent.click(await found(body(), 'change-decision-submit'));
    await waitFor(() => expect(view.getByTestId('change').dataset.status).toBe('approved'));
    const approval = await found(view.container, 'change-event', { kind: 'approve' });
    expect(approval.textContent).toContain('Dana Ruiz approved');
    expect(approval.textContent).toContain('Dashboards are green');
    expect(view.getByTestId('change-status').textContent).toBe('Approved — ready to publish');
  });

  it('publishes only after the confirmation, and the draft becomes published', async () => {
    const { view, backend } = setup({ screen: 'change', id: 'cr-2b91' });
    await fireEvent.click(await found(view.container, 'change-publish'));
    const cancel = await found(body(), 'cancel');
    await fireEvent.click(cancel);
    expect((await backend.call('changeRequest', { workspaceId: 1, id: 'cr-2b91' })).status).toBe('approved');

    await fireEvent.click(view.getByTestId('change-publish'));
    await fireEvent.click(await found(body(), 'confirm'));
    await waitFor(() => expect(view.getByTestId('change').dataset.status).toBe('published'));
    expect((await backend.call('entity', { workspaceId: 1, entity: { kind: 'flag', key: 'hero-image' } })).hasDraft).toBe(false);
    expect(q(view.container, 'change-event', { kind: 'published' })).not.toBeNull();
    expect(q(view.container, 'change-publish')).toBeNull();
  });

  it('lets its author withdraw after a confirmation; others cannot', async () => {
    const { view } = setup({ screen: 'change', id: 'cr-2b91' });
    await fireEvent.click(await found(view.container, 'change-withdraw'));
    await fireEvent.click(await found(body(), 'confirm'));
    await waitFor(() => expect(view.getByTestId('change').dataset.status).toBe('withdrawn'));
    cleanup();
    const other = setup({ screen: 'change', id: 'cr-7f3a' });
    await found(other.view.container, 'change-approve');
    expect(q(other.view.container, 'change-withdraw')).toBeNull();
    expect(q(other.view.container, 'change-update')).toBeNull();
  });

  it('rejects with a reason, comments, and lets the author update it with the latest drafts', async () => {
    const { view } = setup({ screen: 'change', id: 'cr-7f3a' });
    await fireEvent.click(await found(view.container, 'change-reject'));
    await fireEvent.input(await found(body(), 'change-decision-comment'), { target: { value: 'Wait for the payments fix' } });
    await fireEvent.click(await found(body(), 'change-decision-submit'));
    await waitFor(() => expect(view.getByTestId('change').dataset.status).toBe('rejected'));
    expect((await found(view.container, 'change-event', { kind: 'reject' })).textContent).toContain('Wait for the payments fix');
    expect(q(view.container, 'change-approve')).toBeNull();
    cleanup();

    const own = setup({ screen: 'change', id: 'cr-2b91' });
    const box = await found(own.view.container, 'change-comment');
    await fireEvent.input(box, { target: { value: 'Publishing after lunch' } });
    await fireEvent.click(own.view.getByTestId('change-comment-add'));
    await waitFor(() => expect(own.view.container.querySelectorAll('[data-testid="change-event"][data-kind="comment"]')).toHaveLength(3));
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
    // Updating puts a new version up: Bob's approval was for the old one and no longer counts.
    await fireEvent.click(own.view.getByTestId('change-update'));
    await waitFor(() => expect(own.view.getByTestId('change').dataset.status).toBe('open'));
    expect((await found(own.view.container, 'change-event', { kind: 'approve' })).textContent).toContain('no longer counts');
    expect((await own.backend.call('changeRequest', { workspaceId: 1, id: 'cr-2b91' })).report.publishable).toBe(false);
  });

  it('says so when the request does not exist', async () => {
    const { view } = setup({ screen: 'change', id: 'cr-nope' });
    await waitFor(() => expect(view.container.textContent).toContain('There is no change request cr-nope.'));
  });
});
