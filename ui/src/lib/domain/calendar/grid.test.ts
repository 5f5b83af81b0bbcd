// The calendar's local-time arithmetic in Europe/Berlin, across a DST change.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CalendarEntry } from '../../bindings/CalendarEntry';
import { fromLocal, localDate } from '../schedule/time';
import { byDay, filterEntries, freezesOn, rangeArgs, rangeOf, shift, titleOf } from './grid';

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});

const at = (date: string, time = '12:00'): number => fromLocal(date, time) as number;
const entry = (flag: string, environment: string, iso: string, tags: string[] = []): CalendarEntry => ({
  flag, flagName: flag, tags, environment, at: iso, rampEndsAt: null, summary: 'x', unpublished: false, warnings: [],
});

describe('calendar grid', () => {
  it('shows whole Monday-to-Sunday weeks around a month', () => {
    const range = rangeOf('month', at('2026-12-15'));
    expect(localDate(range.days[0] ?? 0)).toBe('2026-11-30');
    expect(range.days).toHaveLength(35);
    expect(localDate(range.days[34] ?? 0)).toBe('2027-01-03');
    expect(rangeArgs(range)).toEqual({ from: '2026-11-29T23:00:00Z', to: '2027-01-03T23:00:00Z' });
  });
  it('keeps local midnights across the spring DST change', () => {
    const range = rangeOf('week', at('2027-03-28'));
    expect(range.days.map(localDate)).toEqual(['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-27', '2027-03-28']);
    expect(rangeArgs(range)).toEqual({ from: '2027-03-21T23:00:00Z', to: '2027-03-28T22:00:00Z' });
  });
  it('moves by a month, a week or a day, and names the period', () => {
    expect(titleOf('month', shift('month', at('2026-12-31'), 1))).toBe('January 2027');
    expect(titleOf('week', at('2026-12-02'))).toBe('30 Nov – 6 Dec 2026');
    expect(titleOf('day', shift('day', at('2026-12-01'), -1))).toBe('Mon 30 Nov 2026');
  });
  it('groups entries by local day and filters by environment and tag', () => {
    const entries = [
      entry('a', 'production', '2026-12-01T23:30:00Z', ['checkout']),
      entry('b', 'staging', '2026-12-01T08:00:00Z'),
    ];
    const days = byDay(entries);
    expect([...days.keys()].sort()).toEqual(['2026-12-01', '2026-12-02']);
    expect(days.get('2026-12-02')?.map((e) => e.flag)).toEqual(['a']);
    expect(filterEntries(entries, { env: 'staging', tag: '' }).map((e) => e.flag)).toEqual(['b']);
    expect(filterEntries(entries, { env: '', tag: 'checkout' }).map((e) => e.flag)).toEqual(['a']);
  });
  it('shades the days a freeze touches, for its environments only', () => {
    const freezes = [{ name: 'BF', from: '2026-11-26T23:00:00Z', to: '2026-11-30T23:00:00Z', environments: ['production'] }];
    expect(freezesOn(at('2026-11-27', '00:00'), freezes, 'production')).toHaveLength(1);
    expect(freezesOn(at('2026-11-30', '00:00'), freezes, '')).toHaveLength(1);
    expect(freezesOn(at('2026-12-01', '00:00'), freezes, '')).toHaveLength(0);
    expect(freezesOn(at('2026-11-27', '00:00'), freezes, 'staging')).toHaveLength(0);
  });
});
