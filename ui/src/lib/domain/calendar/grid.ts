// The release calendar's arithmetic, all in local time: which days a month, week or day view
// shows, moving between periods, titles, and which entries and freeze windows fall on a day.
// Weeks start on Monday (ISO 8601), as release plans in Europe usually do.
import type { CalendarEntry } from '../../bindings/CalendarEntry';
import type { Freeze } from '../../bindings/Freeze';
import { addLocalDays, formatLocalDay, formatMonth, instantOf, localDate, startOfLocalDay, toRfc3339, wallClockOf } from '../schedule/time';

export type Mode = 'month' | 'week' | 'day';
export const MODES: readonly Mode[] = ['month', 'week', 'day'];

export type Range = { from: number; to: number; days: number[] };

function mondayOf(ms: number): number {
  const day = startOfLocalDay(ms);
  const weekday = (wallClockOf(day).weekday + 6) % 7; // Monday 0 … Sunday 6
  return addLocalDays(day, -weekday);
}

function days(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => addLocalDays(from, i));
}

/** The days a view shows around `anchor`: whole weeks for a month, Monday–Sunday, or one day. */
export function rangeOf(mode: Mode, anchor: number): Range {
  if (mode === 'day') {
    const from = startOfLocalDay(anchor);
    return { from, to: addLocalDays(from, 1), days: [from] };
  }
  if (mode === 'week') {
    const from = mondayOf(anchor);
    return { from, to: addLocalDays(from, 7), days: days(from, 7) };
  }
  const a = wallClockOf(anchor);
  const first = instantOf(a.year, a.month, 1);
  const next = instantOf(a.year, a.month + 1, 1);
  const from = mondayOf(first);
  const weeks = Math.ceil(Math.round((next - from) / 86_400_000) / 7);
  return { from, to: addLocalDays(from, weeks * 7), days: days(from, weeks * 7) };
}

/** The range as the `calendar` command's arguments (RFC 3339 UTC). */
export function rangeArgs(range: Range): { from: string; to: string } {
  return { from: toRfc3339(range.from), to: toRfc3339(range.to) };
}

/** The anchor one period earlier (-1) or later (+1). */
export function shift(mode: Mode, anchor: number, direction: -1 | 1): number {
  if (mode === 'day') return addLocalDays(anchor, direction);
  if (mode === 'week') return addLocalDays(anchor, 7 * direction);
  const a = wallClockOf(anchor);
  return instantOf(a.year, a.month + direction, 1, 12);
}

/** "December 2026", "30 Nov – 6 Dec 2026", "Tue 1 Dec 2026". */
export function titleOf(mode: Mode, anchor: number): string {
  if (mode === 'month') return formatMonth(anchor);
  if (mode === 'day') return formatLocalDay(anchor);
  const { days: week } = rangeOf('week', anchor);
  const [first, last] = [new Date(week[0] ?? anchor), new Date(week[6] ?? anchor)];
  const left = formatLocalDay(first.getTime(), false).replace(/^\w+ /, '');
  return `${left} – ${formatLocalDay(last.getTime()).replace(/^\w+ /, '')}`;
}

export type Filter = { env: string; tag: string };

/** Entries passing the environment and tag filters ('' = any). */
export function filterEntries(entries: readonly CalendarEntry[], filter: Filter): CalendarEntry[] {
  return entries.filter((e) => (filter.env === '' || e.environment === filter.env) && (filter.tag === '' || e.tags.includes(filter.tag)));
}

/** Entries by local day (`YYYY-MM-DD`), in time order. */
export function byDay(entries: readonly CalendarEntry[]): Map<string, CalendarEntry[]> {
  const map = new Map<string, CalendarEntry[]>();
  for (const entry of entries) {
    const ms = Date.parse(entry.at);
    if (!Number.isFinite(ms)) continue;
    const key = localDate(ms);
    const list = map.get(key) ?? [];
    list.push(entry);
    map.set(key, list);
  }
  return map;
}

/** Freeze windows touching the local day starting at `day` that apply to `env` ('' = any). */
export function freezesOn(day: number, freezes: readonly Freeze[], env: string): Freeze[] {
  const end = addLocalDays(day, 1);
  return freezes.filter((f) => {
    const [from, to] = [Date.parse(f.from), Date.parse(f.to)];
    const applies = env === '' || f.environments.length === 0 || f.environments.includes(env);
    return applies && from < end && to > day;
  });
}

/** Every tag on any entry, sorted, for the tag filter. */
export function tagsOf(entries: readonly CalendarEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.tags))].sort();
}
