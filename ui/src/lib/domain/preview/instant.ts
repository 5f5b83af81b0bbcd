// The preview's instant: now, "next week" (next Monday 10:00 on the user's wall clock), or any
// date-time, always shown with the time zone's name.
import { wallClock, zonedToDate } from '../personas/context';
import { displayZone } from '../../state/timeZone.svelte';

/** The zone dates are shown in: the one picked in Settings, else the runtime's ("Europe/Berlin"). */
export function localTimeZone(): string {
  return displayZone();
}

/** Next Monday at 10:00 in `timeZone`, strictly after `now` (a Monday gives the one after). */
export function nextWeek(now: Date, timeZone?: string): Date {
  const today = wallClock(now, timeZone);
  const days = ((8 - today.weekday) % 7) || 7;
  // Calendar arithmetic on a UTC date avoids the zone; the wall time is placed in the zone after.
  const monday = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
  return zonedToDate(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 10, 0, timeZone);
}

/** "Europe/Berlin (CET)": the zone's name with its abbreviation at `at` (CEST in summer). */
export function timeZoneLabel(timeZone: string, at: Date): string {
  const short = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  return short && short !== timeZone ? `${timeZone} (${short})` : timeZone;
}

/** "Mon, 30 Nov 2026, 10:00" on the wall clock of `timeZone`. */
export function formatInstant(at: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(at);
}
