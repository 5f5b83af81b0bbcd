// Rebucketing impact in words: "12.3% of people would get a different variation" and
// "On → Off: 1,234", with variation keys shown by their names.
import type { EnvImpact } from '../../bindings/EnvImpact';
import type { Transition } from '../../bindings/Transition';

/** The sample every "Check impact" uses unless a CSV is imported: fixed, so runs compare. */
export const GENERATED_SAMPLE = { kind: 'generated', count: 10_000, seed: 42 } as const;

export function changedShare(env: EnvImpact): number {
  const bucketable = env.total;
  return bucketable === 0 ? 0 : (env.changed / bucketable) * 100;
}

export function shareSentence(env: EnvImpact): string {
  if (env.total === 0) return 'No one in the sample reaches this flag here.';
  if (env.changed === 0) return 'No one would get a different variation.';
  const share = changedShare(env);
  const shown = share < 0.1 ? '< 0.1' : share.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return `${shown}% of people would get a different variation`;
}

export function transitionText(t: Transition, nameOf: (key: string) => string): string {
  const side = (key: string | null) => (key === null ? '(no variation)' : nameOf(key));
  return `${side(t.from)} → ${side(t.to)}: ${t.count.toLocaleString('en-US')}`;
}

/** Transitions that moved someone, biggest first. */
export function movedTransitions(env: EnvImpact): Transition[] {
  return env.transitions.filter((t) => t.from !== t.to && t.count > 0).sort((a, b) => b.count - a.count);
}
