// A persona's context from typed controls: which control each attribute of the schema gets, how
// a control's text becomes a typed value (or a problem in words), and how values are shown back.
// Pure, so the rules are tested without a browser.
import type { AttributeInfo } from '../../bindings/AttributeInfo';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export type Context = { [attribute: string]: JsonValue };
export type ControlKind = 'select' | 'switch' | 'number' | 'semver' | 'datetime' | 'text';
export type Parsed = { value: JsonValue } | { problem: string };

/** The attributes a persona can set: the schema's, with `targetingKey` first (always allowed). */
export function personaAttributes(schema: readonly AttributeInfo[]): AttributeInfo[] {
  const targeting = schema.find((a) => a.key === 'targetingKey') ?? {
    key: 'targetingKey', type: 'string', description: 'The stable id rollouts and targets use', values: null, operators: [],
  };
  return [targeting, ...schema.filter((a) => a.key !== 'targetingKey')];
}

export function controlFor(attribute: AttributeInfo): ControlKind {
  switch (attribute.type) {
    case 'string':
      return attribute.values && attribute.values.length > 0 && attribute.key !== 'targetingKey' ? 'select' : 'text';
    case 'boolean':
      return 'switch';
    default:
      return attribute.type;
  }
}

// Semantic Versioning 2.0.0 (no leading "v", no leading zeros in the numbers).
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * The typed value of one control's input. `raw` is the input's text (a boolean for a switch);
 * datetimes come from a datetime-local input, read in `timeZone`, stored as Unix seconds.
 */
export function parseInput(attribute: AttributeInfo, raw: string | boolean, timeZone?: string): Parsed {
  if (typeof raw === 'boolean') {
    return attribute.type === 'boolean' ? { value: raw } : { problem: `${attribute.key} is not a yes/no attribute.` };
  }
  const text = raw.trim();
  switch (controlFor(attribute)) {
    case 'switch':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'Choose on or off.' };
    case 'select': {
      const allowed = (attribute.values ?? []).map(String);
      return allowed.includes(text) ? { value: text } : { problem: `Choose one of ${allowed.join(', ')}.` };
    }
    case 'number': {
      const number = Number(text);
      return text !== '' && Number.isFinite(number) ? { value: number } : { problem: 'Enter a number, like 42 or 3.5.' };
    }
    case 'semver':
      return SEMVER.test(text) ? { value: text } : { problem: 'Enter a version like 2.1.0 (major.minor.patch).' };
    case 'datetime': {
      const seconds = localToUnix(text, timeZone);
      return seconds === null ? { problem: 'Pick a date and a time.' } : { value: seconds };
    }
    case 'text':
      return text === '' ? { problem: 'Enter a value, or clear the attribute.' } : { value: raw };
  }
}

/** The text a control shows for a stored value (a datetime as a datetime-local string). */
export function inputText(attribute: AttributeInfo, value: JsonValue | undefined, timeZone?: string): string {
  if (value === undefined || value === null) return '';
  if (attribute.type === 'datetime' && typeof value === 'number') return unixToLocal(value, timeZone);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `context` with `key` set to `value`; `undefined` removes the attribute (cleared). */
export function withAttribute(context: Context, key: string, value: JsonValue | undefined): Context {
  const next: Context = {};
  for (const [k, v] of Object.entries(context)) if (k !== key) next[k] = v;
  if (value !== undefined) next[key] = value;
  return next;
}

/** Wall-clock parts of `date` in `timeZone` (the runtime's zone when not given). */
export function wallClock(date: Date, timeZone?: string): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), hour: Number(get('hour')) % 24, minute: Number(get('minute')), weekday };
}

/** The instant whose wall clock in `timeZone` reads the given parts (DST gaps move forward). */
export function zonedToDate(year: number, month: number, day: number, hour: number, minute: number, timeZone?: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two rounds settle the zone's offset at the guessed instant, also across a DST change.
  for (let round = 0; round < 2; round++) {
    const wall = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
    guess += wanted - shown;
  }
  return new Date(guess);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/** A datetime-local string read in `timeZone` → Unix seconds; null when it is not one. */
export function localToUnix(text: string, timeZone?: string): number | null {
  const match = LOCAL.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const date = zonedToDate(y ?? 0, mo ?? 1, d ?? 1, h ?? 0, mi ?? 0, timeZone);
  return Number.isNaN(date.getTime()) ? null : Math.floor(date.getTime() / 1000);
}

/** Unix seconds → a datetime-local string (`2026-11-30T10:00`) in `timeZone`. */
export function unixToLocal(seconds: number, timeZone?: string): string {
  const wall = wallClock(new Date(seconds * 1000), timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}`;
}
