import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalDay, fromLocal, toLocal, zoneLabel } from '../domain/schedule/time';
import { formatInstant, localTimeZone } from '../domain/preview/instant';
import { ago, chosenZone, displayZone, formatWhen, isZone, setDisplayZone } from './timeZone.svelte';

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterEach(() => setDisplayZone(null));

describe('the display time zone', () => {
  it("follows the computer's zone until one is picked, and remembers the pick", () => {
    expect(chosenZone()).toBeNull();
    expect(displayZone()).toBe('Europe/Berlin');
    setDisplayZone('America/New_York');
    expect(displayZone()).toBe('America/New_York');
    expect(localStorage.getItem('flagdeck.timeZone')).toBe('America/New_York');
    setDisplayZone(null);
    expect(localStorage.getItem('flagdeck.timeZone')).toBeNull();
    expect(displayZone()).toBe('Europe/Berlin');
  });

  it('refuses a zone the runtime does not know', () => {
    expect(isZone('Mars/Olympus')).toBe(false);
    setDisplayZone('Mars/Olympus');
    expect(chosenZone()).toBeNull();
  });

  it('applies app-wide: the schedule, the calendar, the preview and the audit log show the picked zone', () => {
    const iso = '2026-12-01T08:00:00Z';
    expect(toLocal(iso)).toEqual({ date: '2026-12-01', time: '09:00' });
    setDisplayZone('America/New_York');
    expect(toLocal(iso)).toEqual({ date: '2026-12-01', time: '03:00' });
    expect(fromLocal('2026-12-01', '03:00')).toBe(Date.parse(iso));
    expect(zoneLabel(Date.parse(iso))).toBe('America/New_York (EST)');
    expect(formatLocalDay(Date.parse('2026-12-01T02:00:00Z'))).toBe('Mon 30 Nov 2026');
    expect(localTimeZone()).toBe('America/New_York');
    expect(formatInstant(new Date(iso), localTimeZone())).toBe('Tue, 1 Dec 2026, 03:00');
    expect(formatWhen(Date.parse(iso) / 1000, displayZone())).toBe('Tue, 1 Dec 2026, 03:00');
  });

  it('says how long ago in short words', () => {
    const now = 1_000_000_000;
    expect(ago(now - 10_000, now)).toBe('just now');
    expect(ago(now - 120_000, now)).toBe('2 min ago');
    expect(ago(now - 2 * 86_400_000, now)).toBe('2 days ago');
  });
});
