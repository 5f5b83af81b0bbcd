import { describe, expect, it } from 'vitest';
import { movedTransitions, shareSentence, transitionText } from './rebucket';

const env = (changed: number, total = 10_000) => ({ environment: 'production', total, changed, unbucketable: 0, transitions: [
  { from: 'on', to: 'off', count: 1234 }, { from: 'off', to: 'on', count: 3 }, { from: 'on', to: 'on', count: 5000 },
] });

describe('rebucketing impact in words', () => {
  it('says the share', () => {
    expect(shareSentence(env(1230))).toBe('12.3% of people would get a different variation');
    expect(shareSentence(env(0))).toBe('No one would get a different variation.');
    expect(shareSentence(env(1, 100_000))).toBe('< 0.1% of people would get a different variation');
    expect(shareSentence(env(0, 0))).toBe('No one in the sample reaches this flag here.');
  });

  it('lists the moves with names, biggest first', () => {
    const names: Record<string, string> = { on: 'On', off: 'Off' };
    const moved = movedTransitions(env(1237));
    expect(moved.map((t) => transitionText(t, (k) => names[k] ?? k))).toEqual(['On → Off: 1,234', 'Off → On: 3']);
    expect(transitionText({ from: null, to: 'on', count: 7 }, (k) => k)).toBe('(no variation) → on: 7');
  });
});
