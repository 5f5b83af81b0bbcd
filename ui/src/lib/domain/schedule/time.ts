// Instants as a release owner sees them: a date and a time in the display time zone. The file
// stores RFC 3339 in UTC with whole seconds; everything shown or typed is in the display zone:
// the one picked in Settings, else this computer's (the browser's, or TZ in tests). Wall clocks
// come from Intl with the zone's own rules, so DST changes come from the platform.
import { displayZone } from '../../state/timeZone.svelte';

/** `YYYY-MM-DD` and `HH:MM` in the display time zone. */
export type LocalDateTime = { date: string; time: string };

const pad = (n: number): string => String(n).padStart(2, '0');

/** Wall-clock parts in the display zone; `month` 1–12, `weekday` 0 (Sunday) – 6. */
export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short', hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The wall clock of an instant in the display zone. */
export function wallClockOf(ms: number): WallClock {
  const values: Record<string, string> = {};
  for (const part of formatter(displayZone()).formatToParts(new Date(ms))) values[part.type] = part.value;
  return {
    year: Number(values.year), month: Number(values.month), day: Number(values.day), hour: Number(values.hour) % 24,
    minute: Number(values.minute), second: Number(values.second), weekday: WEEKDAY_INDEX[values.weekday ?? ''] ?? 0,
  };
}

/**
 * The instant whose wall clock in the display zone reads the given parts; out-of-range parts
 * roll over as `Date.UTC` does (day 32 is the 1st of the next month). A time skipped when clocks
 * go forward moves forward, as clocks on the wall do.
 */
export function instantOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const wanted = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wanted;
  // Two rounds settle the zone's offset at the guessed instant, also across a DST change.
  for (let round = 0; round < 2; round++) {
    const wall = wallClockOf(guess);
    guess += wanted - Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  }
  return guess;
}

/** RFC 3339 in UTC with whole seconds ("2026-12-01T08:00:00Z"), as the format stores it. */
export function toRfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Milliseconds since the epoch of an RFC 3339 string, or null when it is not one. */
export function parseInstant(text: string | null | undefined): number | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** The local date (`YYYY-MM-DD`) of an instant. */
export function localDate(ms: number): string {
  const d = wallClockOf(ms);
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** The local wall-clock time (`HH:MM`) of an instant. */
export function localTime(ms: number): string {
  const d = wallClockOf(ms);
  return `${pad(d.hour)}:${pad(d.minute)}`;
}

/** An instant's local date and time, for `<input type=date>` and `<input type=time>`. */
export function toLocal(iso: string): LocalDateTime | null {
  const ms = parseInstant(iso);
  return ms === null ? null : { date: localDate(ms), time: localTime(ms) };
}

/**
 * The instant of a local date and time. A time that does not exist on that day (the hour skipped
 * when clocks go forward) is moved forward by the platform, as clocks on the wall do.
 */
export function fromLocal(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  if (!d || !t) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hours, minutes] = [Number(t[1]), Number(t[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59) return null;
  // Reject overflow such as 31 February rather than silently moving to March.
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCDate() !== day || calendarDay.getUTCMonth() !== month - 1) return null;
  return instantOf(year, month, day, hours, minutes);
}

/** {@link fromLocal} as the stored RFC 3339 string. */
export function localToRfc3339(date: string, time: string): string | null {
  const ms = fromLocal(date, time);
  return ms === null ? null : toRfc3339(ms);
}

/** The display time zone's IANA name, e.g. "Europe/Berlin". */
export function zoneId(): string {
  return displayZone();
}

/** The zone's short name at an instant ("CET", "CEST", "EST"), else its offset ("GMT+1"). */
export function zoneAbbreviation(ms: number): string {
  const part = (locale: string): string =>
    new Intl.DateTimeFormat(locale, { timeZone: zoneId(), timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const us = part('en-US');
  if (!us.startsWith('GMT') && !us.startsWith('UTC')) return us;
  const gb = part('en-GB');
  return gb || us;
}

/** "Europe/Berlin (CET)": the zone every date and time on screen is in. */
export function zoneLabel(ms: number): string {
  const id = zoneId();
  const short = zoneAbbreviation(ms);
  return short && short !== id ? `${id} (${short})` : id;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 1 Dec" (and " 2026" with the year) in the local zone; built by hand so ICU versions agree. */
export function formatLocalDay(ms: number, withYear = true): string {
  const d = wallClockOf(ms);
  return `${WEEKDAYS[d.weekday]} ${d.day} ${MONTHS[d.month - 1]}${withYear ? ` ${d.year}` : ''}`;
}

/** "Mon 1 Dec 2026, 09:00" in the local zone. */
export function formatLocal(ms: number, withYear = true): string {
  return `${formatLocalDay(ms, withYear)}, ${localTime(ms)}`;
}

/** "December 2026" in the local zone. */
export function formatMonth(ms: number): string {
  const d = wallClockOf(ms);
  return new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(d.year, d.month - 1, 15))) + ` ${d.year}`;
}

/** Local midnight of the day holding `ms`. */
export function startOfLocalDay(ms: number): number {
  const d = wallClockOf(ms);
  return instantOf(d.year, d.month, d.day);
}

/** The same local wall-clock time `days` calendar days later (DST-safe). */
export function addLocalDays(ms: number, days: number): number {
  const d = wallClockOf(ms);
  return instantOf(d.year, d.month, d.day + days, d.hour, d.minute, d.second);
}

/** Saturday or Sunday in the local zone. */
export function isWeekend(ms: number): boolean {
  const day = wallClockOf(ms).weekday;
  return day === 0 || day === 6;
}

/** The next working day (Monday to Friday) at the same local time; `ms` itself if it is one. */
export function workingDayFrom(ms: number): number {
  let at = ms;
  while (isWeekend(at)) at = addLocalDays(at, 1);
  return at;
}
