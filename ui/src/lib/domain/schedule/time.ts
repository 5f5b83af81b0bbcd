// Instants as a release owner sees them: a date and a time in this computer's time zone. The file
// stores RFC 3339 in UTC with whole seconds; everything shown or typed is local. The time zone is
// the runtime's (the browser's, or TZ in tests), so DST changes come from the platform's rules.

/** `YYYY-MM-DD` and `HH:MM` in the local time zone. */
export type LocalDateTime = { date: string; time: string };

const pad = (n: number): string => String(n).padStart(2, '0');

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
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local wall-clock time (`HH:MM`) of an instant. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
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
  const result = new Date(year, month - 1, day, hours, minutes, 0, 0);
  // Reject overflow such as 31 February rather than silently moving to March.
  if (result.getDate() !== day || result.getMonth() !== month - 1) return null;
  return result.getTime();
}

/** {@link fromLocal} as the stored RFC 3339 string. */
export function localToRfc3339(date: string, time: string): string | null {
  const ms = fromLocal(date, time);
  return ms === null ? null : toRfc3339(ms);
}

/** The local time zone's IANA name, e.g. "Europe/Berlin". */
export function zoneId(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone's short name at an instant ("CET", "CEST", "EST"), else its offset ("GMT+1"). */
export function zoneAbbreviation(ms: number): string {
  const part = (locale: string): string =>
    new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
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
  const d = new Date(ms);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}${withYear ? ` ${d.getFullYear()}` : ''}`;
}

/** "Mon 1 Dec 2026, 09:00" in the local zone. */
export function formatLocal(ms: number, withYear = true): string {
  return `${formatLocalDay(ms, withYear)}, ${localTime(ms)}`;
}

/** "December 2026" in the local zone. */
export function formatMonth(ms: number): string {
  const d = new Date(ms);
  return new Intl.DateTimeFormat('en-GB', { month: 'long' }).format(d) + ` ${d.getFullYear()}`;
}

/** Local midnight of the day holding `ms`. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The same local wall-clock time `days` calendar days later (DST-safe). */
export function addLocalDays(ms: number, days: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, d.getHours(), d.getMinutes(), d.getSeconds()).getTime();
}

/** Saturday or Sunday in the local zone. */
export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getDay();
  return day === 0 || day === 6;
}

/** The next working day (Monday to Friday) at the same local time; `ms` itself if it is one. */
export function workingDayFrom(ms: number): number {
  let at = ms;
  while (isWeekend(at)) at = addLocalDays(at, 1);
  return at;
}
