import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import type { Diagnostic } from '../bindings/Diagnostic';
import SegmentEditorInApp from '../domain/segments/testing/SegmentEditorInApp.svelte';
import { AppState } from '../state/app.svelte';

afterEach(cleanup);

/** An app over an in-memory segment; `stored` is what the backend holds. */
function setup(initial: Record<string, unknown>, diagnostics: Diagnostic[] = []) {
  const state = { stored: initial, saves: 0 };
  const backend = {
    host: 'http',
    async onEvents() {
      return () => {};
    },
    async call(command: string, args: { json?: Record<string, unknown> }) {
      if (command === 'entity') return { json: state.stored, base: initial, hasDraft: state.stored !== initial, diagnostics };
      if (command === 'saveEntity') {
        state.saves += 1;
        state.stored = args.json ?? state.stored;
        return { hasDraft: true, diagnostics };
      }
      if (command === 'segmentUsage') {
        return [{ kind: 'flag', key: 'new-checkout', name: 'New checkout', environment: 'production', rule: 'staff' }];
      }
      throw new Error(command);
    },
  } as unknown as Backend;
  const app = new AppState(backend);
  app.workspaceId = 1;
  app.project = { name: 'Acme', bucketBy: 'targetingKey', attributes: [], freezes: [], environments: [{ key: 'production', name: 'Production' } as never] };
  const view = render(SegmentEditorInApp, { props: { app, segmentKey: 'staff' } });
  return { app, view, state };
}

const STAFF = { key: 'staff', name: 'Internal staff', include: ['qa-1'] };

describe('SegmentEditorView', () => {
  it('shows the segment, its save state and where it is used, with links to the flag editor', async () => {
    const { view } = setup(STAFF);
    await view.findByDisplayValue('Internal staff');
    expect(view.getByTestId('save-state').textContent?.trim()).toBe('Published');
    const link = await view.findByRole('link', { name: /New checkout/ });
    expect(link.getAttribute('href')).toBe('#/flags/new-checkout/production');
    expect(view.getByTestId('segment-usage').textContent).toContain('Production, rule staff');
  });

  it('saves a renamed segment and says it is saved as a draft', async () => {
    const { view, state } = setup(STAFF);
    const name = (await view.findByDisplayValue('Internal staff')) as HTMLInputElement;
    await fireEvent.change(name, { target: { value: 'Staff' } });
    await waitFor(() => expect(view.getByTestId('save-state').textContent?.trim()).toBe('Saved as draft'));
    expect(state.stored).toEqual({ key: 'staff', name: 'Staff', include: ['qa-1'] });
    expect(view.getByTestId('unpublished-badge')).toBeTruthy();
  });

  it('reloads when the app reports a change to the segment (undo, redo, an edit on disk)', async () => {
    const { app, view, state } = setup(STAFF);
    await view.findByDisplayValue('Internal staff');
    state.stored = { ...STAFF, name: 'Renamed elsewhere' };
    app.entityVersion = { ...app.entityVersion, 'segment:staff': 1 };
    await view.findByDisplayValue('Renamed elsewhere');
  });

  it('puts a diagnostic next to the field it concerns', async () => {
    const problem: Diagnostic = {
      severity: 'error', code: 'invalid-structure', file: 'segments/staff.json', pointer: '/name',
      line: null, column: null, message: 'A segment needs a name.',
    };
    const { view } = setup(STAFF, [problem]);
    const error = await view.findByText('A segment needs a name.');
    expect(error.getAttribute('data-testid')).toBe('field-error');
    expect(error.getAttribute('data-field')).toBe('/name');
  });

  it('navigates to the flag when a where-used link is clicked', async () => {
    const { app, view } = setup(STAFF);
    await fireEvent.click(await view.findByRole('link', { name: /New checkout/ }));
    expect(app.route).toEqual({ screen: 'flag', key: 'new-checkout', env: 'production' });
  });
});
