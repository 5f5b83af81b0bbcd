// Rollout weights as the editor moves them. The format stores percents with at most three
// decimals that sum to exactly 100, checked in integer thousandths (FORMAT.md "Serving"), so all
// arithmetic here is on integers in thousandths; floats appear only at the file boundary.
import type { WeightedVariation } from '../../bindings/WeightedVariation';

/** 100 % in thousandths of a percent. */
export const TOTAL = 100_000;

/** A percent from the file (e.g. 33.333) as integer thousandths. */
export function toThousandths(percent: number): number {
  if (!Number.isFinite(percent)) return 0;
  return Math.round(percent * 1000);
}

/** Integer thousandths back to the percent the file stores (33333 → 33.333). */
export function toPercent(thousandths: number): number {
  return thousandths / 1000;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Sets `weights[index]` to `target` (thousandths, clamped to 0..100 %) and spreads the difference
 * over the others in proportion to their current weights, so the result sums to exactly TOTAL.
 * When the others are all at 0 they share the rest equally. Rounding leftovers go to the largest
 * fractional parts (earlier variations first on ties), so the outcome is deterministic.
 */
export function redistribute(weights: readonly number[], index: number, target: number): number[] {
  const count = weights.length;
  if (count === 0 || index < 0 || index >= count) return [...weights];
  if (count === 1) return [TOTAL];
  const own = clamp(Math.round(target), 0, TOTAL);
  const rest = TOTAL - own;
  const others = weights.map((w, i) => (i === index ? 0 : Math.max(0, Math.round(w))));
  const othersSum = others.reduce((a, b) => a + b, 0);
  const othersCount = count - 1;

  // Exact shares as fractions over a common denominator, so no float rounding creeps in:
  // share_i = rest * w_i / othersSum (or rest / othersCount when every other weight is 0).
  const numerators = others.map((w, i) => {
    if (i === index) return 0;
    return othersSum > 0 ? rest * w : rest;
  });
  const denominator = othersSum > 0 ? othersSum : othersCount;
  const result = numerators.map((n) => Math.floor(n / denominator));
  result[index] = own;
  let leftover = TOTAL - result.reduce((a, b) => a + b, 0);
  const order = numerators
    .map((n, i) => ({ i, remainder: n % denominator }))
    .filter(({ i }) => i !== index && (othersSum === 0 || (others[i] ?? 0) > 0))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (let k = 0; leftover > 0 && order.length > 0; k = (k + 1) % order.length) {
    const slot = order[k];
    if (!slot) break;
    result[slot.i] = (result[slot.i] ?? 0) + 1;
    leftover -= 1;
  }
  return result;
}

/** Sum of a rollout in thousandths (what validation checks). */
export function totalOf(rollout: readonly WeightedVariation[]): number {
  return rollout.reduce((sum, w) => sum + toThousandths(w.weight), 0);
}

/** "100 %" / "99.5 %": the percent a rollout adds up to, in words for the total line. */
export function formatPercent(thousandths: number): string {
  return `${toPercent(thousandths).toLocaleString('en', { maximumFractionDigits: 3 })} %`;
}

/**
 * A rollout over every variation (in the flag's order), keeping known weights; missing ones get
 * 0. Used when switching a serve from one variation to a rollout: that variation gets 100 %.
 */
export function rolloutOver(
  variationKeys: readonly string[],
  current: readonly WeightedVariation[] | null | undefined,
  fullTo?: string,
): WeightedVariation[] {
  if (fullTo !== undefined) {
    return variationKeys.map((variation) => ({ variation, weight: variation === fullTo ? 100 : 0 }));
  }
  const known = new Map((current ?? []).map((w) => [w.variation, w.weight]));
  return variationKeys.map((variation) => ({ variation, weight: known.get(variation) ?? 0 }));
}

/** The variation with the largest share (first on ties): what a rollout becomes as one variation. */
export function dominant(rollout: readonly WeightedVariation[]): string | undefined {
  let best: WeightedVariation | undefined;
  for (const w of rollout) if (!best || w.weight > best.weight) best = w;
  return best?.variation;
}

/** Applies {@link redistribute} to a rollout by variation key. */
export function setWeight(
  rollout: readonly WeightedVariation[],
  variation: string,
  percent: number,
): WeightedVariation[] {
  const index = rollout.findIndex((w) => w.variation === variation);
  if (index < 0) return [...rollout];
  const next = redistribute(rollout.map((w) => toThousandths(w.weight)), index, toThousandths(percent));
  return rollout.map((w, i) => ({ variation: w.variation, weight: toPercent(next[i] ?? 0) }));
}
