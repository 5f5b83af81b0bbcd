// The editor against the dev harness's in-memory backend (the example project's flags): what a
// person does, checked through the same TestIds the end-to-end tests use.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Harness from '../../../dev/Harness.svelte';
import { flags, project, segments } from '../../../dev/example';
import { fakeBackend } from '../../../dev/fakeBackend';
import type { FlagFile } from '../bindings/FlagFile';
import { AppState } from '../state/app.svelte';

afterEach(cleanup);

function setup(hash: string, data: FlagFile[] = structuredClone(flags)) {
  const saved: string[] = [];
  const app: AppState = new AppState(
    fakeBackend(data, (key) => {
      saved.push(key);
      app.entityVersion = { ...app.entityVersion, [`flag:${key}`]: (app.entityVersion[`flag:${key}`] ?? 0) + 1 };
    }, 0),
  );
  app.workspaceId = 1;
  app.project = project;
  app.segments = segments.map((s) => ({
    kind: 'segment', key: s.key, name: s.name, description: null, flagType: null, tags: [], owner: null, state: 'unchanged', environments: [],
  }));
  app.routeFromLocation(hash);
  render(Harness, { app });
  return { app, saved };
}

describe('FlagEditorView', () => {
  it('kills production only after confirming, saying what users get', async () => {
    const { saved } = setup('#/flags/new-checkout/production');
    const kill = await screen.findByTestId('kill-switch');
    expect(screen.getByTestId('save-state').textContent?.trim()).toBe('Published');
    await fireEvent.click(kill);
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain("Everyone in Production will get 'Off'");
    // The switch only asks: it shows the current state until the change is confirmed.
    expect(kill.getAttribute('data-state')).toBe('unchecked');
    await fireEvent.click(within(dialog).getByTestId('cancel'));
    expect(saved).toEqual([]);
    expect(screen.getByTestId('kill-switch').getAttribute('data-state')).toBe('unchecked');
    await fireEvent.click(screen.getByTestId('kill-switch'));
    await fireEvent.click(within(await screen.findByRole('alertdialog')).getByTestId('confirm'));
    await waitFor(() => expect(screen.getByTestId('save-state').textContent?.trim()).toBe('Saved as draft'));
    await waitFor(() => expect(saved).toEqual(['new-checkout']));
    expect(screen.getByTestId('unpublished-badge')).toBeTruthy();
    expect(screen.getByTestId('kill-switch').getAttribute('data-state')).toBe('checked');
  });

  it('moves rules with the keyboard buttons and keeps the rollout at 100 %', async () => {
    setup('#/flags/new-checkout/production');
    await screen.findAllByTestId('rule');
    const names = () => screen.getAllByTestId('rule-name').map((e) => (e as HTMLInputElement).value);
    expect(names()).toEqual(['Internal staff', 'EU customers']);
    await fireEvent.click(screen.getAllByTestId('rule-move-down')[0]!);
    await waitFor(() => expect(names()).toEqual(['EU customers', 'Internal staff']));
    const rule = screen.getAllByTestId('rule')[0]!;
    const percent = rule.querySelector<HTMLInputElement>('[data-testid="rollout-percent"][data-variation="on"]')!;
    percent.focus();
    await fireEvent.input(percent, { target: { value: '12.5' } });
    await fireEvent.keyDown(percent, { key: 'Enter' });
    await waitFor(() =>
      expect(rule.querySelector<HTMLInputElement>('[data-testid="rollout-percent"][data-variation="off"]')!.value).toBe('87.5'),
    );
    expect(within(rule).getByTestId('rollout-total').textContent).toContain('100 %');
  });

  it('reloads when the flag changes outside the editor (watcher or sync)', async () => {
    const { app } = setup('#/flags/new-checkout');
    await screen.findByRole('heading', { level: 1, name: 'New checkout' });
    const changed = { ...structuredClone(flags[0]!), name: 'Checkout v2' };
    // Another writer saves the file; the shell bumps entityVersion from the change event.
    await app.backend.call('saveEntity', { workspaceId: 1, entity: { kind: 'flag', key: 'new-checkout' }, json: changed as never });
    expect(await screen.findByRole('heading', { level: 1, name: 'Checkout v2' })).toBeTruthy();
    expect(screen.getByTestId('save-state').textContent?.trim()).toBe('Saved as draft');
  });

  it('switches to another flag in place', async () => {
    const { app } = setup('#/flags/new-checkout/production');
    await screen.findByRole('heading', { level: 1, name: 'New checkout' });
    app.navigate({ screen: 'flag', key: 'banner-color' });
    await screen.findByRole('heading', { level: 1, name: 'Banner colour' });
    expect(screen.getAllByTestId('variation').map((v) => v.dataset.key)).toEqual(['orange', 'blue', 'green']);
    expect(document.querySelector('[data-testid="env-tab"][data-state="active"]')?.getAttribute('data-env')).toBe('development');
  });

  it('refuses to remove a variation that is in use and says where', async () => {
    setup('#/flags/banner-color');
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove variation Sunset orange' }));
    const row = screen.getAllByTestId('variation')[0]!;
    expect(within(row).getByRole('alert').textContent).toContain("Production: rule 'Colour test in the EU'");
    expect(screen.getAllByTestId('variation')).toHaveLength(3);
  });

  it('shows a diagnostic next to its field and in the summary', async () => {
    const broken = structuredClone(flags);
    broken[0]!.environments!.production!.fallthrough = { variation: 'onn' };
    setup('#/flags/new-checkout/production', broken);
    const error = await waitFor(() => {
      const el = document.querySelector('[data-testid="field-error"][data-field="/environments/production/fallthrough"]');
      if (!el) throw new Error('no field error yet');
      return el;
    });
    expect(error.textContent).toContain("'onn'");
    expect(screen.getByRole('region', { name: /1 problem/ }).textContent).toContain('Production › everyone else');
  });
});
