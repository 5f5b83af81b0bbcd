// Schedule steps as the editor shows them: each step does one thing a release owner names (change
// the rollout, serve one variation, ramp, kill, revive, change a rule's serve). A step in a file
// may do several; the editor shows its first and says that it does more.
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import type { ScheduleStep } from '../../bindings/ScheduleStep';
import type { Serve } from '../../bindings/Serve';
import type { WeightedVariation } from '../../bindings/WeightedVariation';
import { variationLabel } from '../flags/model';
import { formatLocal, parseInstant, toRfc3339 } from './time';

export const ACTIONS = ['rollout', 'variation', 'ramp', 'kill', 'revive', 'rule'] as const;
export type StepAction = (typeof ACTIONS)[number];

export const ACTION_LABELS: Record<StepAction, string> = {
  rollout: 'Change the rollout',
  variation: 'Serve one variation to everyone',
  ramp: 'Ramp up gradually',
  kill: 'Turn the kill switch on',
  revive: 'Turn the kill switch off',
  rule: "Change a rule's serve",
};

/** What a step changes, by the first thing it sets (kill before fallthrough before rules). */
export function actionOf(step: ScheduleStep): StepAction {
  if (step.enabled === false) return 'kill';
  if (step.fallthrough?.ramp) return 'ramp';
  if (step.fallthrough?.rollout) return 'rollout';
  if (step.fallthrough) return 'variation';
  if (Object.keys(step.rules ?? {}).length > 0) return 'rule';
  return 'revive';
}

/** How many separate things a step changes (more than one: the editor says so). */
export function changeCount(step: ScheduleStep): number {
  return (step.enabled != null ? 1 : 0) + (step.fallthrough ? 1 : 0) + Object.keys(step.rules ?? {}).length;
}

/** The variation a gradual rollout moves people to: a boolean flag's `true`, else the first. */
export function targetVariation(flag: FlagFile): string {
  return (flag.variations.find((v) => v.value === true) ?? flag.variations[0])?.key ?? '';
}

/** The single variation served to everyone else at the moment before `index` (or the base). */
export function servedBefore(env: FlagEnvironment, index: number): string | null {
  let serve: Serve = env.fallthrough;
  for (const step of (env.schedule ?? []).slice(0, Math.max(0, index))) if (step.fallthrough) serve = step.fallthrough;
  if (serve.variation) return serve.variation;
  if (serve.ramp) return serve.ramp.toWeight >= 100 ? serve.ramp.variation : null;
  if (serve.rollout) return serve.rollout.find((w) => w.weight >= 100)?.variation ?? null;
  return null;
}

/**
 * A rollout giving `percent` to `target` and the rest to `rest` (or, when that is the target or
 * unknown, to the first other variation), over every variation in the flag's order.
 */
export function rolloutFor(flag: FlagFile, target: string, percent: number, rest: string | null): WeightedVariation[] {
  const keys = flag.variations.map((v) => v.key);
  const other = rest && rest !== target && keys.includes(rest) ? rest : keys.find((k) => k !== target);
  const rounded = Math.round(percent * 1000) / 1000;
  return keys.map((variation) => ({
    variation,
    weight: variation === target ? rounded : variation === other ? Math.round((100 - rounded) * 1000) / 1000 : 0,
  }));
}

/** A fresh step at `at` doing `action`, with defaults taken from what is served just before. */
export function newStep(flag: FlagFile, env: FlagEnvironment, index: number, at: string, action: StepAction): ScheduleStep {
  const before = servedBefore(env, index);
  const target = targetVariation(flag);
  switch (action) {
    case 'kill':
      return { at, enabled: false };
    case 'revive':
      return { at, enabled: true };
    case 'variation':
      return { at, fallthrough: { variation: target } };
    case 'rollout':
      return { at, fallthrough: { rollout: rolloutFor(flag, target, 50, before) } };
    case 'ramp': {
      const from = parseInstant(at) ?? Date.now();
      const variation = before === target ? (flag.variations.find((v) => v.key !== target)?.key ?? target) : target;
      return { at, fallthrough: { ramp: { from: at, to: toRfc3339(from + 4 * 86_400_000), variation, fromWeight: 0, toWeight: 100 } } };
    }
    case 'rule': {
      const rule = env.rules?.[0];
      return rule ? { at, rules: { [rule.id]: { serve: { variation: target } } } } : { at, enabled: true };
    }
  }
}

/** Moves a step to another instant; a ramp starting at the step moves its start along. */
export function withInstant(step: ScheduleStep, at: string): ScheduleStep {
  const next: ScheduleStep = { ...step, at };
  const ramp = step.fallthrough?.ramp;
  if (ramp && step.fallthrough) {
    const shift = (parseInstant(at) ?? 0) - (parseInstant(step.at) ?? 0);
    const to = parseInstant(ramp.to);
    const end = to === null ? ramp.to : toRfc3339(to + shift);
    next.fallthrough = { ...step.fallthrough, ramp: { ...ramp, from: at, to: end } };
  }
  return next;
}

function serveWords(flag: FlagFile, serve: Serve): string {
  if (serve.variation) return `Everyone gets ${variationLabel(flag, serve.variation)}`;
  if (serve.rollout) {
    const parts = serve.rollout.filter((w) => w.weight > 0).map((w) => `${variationLabel(flag, w.variation)} ${w.weight}%`);
    return `Rollout: ${parts.join(', ')}`;
  }
  if (serve.ramp) {
    const to = parseInstant(serve.ramp.to);
    return `Ramp ${variationLabel(flag, serve.ramp.variation)} ${serve.ramp.fromWeight}% → ${serve.ramp.toWeight}%${to === null ? '' : ` until ${formatLocal(to, false)}`}`;
  }
  return 'Advanced targeting';
}

/** A step in plain words ("Rollout: On 5%, Off 95%"; "Kill switch on"). */
export function stepSummary(flag: FlagFile, env: FlagEnvironment, step: ScheduleStep): string {
  const parts: string[] = [];
  if (step.enabled === false) parts.push('Kill switch on');
  if (step.enabled === true) parts.push('Kill switch off');
  if (step.fallthrough) parts.push(serveWords(flag, step.fallthrough));
  for (const [id, override] of Object.entries(step.rules ?? {})) {
    const rule = env.rules?.find((r) => r.id === id);
    parts.push(`Rule '${rule?.name || id}': ${serveWords(flag, override.serve).replace(/^Everyone gets /, 'serves ')}`);
  }
  return parts.join('; ') || 'No change';
}
