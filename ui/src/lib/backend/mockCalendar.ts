// Dev-only: the `calendar` command and the project's freeze windows for the mock host, following
// ISSUE6.md (helper A2 implements the real ones in flagdeck-app). Summaries reuse the editor's words.
import type { FlagFile } from '../bindings/FlagFile';
import type { ScheduleStep } from '../bindings/ScheduleStep';
import { stepSummary } from '../domain/schedule/steps';
import { formatLocal } from '../domain/schedule/time';
import type { CalendarEntry } from '../bindings/CalendarEntry';
import type { CalendarWarning } from '../bindings/CalendarWarning';
import type { Freeze } from '../bindings/Freeze';

/** Steps of one flag and environment closer than this get a `closeSteps` warning. */
export const CLOSE_STEPS_MS = 3_600_000;

export const FREEZES: Freeze[] = [
  { name: 'Black Friday', from: '2026-11-26T23:00:00Z', to: '2026-11-30T23:00:00Z', environments: ['production'] },
  { name: 'Year-end freeze', from: '2026-12-21T23:00:00Z', to: '2027-01-04T23:00:00Z', environments: [] },
];

export type MockFlag = { current: FlagFile; base: FlagFile | null };

function sameStep(a: ScheduleStep | undefined, b: ScheduleStep): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Every step of every flag in [from, to), with the warnings ISSUE6.md names. */
export function calendarEntries(flags: readonly MockFlag[], from: string, to: string, now: number): CalendarEntry[] {
  const [start, end] = [Date.parse(from), Date.parse(to)];
  const entries: CalendarEntry[] = [];
  for (const { current, base } of flags) {
    for (const [envKey, env] of Object.entries(current.environments ?? {})) {
      const steps = env.schedule ?? [];
      const published = base?.environments?.[envKey]?.schedule ?? [];
      for (const step of steps) {
        const at = Date.parse(step.at);
        if (!(at >= start && at < end)) continue;
        const unpublished = !sameStep(published.find((p) => p.at === step.at), step);
        const warnings: CalendarWarning[] = [];
        const near = steps.find((o) => o !== step && Math.abs(Date.parse(o.at) - at) < CLOSE_STEPS_MS);
        if (near) warnings.push({ code: 'closeSteps', message: `Another step of this flag in ${envKey} is less than an hour away (${formatLocal(Date.parse(near.at))}).` });
        for (const f of FREEZES) {
          const applies = f.environments.length === 0 || f.environments.includes(envKey);
          if (applies && at >= Date.parse(f.from) && at < Date.parse(f.to)) warnings.push({ code: 'inFreeze', message: `This step falls in the freeze '${f.name}'.` });
        }
        if (unpublished && at <= now) warnings.push({ code: 'inPast', message: 'This unpublished step is in the past; it cannot be published.' });
        entries.push({
          flag: current.key, flagName: current.name, tags: current.tags ?? [], environment: envKey, at: step.at,
          rampEndsAt: step.fallthrough?.ramp?.to ?? null, summary: stepSummary(current, env, step), unpublished, warnings,
        });
      }
    }
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.flag.localeCompare(b.flag));
}

type Steps = Record<string, ScheduleStep[]>;

function withSchedules(flag: FlagFile, schedules: Steps): FlagFile {
  const copy = structuredClone(flag);
  for (const [envKey, steps] of Object.entries(schedules)) {
    const env = copy.environments?.[envKey];
    if (env) env.schedule = steps;
  }
  return copy;
}

const rollout = (on: number): ScheduleStep['fallthrough'] => ({ rollout: [{ variation: 'on', weight: on }, { variation: 'off', weight: 100 - on }] });

/**
 * Schedules that make the mock calendar worth looking at around late November 2026: a gradual
 * rollout running into the Black Friday freeze, a ramp, two steps too close together, a step in
 * the year-end freeze, and a draft that adds steps (one of them already in the past).
 */
export function demoSchedules(flags: readonly FlagFile[]): { base: FlagFile[]; drafts: FlagFile[] } {
  const byKey = (key: string): FlagFile | undefined => flags.find((f) => f.key === key);
  const base: FlagFile[] = [];
  const drafts: FlagFile[] = [];
  const add = (list: FlagFile[], key: string, steps: Steps): void => {
    const flag = byKey(key);
    if (flag) list.push(withSchedules(flag, steps));
  };
  add(base, 'new-checkout', { production: [1, 5, 25, 50].map((p, i) => ({ at: `2026-11-${24 + i}T08:00:00Z`, fallthrough: rollout(p) })).concat([{ at: '2026-11-30T08:00:00Z', fallthrough: { variation: 'on' } }]) });
  add(base, 'hero-image', { production: [{ at: '2026-12-01T08:00:00Z', fallthrough: { ramp: { from: '2026-12-01T08:00:00Z', to: '2026-12-05T08:00:00Z', variation: 'holiday', fromWeight: 0, toWeight: 100 } } }, { at: '2027-01-07T08:00:00Z', fallthrough: { variation: 'winter' } }] });
  add(base, 'search-algorithm', { production: [{ at: '2026-12-03T13:00:00Z', fallthrough: { rollout: [{ variation: 'classic', weight: 50 }, { variation: 'semantic', weight: 50 }] } }, { at: '2026-12-03T13:30:00Z', fallthrough: { variation: 'semantic' } }] });
  add(base, 'mobile-payments', { production: [{ at: '2026-12-22T08:00:00Z', fallthrough: { variation: 'on' } }], staging: [{ at: '2026-12-01T10:00:00Z', enabled: false }] });
  add(drafts, 'team-workspaces', { production: [{ at: '2026-11-20T08:00:00Z', fallthrough: rollout(10) }, { at: '2026-12-08T08:00:00Z', fallthrough: rollout(50) }, { at: '2026-12-09T08:00:00Z', fallthrough: { variation: 'on' } }] });
  return { base, drafts };
}
