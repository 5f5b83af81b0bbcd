import { describe, expect, it } from 'vitest';
import type { Backend } from './backend';
import { OrderedBackend } from './ordered';

/** A host that finishes each request only when the test says so, recording arrivals. */
class SlowHost implements Backend {
  readonly host = 'http' as const;
  readonly arrived: string[] = [];
  readonly finish = new Map<string, (value: unknown) => void>();

  call(command: string): Promise<never> {
    this.arrived.push(command);
    return new Promise((resolve) => this.finish.set(command, resolve as (value: unknown) => void));
  }

  async onEvents(): Promise<() => void> {
    return () => {};
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('OrderedBackend', () => {
  it('sends an undo only after the save before it has finished', async () => {
    const host = new SlowHost();
    const backend = new OrderedBackend(host as unknown as Backend);
    const save = backend.call('saveEntity', { workspaceId: 1, entity: { kind: 'flag', key: 'a' }, json: {} });
    const undo = backend.call('undo', { workspaceId: 1 });
    await tick();
    expect(host.arrived).toEqual(['saveEntity']);
    host.finish.get('saveEntity')?.({ hasDraft: true, diagnostics: [] });
    await save;
    await tick();
    expect(host.arrived).toEqual(['saveEntity', 'undo']);
    host.finish.get('undo')?.(true);
    await expect(undo).resolves.toBe(true);
  });

  it('lets reads through while a write is in flight, and a failed write does not block the next', async () => {
    const host = new SlowHost();
    const backend = new OrderedBackend(host as unknown as Backend);
    const save = backend.call('saveEntity', { workspaceId: 1, entity: { kind: 'flag', key: 'a' }, json: {} });
    void backend.call('listEntities', { workspaceId: 1, kind: 'flag' });
    await tick();
    expect(host.arrived.sort()).toEqual(['listEntities', 'saveEntity']);
    const redo = backend.call('redo', { workspaceId: 1 });
    host.finish.get('saveEntity')?.(Promise.reject(new Error('offline')));
    await expect(save).rejects.toThrow('offline');
    await tick();
    expect(host.arrived).toContain('redo');
    host.finish.get('redo')?.(false);
    await expect(redo).resolves.toBe(false);
  });
});
