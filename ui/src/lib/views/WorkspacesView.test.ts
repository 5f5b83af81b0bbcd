import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../state/app.svelte';
import { appContext } from '../state/context';
import { FakeBackend } from '../state/fakeBackend';
import { WorkspaceMemory } from '../state/memory';
import WorkspacesView from './WorkspacesView.svelte';

afterEach(cleanup);

const ws = (id: number, name: string) => ({ id, name, kind: 'git' as const, location: `/data/${name}`, remoteUrl: null, baseCommit: null });

async function mount(backend: FakeBackend) {
  const app = new AppState(backend, new WorkspaceMemory(null));
  await app.start();
  render(WorkspacesView, { context: appContext(app) });
  return app;
}

describe('WorkspacesView', () => {
  it('removes a workspace only after the confirmation', async () => {
    const backend = new FakeBackend({ workspaces: () => [ws(1, 'Demo'), ws(2, 'Team')], removeWorkspace: () => null });
    const app = await mount(backend);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove Team' }));
    const cancel = await screen.findByTestId('cancel');
    await fireEvent.click(cancel);
    expect(backend.count('removeWorkspace')).toBe(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove Team' }));
    await fireEvent.click(await screen.findByTestId('confirm'));
    await waitFor(() => expect(backend.count('removeWorkspace')).toBe(1));
    expect(backend.calls.find((c) => c.command === 'removeWorkspace')?.args).toEqual({ workspaceId: 2 });
    await waitFor(() => expect(app.workspaces.map((w) => w.name)).toEqual(['Demo']));
  });

  it('creates a local project from the form and opens it', async () => {
    const created = ws(3, 'Acme');
    const backend = new FakeBackend({
      workspaces: () => [ws(1, 'Demo'), ws(2, 'Team')],
      createLocalWorkspace: () => created,
      project: () => ({ name: 'Acme', bucketBy: 'targetingKey', environments: [], attributes: [] }),
      listEntities: () => [],
      status: () => null,
    });
    const app = await mount(backend);
    await fireEvent.click(screen.getByRole('tab', { name: 'New project' }));
    await fireEvent.click(await screen.findByTestId('ws-create-local'));
    expect(screen.getByTestId('field-error').textContent).toMatch(/name/);
    await fireEvent.input(screen.getByTestId('ws-create-local-name'), { target: { value: 'Acme' } });
    await fireEvent.click(screen.getByTestId('ws-create-local'));
    await waitFor(() => expect(app.phase).toBe('ready'));
    await waitFor(() => expect(app.route).toEqual({ screen: 'flags' }));
    expect(app.workspaceId).toBe(3);
    expect(backend.calls.find((c) => c.command === 'createLocalWorkspace')?.args).toEqual({ name: 'Acme', example: false });
  });
});
