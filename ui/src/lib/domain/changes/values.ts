// A field's value in words for the change request's field-level view: release owners read
// "on", "25 % on · 75 % off" or "Beta testers, Staff", never JSON. Shapes with no plain
// sentence (objects of a JSON flag's value) are left to ValuePreview's tables.
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export type ValueWords = { kind: 'words'; text: string; muted?: boolean } | { kind: 'table'; value: JsonValue };

type Obj = { [key in string]: JsonValue };

function isObject(value: JsonValue | null | undefined): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function percent(weight: JsonValue | undefined): string {
  return typeof weight === 'number' ? `${weight.toLocaleString('en', { maximumFractionDigits: 3 })}%` : '?%';
}

/** `{variation}`, `{rollout}` or `{ramp}` (a flag's serve) in words, or null for another shape. */
export function serveWords(value: Obj): string | null {
  const keys = Object.keys(value).filter((k) => k !== 'bucketBy');
  if (keys.length !== 1) return null;
  if (typeof value.variation === 'string') return value.variation;
  if (Array.isArray(value.rollout)) {
    const parts = value.rollout.map((part) => (isObject(part) && typeof part.variation === 'string' ? `${percent(part.weight)} ${part.variation}` : null));
    if (parts.some((p) => p === null)) return null;
    const by = typeof value.bucketBy === 'string' ? ` (by ${value.bucketBy})` : '';
    return `${parts.join(' · ')}${by}`;
  }
  if (isObject(value.ramp)) {
    const ramp = value.ramp;
    if (typeof ramp.variation !== 'string') return null;
    return `${ramp.variation} ramping from ${percent(ramp.fromWeight)} to ${percent(ramp.toWeight)}`;
  }
  return null;
}

/**
 * How one side of a field change reads; `null`/absent means the field is not set there. `path`
 * (a JSON pointer) picks words for fields whose booleans read backwards: an environment's
 * `enabled` is shown as the kill switch it is in the editor (enabled = not killed).
 */
export function valueWords(value: JsonValue | null | undefined, path = ''): ValueWords {
  if (value === null || value === undefined) return { kind: 'words', text: 'not set', muted: true };
  if (typeof value === 'boolean' && /^\/environments\/[^/]+\/enabled$/.test(path)) {
    return { kind: 'words', text: value ? 'serving (not killed)' : 'killed: serves the off variation' };
  }
  if (typeof value === 'boolean') return { kind: 'words', text: value ? 'on' : 'off' };
  if (typeof value === 'number') return { kind: 'words', text: value.toLocaleString('en') };
  if (typeof value === 'string') return value === '' ? { kind: 'words', text: 'empty', muted: true } : { kind: 'words', text: value };
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: 'words', text: 'none', muted: true };
    if (value.every((v) => typeof v === 'string' || typeof v === 'number')) return { kind: 'words', text: value.join(', ') };
    return { kind: 'table', value };
  }
  const serve = serveWords(value);
  if (serve !== null) return { kind: 'words', text: serve };
  return { kind: 'table', value };
}
