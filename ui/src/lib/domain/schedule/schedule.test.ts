// The schedule's pure parts in Europe/Berlin (CET/CEST): local ↔ UTC, templates across weekends
// and DST changes, validation in words, and the exposure series.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import { exposure, sharesAt } from './exposure';
import { actionOf, newStep, stepSummary, withInstant } from './steps';
import { applyTemplate, mergeSteps, templateSteps, workingDaySeries } from './templates';
import { fromLocal, localToRfc3339, toLocal, zoneLabel } from './time';
import { scheduleProblems } from './validate';

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});

const flag = (): FlagFile => ({
  key: 'new-checkout', name: 'New checkout', type: 'boolean',
  variations: [{ key: 'on', name: 'On', value: true }, { key: 'off', name: 'Off', value: false }],
  environments: { production: { enabled: true, offVariation: 'off', fallthrough: { variation: 'off' }, rules: [{ id: 'eu', name: 'EU', serve: { variation: 'off' } }] } },
});
const prod = (f: FlagFile): FlagEnvironment => f.environments?.production as FlagEnvironment;
const at = (date: string, time = '09:00'): number => fromLocal(date, time) as number;

describe('local time and UTC', () => {
  it('stores a local winter time as UTC one hour earlier', () => {
    expect(localToRfc3339('2026-12-01', '09:00')).toBe('2026-12-01T08:00:00Z');
  });
  it('stores a local summer time as UTC two hours earlier', () => {
    expect(localToRfc3339('2027-07-01', '09:00')).toBe('2027-07-01T07:00:00Z');
  });
  it('shows a stored instant in local date and time', () => {
    expect(toLocal('2027-03-29T07:00:00Z')).toEqual({ date: '2027-03-29', time: '09:00' });
    expect(toLocal('not a time')).toBeNull();
  });
  it('rejects impossible dates and times', () => {
    expect(fromLocal('2027-02-31', '09:00')).toBeNull();
    expect(fromLocal('2027-02-01', '25:00')).toBeNull();
    expect(fromLocal('', '')).toBeNull();
  });
  it('moves a time skipped by DST forward', () => {
    expect(localToRfc3339('2027-03-28', '02:30')).toBe('2027-03-28T01:30:00Z');
  });
  it('names the zone with its abbreviation for the season', () => {
    expect(zoneLabel(Date.parse('2026-12-01T08:00:00Z'))).toBe('Europe/Berlin (CET)');
    expect(zoneLabel(Date.parse('2027-07-01T08:00:00Z'))).toBe('Europe/Berlin (CEST)');
  });
});

describe('templates', () => {
  it('skips the weekend: Thursday, Friday, Monday, Tuesday', () => {
    const days = workingDaySeries(at('2026-12-03'), 4).map((t) => toLocal(new Date(t).toISOString()));
    expect(days).toEqual([
      { date: '2026-12-03', time: '09:00' }, { date: '2026-12-04', time: '09:00' },
      { date: '2026-12-07', time: '09:00' }, { date: '2026-12-08', time: '09:00' },
    ]);
  });
  it('starts on Monday when the start is on a weekend', () => {
    expect(toLocal(new Date(workingDaySeries(at('2026-12-05'), 1)[0] ?? 0).toISOString())?.date).toBe('2026-12-07');
  });
  it('keeps 09:00 local across the spring DST change (UTC moves from 08:00 to 07:00)', () => {
    const f = flag();
    const steps = templateSteps(f, prod(f), 'gradual', at('2027-03-25'), 'on');
    expect(steps.map((s) => s.at)).toEqual([
      '2027-03-25T08:00:00Z', '2027-03-26T08:00:00Z', '2027-03-29T07:00:00Z', '2027-03-30T07:00:00Z', '2027-03-31T07:00:00Z',
    ]);
  });
  it('keeps 09:00 local across the autumn DST change', () => {
    const f = flag();
    const steps = templateSteps(f, prod(f), 'four-step', at('2026-10-22'), 'on');
    expect(steps.map((s) => s.at)).toEqual(['2026-10-22T07:00:00Z', '2026-10-23T07:00:00Z', '2026-10-26T08:00:00Z', '2026-10-27T08:00:00Z']);
  });
  it('rolls out 1, 5, 25, 50 percent, then serves the variation to everyone', () => {
    const f = flag();
    const steps = templateSteps(f, prod(f), 'gradual', at('2026-12-01'), 'on');
    expect(steps.slice(0, 4).map((s) => s.fallthrough?.rollout)).toEqual([1, 5, 25, 50].map((p) => [{ variation: 'on', weight: p }, { variation: 'off', weight: 100 - p }]));
    expect(steps[4]?.fallthrough).toEqual({ variation: 'on' });
  });
  it('ramps from 0 to 100 over a working week, and over seven days', () => {
    const f = flag();
    const [work] = templateSteps(f, prod(f), 'workweek-ramp', at('2026-12-07'), 'on');
    expect(work?.fallthrough?.ramp).toEqual({ from: '2026-12-07T08:00:00Z', to: '2026-12-11T08:00:00Z', variation: 'on', fromWeight: 0, toWeight: 100 });
    const [week] = templateSteps(f, prod(f), 'week-ramp', at('2027-03-24'), 'on');
    expect(week?.fallthrough?.ramp?.to).toBe('2027-03-31T07:00:00Z');
  });
  it('merges into the schedule in time order, replacing a step at the same instant', () => {
    const old = [{ at: '2026-12-02T08:00:00Z', enabled: false }, { at: '2026-12-20T08:00:00Z', enabled: true }];
    const merged = mergeSteps(old, [{ at: '2026-12-02T08:00:00Z', fallthrough: { variation: 'on' } }, { at: '2026-12-01T08:00:00Z', fallthrough: { variation: 'off' } }]);
    expect(merged.map((s) => s.at)).toEqual(['2026-12-01T08:00:00Z', '2026-12-02T08:00:00Z', '2026-12-20T08:00:00Z']);
    expect(merged[1]?.fallthrough).toEqual({ variation: 'on' });
  });
  it('applies a template to one environment of the flag', () => {
    const f = flag();
    expect(applyTemplate(f, 'production', 'four-step', at('2026-12-01'), 'on')).toBe(true);
    expect(prod(f).schedule).toHaveLength(4);
    expect(applyTemplate(f, 'staging', 'four-step', at('2026-12-01'), 'on')).toBe(false);
  });
});

describe('steps', () => {
  it('names what a step does and summarises it in words', () => {
    const f = flag();
    const env = prod(f);
    expect(actionOf({ at: 'x', enabled: false })).toBe('kill');
    expect(actionOf({ at: 'x', enabled: true })).toBe('revive');
    expect(actionOf({ at: 'x', rules: { eu: { serve: { variation: 'on' } } } })).toBe('rule');
    expect(stepSummary(f, env, { at: 'x', fallthrough: { rollout: [{ variation: 'on', weight: 5 }, { variation: 'off', weight: 95 }] } })).toBe('Rollout: On 5%, Off 95%');
    expect(stepSummary(f, env, { at: 'x', rules: { eu: { serve: { variation: 'on' } } } })).toBe("Rule 'EU': serves On");
    expect(stepSummary(f, env, { at: 'x', enabled: false })).toBe('Kill switch on');
  });
  it('moves a ramp with its step', () => {
    const f = flag();
    const step = newStep(f, prod(f), 0, '2026-12-07T08:00:00Z', 'ramp');
    const moved = withInstant(step, '2026-12-08T08:00:00Z');
    expect(moved.fallthrough?.ramp).toMatchObject({ from: '2026-12-08T08:00:00Z', to: '2026-12-12T08:00:00Z', variation: 'on' });
  });
});

describe('validation', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it('finds two steps at one instant, a step in the past and steps out of order', () => {
    const f = flag();
    prod(f).schedule = [
      { at: '2026-12-02T08:00:00Z', enabled: false },
      { at: '2026-12-02T08:00:00Z', enabled: true },
      { at: '2026-12-01T08:00:00Z', fallthrough: { variation: 'on' } },
      { at: '2026-11-20T08:00:00Z', fallthrough: { variation: 'on' } },
    ];
    const problems = scheduleProblems(f, prod(f), now);
    expect(problems.filter((p) => p.index === 1).map((p) => p.message)).toEqual([
      'Step 1 is at the same moment (Wed 2 Dec 2026, 09:00); two steps cannot happen at one instant.',
    ]);
    expect(problems.some((p) => p.index === 2 && p.message.includes('time order'))).toBe(true);
    expect(problems.some((p) => p.index === 3 && p.message.includes('in the past'))).toBe(true);
    expect(problems.some((p) => p.index === 0)).toBe(false);
  });
  it('says a step is in the past only when it is not published yet', () => {
    const f = flag();
    const done = { at: '2026-11-02T08:00:00Z', fallthrough: { rollout: [{ variation: 'on', weight: 10 }, { variation: 'off', weight: 90 }] } };
    prod(f).schedule = [{ ...done }, { at: '2026-11-03T08:00:00Z', enabled: false }];
    // The published side has the first step with its keys in another order: still the same step.
    const published = { ...prod(flag()), schedule: [{ fallthrough: done.fallthrough, at: done.at }] };
    const problems = scheduleProblems(f, prod(f), now, published);
    expect(problems.map((p) => p.index)).toEqual([1]);
    expect(problems[0]?.message).toContain('in the past');
    expect(scheduleProblems(f, prod(f), now).map((p) => p.index)).toEqual([0, 1]);
  });
  it('refuses a ramp after a rollout, and a rollout that does not add up', () => {
    const f = flag();
    prod(f).schedule = [
      { at: '2026-12-01T08:00:00Z', fallthrough: { rollout: [{ variation: 'on', weight: 10 }, { variation: 'off', weight: 80 }] } },
      { at: '2026-12-02T08:00:00Z', fallthrough: { ramp: { from: '2026-12-02T08:00:00Z', to: '2026-12-04T08:00:00Z', variation: 'on', fromWeight: 0, toWeight: 100 } } },
    ];
    const messages = scheduleProblems(f, prod(f), now).map((p) => p.message);
    expect(messages).toContain('The percentages must add up to exactly 100%.');
    expect(messages).toContain('A ramp must follow one variation served to everyone, not a percentage rollout.');
  });
  it('accepts a clean future schedule', () => {
    const f = flag();
    applyTemplate(f, 'production', 'gradual', at('2026-12-01'), 'on');
    expect(scheduleProblems(f, prod(f), now)).toEqual([]);
  });
});

describe('exposure', () => {
  it('jumps at each step, with the kill switch as zero', () => {
    const f = flag();
    prod(f).schedule = [
      { at: '2026-12-01T08:00:00Z', fallthrough: { rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] } },
      { at: '2026-12-02T08:00:00Z', enabled: false },
    ];
    const now = Date.parse('2026-11-30T08:00:00Z');
    const { series, start, end, steps } = exposure(f, prod(f), now);
    const on = series.find((s) => s.variation === 'on')?.points ?? [];
    expect(start).toBe(now - 86_400_000);
    expect(end).toBe(Date.parse('2026-12-03T08:00:00Z'));
    expect(steps).toHaveLength(2);
    expect(on.map((p) => p.share)).toEqual([0, 0, 25, 25, 0, 0]);
    expect(series.find((s) => s.variation === 'off')?.points.map((p) => p.share)).toEqual([100, 100, 75, 75, 0, 0]);
  });
  it('draws a ramp as a line to its end, the rest keeping the variation before', () => {
    const f = flag();
    prod(f).schedule = [
      { at: '2026-12-01T00:00:00Z', fallthrough: { ramp: { from: '2026-12-01T00:00:00Z', to: '2026-12-05T00:00:00Z', variation: 'on', fromWeight: 0, toWeight: 100 } } },
    ];
    const { series } = exposure(f, prod(f), Date.parse('2026-11-30T00:00:00Z'));
    const on = series.find((s) => s.variation === 'on')?.points ?? [];
    expect(on.map((p) => [new Date(p.t).toISOString(), p.share])).toEqual([
      ['2026-11-29T00:00:00.000Z', 0], ['2026-12-01T00:00:00.000Z', 0], ['2026-12-01T00:00:00.000Z', 0],
      ['2026-12-05T00:00:00.000Z', 100], ['2026-12-06T00:00:00.000Z', 100],
    ]);
    const state = { enabled: true, serve: prod(f).schedule?.[0]?.fallthrough ?? {}, rest: 'off' };
    const mid = sharesAt(['on', 'off'], state, Date.parse('2026-12-02T00:00:00Z'));
    expect(mid.get('on')).toBe(25);
    expect(mid.get('off')).toBe(75);
  });
});

describe('exposure range', () => {
  it('starts shortly before a schedule that lies weeks ahead instead of at now', () => {
    const f = flag();
    applyTemplate(f, 'production', 'four-step', at('2027-03-25'), 'on');
    const now = Date.parse('2026-11-21T12:00:00Z');
    const { start, end } = exposure(f, prod(f), now);
    expect(start).toBeGreaterThan(now);
    expect(start).toBeLessThan(Date.parse('2027-03-25T08:00:00Z'));
    expect(end).toBe(Date.parse('2027-03-31T07:00:00Z'));
  });
});
