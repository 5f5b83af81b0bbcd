import { describe, expect, it } from 'vitest';
import { formatInstant, nextWeek, timeZoneLabel } from './instant';

describe('next week', () => {
  it('is next Monday 10:00 on the wall clock of the zone', () => {
    // Saturday 21 Nov 2026, 12:00 UTC.
    const now = new Date('2026-11-21T12:00:00Z');
    expect(nextWeek(now, 'UTC').toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(nextWeek(now, 'Europe/Berlin').toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(nextWeek(now, 'America/Los_Angeles').toISOString()).toBe('2026-11-23T18:00:00.000Z');
    expect(nextWeek(now, 'Asia/Tokyo').toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });

  it('counts from the local day, which can differ from the UTC day', () => {
    // Sunday 23:30 UTC is already Monday in Tokyo: next week is the Monday after.
    const now = new Date('2026-11-22T23:30:00Z');
    expect(nextWeek(now, 'UTC').toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(nextWeek(now, 'Asia/Tokyo').toISOString()).toBe('2026-11-30T01:00:00.000Z');
  });

  it('uses the offset of the target day across a DST change', () => {
    // Thursday 26 Mar 2026 in Berlin (CET); the Monday after is in CEST (UTC+2).
    const now = new Date('2026-03-26T12:00:00Z');
    expect(nextWeek(now, 'Europe/Berlin').toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('names the zone with its abbreviation at that instant', () => {
    expect(timeZoneLabel('Europe/Berlin', new Date('2026-12-01T00:00:00Z'))).toBe('Europe/Berlin (CET)');
    expect(timeZoneLabel('Europe/Berlin', new Date('2026-07-01T00:00:00Z'))).toBe('Europe/Berlin (CEST)');
    expect(timeZoneLabel('UTC', new Date())).toBe('UTC');
    expect(formatInstant(new Date('2026-11-23T09:00:00Z'), 'Europe/Berlin')).toBe('Mon, 23 Nov 2026, 10:00');
  });
});
