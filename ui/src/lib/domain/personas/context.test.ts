import { describe, expect, it } from 'vitest';
import type { AttributeInfo } from '../../bindings/AttributeInfo';
import { controlFor, inputText, localToUnix, parseInput, personaAttributes, unixToLocal, withAttribute } from './context';

const attr = (key: string, type: AttributeInfo['type'], values: string[] | null = null): AttributeInfo => ({ key, type, description: null, values, operators: [] });
const plan = attr('plan', 'string', ['free', 'pro']);

describe('persona controls', () => {
  it('gives each attribute type its control', () => {
    expect(controlFor(plan)).toBe('select');
    expect(controlFor(attr('email', 'string'))).toBe('text');
    expect(controlFor(attr('beta', 'boolean'))).toBe('switch');
    expect(controlFor(attr('age', 'number'))).toBe('number');
    expect(controlFor(attr('appVersion', 'semver'))).toBe('semver');
    expect(controlFor(attr('signupAt', 'datetime'))).toBe('datetime');
  });

  it('puts targetingKey first, adding it when the schema lacks it', () => {
    expect(personaAttributes([plan]).map((a) => a.key)).toEqual(['targetingKey', 'plan']);
    expect(personaAttributes([plan, attr('targetingKey', 'string')]).map((a) => a.key)).toEqual(['targetingKey', 'plan']);
  });

  it('types values and explains bad ones', () => {
    expect(parseInput(plan, 'pro')).toEqual({ value: 'pro' });
    expect(parseInput(plan, 'gold')).toEqual({ problem: 'Choose one of free, pro.' });
    expect(parseInput(attr('age', 'number'), ' 42 ')).toEqual({ value: 42 });
    expect(parseInput(attr('age', 'number'), 'forty')).toHaveProperty('problem');
    expect(parseInput(attr('age', 'number'), '')).toHaveProperty('problem');
    expect(parseInput(attr('beta', 'boolean'), true)).toEqual({ value: true });
    expect(parseInput(attr('v', 'semver'), '2.1.0')).toEqual({ value: '2.1.0' });
    expect(parseInput(attr('v', 'semver'), '2.1.0-beta.1+build.5')).toEqual({ value: '2.1.0-beta.1+build.5' });
    expect(parseInput(attr('v', 'semver'), '2.1')).toEqual({ problem: 'Enter a version like 2.1.0 (major.minor.patch).' });
    expect(parseInput(attr('v', 'semver'), '01.2.3')).toHaveProperty('problem');
  });

  it('stores datetimes as Unix seconds read in the time zone, and shows them back', () => {
    const at = attr('signupAt', 'datetime');
    expect(parseInput(at, '2026-06-01T00:00', 'UTC')).toEqual({ value: 1780272000 });
    expect(parseInput(at, '2026-06-01T02:00', 'Europe/Berlin')).toEqual({ value: 1780272000 });
    expect(inputText(at, 1780272000, 'America/New_York')).toBe('2026-05-31T20:00');
    expect(parseInput(at, 'yesterday')).toEqual({ problem: 'Pick a date and a time.' });
  });

  it('round-trips across a DST change', () => {
    const seconds = localToUnix('2026-03-29T03:30', 'Europe/Berlin');
    expect(seconds).not.toBeNull();
    expect(unixToLocal(seconds ?? 0, 'Europe/Berlin')).toBe('2026-03-29T03:30');
    expect(unixToLocal(seconds ?? 0, 'UTC')).toBe('2026-03-29T01:30');
  });

  it('sets and clears attributes without touching the others', () => {
    const context = { targetingKey: 'anna', plan: 'pro' };
    expect(withAttribute(context, 'age', 30)).toEqual({ targetingKey: 'anna', plan: 'pro', age: 30 });
    expect(withAttribute(context, 'plan', undefined)).toEqual({ targetingKey: 'anna' });
    expect(context).toEqual({ targetingKey: 'anna', plan: 'pro' });
  });
});
