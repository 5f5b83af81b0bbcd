import { describe, expect, it } from 'vitest';
import type { FlagEnvironment } from '../bindings/FlagEnvironment';
import { envStateOf } from './envState';

const now = new Date('2026-06-01T00:00:00Z');
const env = (over: Partial<FlagEnvironment>): FlagEnvironment => ({ enabled: true, offVariation: 'off', fallthrough: { variation: 'on' }, ...over });

describe('envStateOf (the Rust rule for the list)', () => {
  it('says off for a missing environment and for disabled without an off variation', () => {
    expect(envStateOf(undefined, now)).toBe('off');
    expect(envStateOf(env({ enabled: false, offVariation: null }), now)).toBe('off');
  });
  it('says killed for disabled with an off variation, even with steps to come', () => {
    expect(envStateOf(env({ enabled: false, schedule: [{ at: '2027-01-01T00:00:00Z', enabled: true }] }), now)).toBe('killed');
  });
  it('says scheduled for a step to come and lets past switching steps count', () => {
    expect(envStateOf(env({ schedule: [{ at: '2027-01-01T00:00:00Z', enabled: false }] }), now)).toBe('scheduled');
    expect(envStateOf(env({ schedule: [{ at: '2026-01-01T00:00:00Z', enabled: false }] }), now)).toBe('killed');
    expect(envStateOf(env({}), now)).toBe('on');
  });
});
