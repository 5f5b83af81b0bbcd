// Who gets what over time: each variation's share (0–100 %) of "everyone else" (the fallthrough),
// from the environment as it is now through every schedule step. The kill switch counts as 0 for
// every variation. Ramps are straight lines; a step is a vertical jump (two points at one instant).
import type { FlagEnvironment } from '../../bindings/FlagEnvironment';
import type { FlagFile } from '../../bindings/FlagFile';
import type { Serve } from '../../bindings/Serve';
import { parseInstant } from './time';

export type Point = { t: number; share: number };
export type Series = { variation: string; points: Point[] };
export type Exposure = { start: number; end: number; series: Series[]; steps: number[] };

type State = { enabled: boolean; serve: Serve; rest: string | null };

/** Shares at instant `t` under `state` (ramps interpolated, the rest to the variation before). */
export function sharesAt(keys: readonly string[], state: State, t: number): Map<string, number> {
  const shares = new Map(keys.map((k) => [k, 0]));
  if (!state.enabled) return shares;
  const { serve } = state;
  if (serve.variation) shares.set(serve.variation, 100);
  else if (serve.rollout) for (const w of serve.rollout) shares.set(w.variation, (shares.get(w.variation) ?? 0) + w.weight);
  else if (serve.ramp) {
    const from = parseInstant(serve.ramp.from) ?? t;
    const to = parseInstant(serve.ramp.to) ?? from;
    const progress = to > from ? Math.min(1, Math.max(0, (t - from) / (to - from))) : 1;
    const weight = serve.ramp.fromWeight + (serve.ramp.toWeight - serve.ramp.fromWeight) * progress;
    shares.set(serve.ramp.variation, weight);
    if (state.rest && state.rest !== serve.ramp.variation) shares.set(state.rest, 100 - weight);
  }
  return shares;
}

function singleOf(serve: Serve): string | null {
  if (serve.variation) return serve.variation;
  if (serve.ramp && serve.ramp.toWeight >= 100) return serve.ramp.variation;
  return serve.rollout?.find((w) => w.weight >= 100)?.variation ?? null;
}

/**
 * The exposure series from `from` to `to` (ms; defaults: a day before the first of now and the
 * first step, to a day after the last step or ramp end).
 */
export function exposure(flag: FlagFile, env: FlagEnvironment, now: number, range?: { from: number; to: number }): Exposure {
  const keys = flag.variations.map((v) => v.key);
  const steps = (env.schedule ?? [])
    .map((step) => ({ step, at: parseInstant(step.at) }))
    .filter((s): s is { step: typeof s.step; at: number } => s.at !== null)
    .sort((a, b) => a.at - b.at);
  const instants = steps.map((s) => s.at);
  const rampEnds = steps.map((s) => parseInstant(s.step.fallthrough?.ramp?.to)).filter((t): t is number => t !== null);
  const day = 86_400_000;
  const last = Math.max(now, ...instants, ...rampEnds);
  // A schedule weeks ahead would be squeezed into the right edge next to "now": start the chart
  // shortly before its first step instead (the chart then says that now is earlier).
  const firstStep = instants.length > 0 ? Math.min(...instants) : now;
  const farAhead = firstStep - now > 14 * day;
  const start = range?.from ?? (farAhead ? firstStep - Math.max(day, (last - firstStep) * 0.15) : Math.min(now, firstStep) - day);
  const end = range?.to ?? last + day;

  const points = new Map<string, Point[]>(keys.map((k) => [k, []]));
  const push = (state: State, t: number): void => {
    const shares = sharesAt(keys, state, t);
    for (const k of keys) points.get(k)?.push({ t, share: shares.get(k) ?? 0 });
  };

  let state: State = { enabled: env.enabled, serve: env.fallthrough, rest: null };
  let cursor = start;
  push(state, cursor);
  for (const { step, at } of steps) {
    if (at > end) break;
    if (at > cursor) {
      // The ramp's end is a corner of the line; after it the share stays flat.
      const rampEnd = parseInstant(state.serve.ramp?.to);
      if (rampEnd !== null && rampEnd > cursor && rampEnd < at) push(state, rampEnd);
      push(state, at);
    }
    const serve = step.fallthrough ?? state.serve;
    state = { enabled: step.enabled ?? state.enabled, serve, rest: step.fallthrough ? singleOf(state.serve) ?? state.rest : state.rest };
    cursor = Math.max(cursor, at);
    push(state, cursor);
  }
  const rampEnd = parseInstant(state.serve.ramp?.to);
  if (rampEnd !== null && rampEnd > cursor && rampEnd < end) push(state, rampEnd);
  push(state, end);
  return { start, end, series: keys.map((variation) => ({ variation, points: points.get(variation) ?? [] })), steps: instants };
}
