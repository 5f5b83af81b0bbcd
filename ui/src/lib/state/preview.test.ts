// The preview controller: the instant it asks about, the ad-hoc context seeded from a persona,
// and the environments it asks for, against a recording backend.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../backend';
import { PreviewState } from './preview.svelte';

type Call = { command: string; args: Record<string, unknown> };

function recording(): { backend: Backend; calls: Call[] } {
  const calls: Call[] = [];
  const backend = {
    host: 'http',
    async onEvents() {
      return () => {};
    },
    async call(command: string, args: Record<string, unknown>) {
      calls.push({ command, args });
      if (command === 'entity') return { json: { key: 'anna', name: 'Anna', context: { targetingKey: 'anna', plan: 'pro' } }, base: null, hasDraft: false, diagnostics: [] };
      if (command === 'preview') return { at: args.at, flags: [] };
      throw new Error(command);
    },
  } as unknown as Backend;
  return { backend, calls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('PreviewState', () => {
  const saturday = new Date('2026-11-21T12:00:00Z');

  it('asks about next Monday 10:00 in the user zone, and about the persona context', async () => {
    const { backend, calls } = recording();
    const state = new PreviewState(backend, 3, 'Europe/Berlin', () => saturday);
    state.environments = ['staging', 'production'];
    await state.choosePersona('anna');
    state.setNextWeek();
    await vi.advanceTimersByTimeAsync(200);
    const preview = calls.filter((c) => c.command === 'preview').at(-1);
    expect(preview?.args).toEqual({ workspaceId: 3, context: { targetingKey: 'anna', plan: 'pro' }, at: Date.parse('2026-11-23T09:00:00Z') / 1000, environments: ['staging', 'production'], keys: null });
  });

  it('edits an ad-hoc context without touching the persona, and resets it', async () => {
    const { backend, calls } = recording();
    const state = new PreviewState(backend, 3, 'UTC', () => saturday);
    state.environments = ['production'];
    await state.choosePersona('anna');
    state.setAttribute('plan', 'free');
    state.setAttribute('beta', true);
    expect(state.edited).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls.filter((c) => c.command === 'preview').at(-1)?.args.context).toEqual({ targetingKey: 'anna', plan: 'free', beta: true });
    expect(calls.some((c) => c.command === 'saveEntity')).toBe(false);
    state.resetContext();
    expect(state.edited).toBe(false);
    expect(state.context).toEqual({ targetingKey: 'anna', plan: 'pro' });
  });

  it('keeps environments in the project order and never hides the last one', () => {
    const { backend } = recording();
    const state = new PreviewState(backend, 3, 'UTC', () => saturday);
    const order = ['development', 'staging', 'production'];
    state.environments = ['production'];
    state.toggleEnvironment('development', order);
    expect(state.environments).toEqual(['development', 'production']);
    state.toggleEnvironment('development', order);
    state.toggleEnvironment('production', order);
    expect(state.environments).toEqual(['production']);
  });
});
