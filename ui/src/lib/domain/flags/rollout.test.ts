import { describe, expect, it } from 'vitest';
import {
  TOTAL, dominant, formatPercent, redistribute, rolloutOver, setWeight, toPercent, toThousandths, totalOf,
} from './rollout';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('redistribute', () => {
  it('moves the difference to the only other variation', () => {
    expect(redistribute([20_000, 80_000], 0, 35_000)).toEqual([35_000, 65_000]);
  });

  it('spreads over the others in proportion to their weights', () => {
    // Others 30 and 10 share 80: 60 and 20.
    expect(redistribute([60_000, 30_000, 10_000], 0, 20_000)).toEqual([20_000, 60_000, 20_000]);
  });

  it('shares equally when all the others are at 0', () => {
    expect(redistribute([100_000, 0, 0], 0, 40_000)).toEqual([40_000, 30_000, 30_000]);
  });

  it('gives rounding leftovers deterministically and always sums to exactly 100 %', () => {
    const next = redistribute([100_000, 0, 0, 0], 0, 0);
    expect(next).toEqual([0, 33_334, 33_333, 33_333]);
    expect(sum(next)).toBe(TOTAL);
  });

  it('keeps three variations at thousandths precision (33.333 + 33.333 + 33.334)', () => {
    const next = redistribute([33_334, 33_333, 33_333], 1, 50_000);
    expect(sum(next)).toBe(TOTAL);
    expect(next[1]).toBe(50_000);
    expect(next[0]! + next[2]!).toBe(50_000);
    expect(Math.abs(next[0]! - next[2]!)).toBeLessThanOrEqual(1);
  });

  it('clamps the target into 0..100 %', () => {
    expect(redistribute([50_000, 50_000], 0, 150_000)).toEqual([100_000, 0]);
    expect(redistribute([50_000, 50_000], 1, -5)).toEqual([100_000, 0]);
  });

  it('leaves variations at 0 at 0 while others have weight', () => {
    expect(redistribute([50_000, 50_000, 0], 0, 20_000)).toEqual([20_000, 80_000, 0]);
  });

  it('holds a single variation at 100 % and ignores a bad index', () => {
    expect(redistribute([70_000], 0, 10_000)).toEqual([TOTAL]);
    expect(redistribute([10_000, 90_000], 5, 1)).toEqual([10_000, 90_000]);
  });

  it('repairs a rollout that did not sum to 100', () => {
    expect(sum(redistribute([10_000, 10_000, 10_000], 2, 10_000))).toBe(TOTAL);
  });

  it('sums to 100 % for many random moves', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n += 1) {
      const count = 2 + Math.floor(rnd() * 5);
      const weights = redistribute(Array.from({ length: count }, () => Math.floor(rnd() * 1000)), 0, Math.floor(rnd() * TOTAL));
      const next = redistribute(weights, Math.floor(rnd() * count), Math.floor(rnd() * TOTAL));
      expect(sum(next)).toBe(TOTAL);
      expect(next.every((w) => Number.isInteger(w) && w >= 0)).toBe(true);
    }
  });
});

describe('percent helpers', () => {
  it('converts between percent and thousandths without float drift', () => {
    expect(toThousandths(33.333)).toBe(33_333);
    expect(toThousandths(0.1 + 0.2)).toBe(300);
    expect(toThousandths(Number.NaN)).toBe(0);
    expect(toPercent(33_334)).toBe(33.334);
  });

  it('sums a rollout in thousandths', () => {
    expect(totalOf([{ variation: 'a', weight: 33.333 }, { variation: 'b', weight: 33.333 }, { variation: 'c', weight: 33.334 }])).toBe(TOTAL);
  });

  it('formats the total', () => {
    expect(formatPercent(TOTAL)).toBe('100 %');
    expect(formatPercent(99_500)).toBe('99.5 %');
  });

  it('sets a weight by variation key', () => {
    const next = setWeight([{ variation: 'on', weight: 20 }, { variation: 'off', weight: 80 }], 'on', 25.5);
    expect(next).toEqual([{ variation: 'on', weight: 25.5 }, { variation: 'off', weight: 74.5 }]);
  });

  it('builds a rollout over the variations and finds the dominant one', () => {
    expect(rolloutOver(['on', 'off'], null, 'off')).toEqual([{ variation: 'on', weight: 0 }, { variation: 'off', weight: 100 }]);
    expect(rolloutOver(['a', 'b'], [{ variation: 'b', weight: 100 }])).toEqual([{ variation: 'a', weight: 0 }, { variation: 'b', weight: 100 }]);
    expect(dominant([{ variation: 'a', weight: 40 }, { variation: 'b', weight: 60 }])).toBe('b');
  });
});
