// Problems with a schedule, in plain words, per step, checked as the user edits (the backend's own
// diagnostics come on top, at their JSON pointers). `now` is a parameter so tests pick the clock.
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import { totalOf, TOTAL } from '../flags/rollout';
import { servedBefore } from './steps';
import { formatLocal, parseInstant } from './time';

export type StepProblem = { index: number; message: string };

/** Whether two JSON values are equal whatever the order of their objects' keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const [ka, kb] = [Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined), Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)];
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Every problem of `env`'s schedule (several per step possible), in step order. `published` is
 * the environment as published: a step it already holds is not "in the past, cannot be
 * published" once its time has come (it was published, and flagd applied it), as the backend's
 * own check says too.
 */
export function scheduleProblems(flag: FlagFile, env: FlagEnvironment, now: number, published?: FlagEnvironment | null): StepProblem[] {
  const steps = env.schedule ?? [];
  const problems: StepProblem[] = [];
  const seen = new Map<number, number>();
  const variations = new Set(flag.variations.map((v) => v.key));
  let previous: number | null = null;
  steps.forEach((step, index) => {
    const say = (message: string): void => void problems.push({ index, message });
    const at = parseInstant(step.at);
    if (at === null) {
      say('This step has no valid date and time.');
      return;
    }
    const twin = seen.get(at);
    if (twin !== undefined) say(`Step ${twin + 1} is at the same moment (${formatLocal(at)}); two steps cannot happen at one instant.`);
    else seen.set(at, index);
    if (previous !== null && at < previous) say(`This step comes before the step above it; steps must be in time order.`);
    previous = at;
    const alreadyPublished = (published?.schedule ?? []).some((p) => sameJson(p, step));
    if (at <= now && !alreadyPublished) say(`This step is in the past (${formatLocal(at)}); it cannot be published.`);
    const serve = step.fallthrough;
    if (serve?.rollout && totalOf(serve.rollout) !== TOTAL) say('The percentages must add up to exactly 100%.');
    if (serve?.variation && !variations.has(serve.variation)) say(`'${serve.variation}' is not a variation of this flag.`);
    const ramp = serve?.ramp;
    if (ramp) {
      const to = parseInstant(ramp.to);
      if (to === null || to <= at) say('The ramp must end after it starts.');
      if (!variations.has(ramp.variation)) say(`'${ramp.variation}' is not a variation of this flag.`);
      const rest = servedBefore(env, index);
      if (rest === null) say('A ramp must follow one variation served to everyone, not a percentage rollout.');
      else if (rest === ramp.variation) say('The ramp moves people to the variation they already get; pick another one.');
    }
    for (const id of Object.keys(step.rules ?? {})) {
      if (!env.rules?.some((r) => r.id === id)) say(`This step changes a rule ('${id}') that no longer exists.`);
    }
  });
  return problems;
}
