// Ready-made rollout plans: a start instant and a target variation become schedule steps. Step
// plans put one step on each working day (Monday to Friday) at the start's local time, so a plan
// started on Thursday 09:00 continues Friday 09:00 and Monday 09:00, whatever DST does meanwhile.
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import type { ScheduleStep } from '../../bindings/ScheduleStep';
import { rolloutFor, servedBefore } from './steps';
import { addLocalDays, toRfc3339, workingDayFrom } from './time';

export type TemplateId = 'gradual' | 'four-step' | 'week-ramp' | 'workweek-ramp';

export type Template = { id: TemplateId; name: string; description: string };

export const TEMPLATES: readonly Template[] = [
  { id: 'gradual', name: '1% → 5% → 25% → 50% → 100%', description: 'Five steps, one each working day.' },
  { id: 'four-step', name: '10% → 25% → 50% → 100%', description: 'Four steps, one each working day.' },
  { id: 'workweek-ramp', name: 'Ramp over a working week', description: 'From 0% at the start to 100% four working days later, rising smoothly.' },
  { id: 'week-ramp', name: 'Ramp over a week', description: 'From 0% at the start to 100% seven days later, rising smoothly.' },
];

const PERCENTS: Partial<Record<TemplateId, number[]>> = {
  gradual: [1, 5, 25, 50, 100],
  'four-step': [10, 25, 50, 100],
};

/** The instants of `count` steps: the start (moved to Monday if on a weekend), then each next working day. */
export function workingDaySeries(start: number, count: number): number[] {
  const out: number[] = [];
  let at = workingDayFrom(start);
  for (let i = 0; i < count; i++) {
    out.push(at);
    at = workingDayFrom(addLocalDays(at, 1));
  }
  return out;
}

/**
 * The steps of `template` for `target`, starting at `start` (ms). The rest of the traffic stays
 * with what `env` serves just before the first new step (a ramp needs one variation there).
 */
export function templateSteps(flag: FlagFile, env: FlagEnvironment, template: TemplateId, start: number, target: string): ScheduleStep[] {
  const before = servedBefore(env, (env.schedule ?? []).filter((s) => (Date.parse(s.at) || 0) < start).length);
  const percents = PERCENTS[template];
  if (percents) {
    return workingDaySeries(start, percents.length).map((at, i) => {
      const percent = percents[i] ?? 100;
      const fallthrough = percent >= 100 ? { variation: target } : { rollout: rolloutFor(flag, target, percent, before) };
      return { at: toRfc3339(at), fallthrough };
    });
  }
  const from = workingDayFrom(start);
  const to = template === 'week-ramp' ? addLocalDays(from, 7) : workingDaySeries(from, 5)[4] ?? addLocalDays(from, 4);
  return [{ at: toRfc3339(from), fallthrough: { ramp: { from: toRfc3339(from), to: toRfc3339(to), variation: target, fromWeight: 0, toWeight: 100 } } }];
}

/**
 * `env`'s schedule with `added` merged in, in time order. A new step at the instant of an
 * existing one replaces it (two steps at one instant are not allowed).
 */
export function mergeSteps(existing: readonly ScheduleStep[], added: readonly ScheduleStep[]): ScheduleStep[] {
  const taken = new Set(added.map((s) => Date.parse(s.at)));
  const kept = existing.filter((s) => !taken.has(Date.parse(s.at)));
  return [...kept, ...added].sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
}

/** Applies a template to one environment of `flag` in place (the editor's `edit` callback). */
export function applyTemplate(flag: FlagFile, envKey: string, template: TemplateId, start: number, target: string): boolean {
  const env = flag.environments?.[envKey];
  if (!env) return false;
  env.schedule = mergeSteps(env.schedule ?? [], templateSteps(flag, env, template, start, target));
  return true;
}
