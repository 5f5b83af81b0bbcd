import { describe, expect, it } from 'vitest';
import type { FlagType } from '../bindings/FlagType';
import { keyFromName, keyProblem, newFlag, newSegment } from './newEntity';

const envs = [
  { key: 'development', name: 'Development', description: null },
  { key: 'production', name: 'Production', description: null },
];
const KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;

describe('keyProblem', () => {
  it('accepts the format key pattern and refuses the rest in words', () => {
    expect(keyProblem('new-checkout_v2.1', [])).toBeNull();
    expect(keyProblem('', [])).toMatch(/Enter/);
    expect(keyProblem('New', [])).toMatch(/Start/);
    expect(keyProblem('a/b', [])).toMatch(/only lowercase/);
    expect(keyProblem('-a', [])).toMatch(/Start/);
    expect(keyProblem('a'.repeat(129), [])).toMatch(/128/);
    expect(keyProblem('taken', [{ key: 'taken' }])).toMatch(/already/);
  });

  it('suggests keys from names', () => {
    expect(keyFromName('New Checkout — Café!')).toBe('new-checkout-cafe');
    expect(KEY.test(keyFromName('  Über Flag 2 '))).toBe(true);
  });
});

describe('newFlag', () => {
  const types: FlagType[] = ['boolean', 'string', 'number', 'object'];
  const typeOf = { boolean: 'boolean', string: 'string', number: 'number', object: 'object' } as const;

  for (const type of types) {
    it(`makes a valid ${type} flag in every environment`, () => {
      const flag = newFlag('my-flag', 'My flag', type, envs);
      expect(flag.key).toMatch(KEY);
      expect(flag.type).toBe(type);
      expect(flag.variations.length).toBeGreaterThan(0);
      const keys = flag.variations.map((v) => v.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const v of flag.variations) {
        const actual = v.value === null ? 'null' : typeof v.value;
        expect(actual).toBe(typeOf[type]);
        if (type === 'object') expect(Array.isArray(v.value)).toBe(false);
      }
      expect(Object.keys(flag.environments ?? {})).toEqual(['development', 'production']);
      for (const env of Object.values(flag.environments ?? {})) {
        expect(env.enabled).toBe(true);
        expect(keys).toContain(env.fallthrough.variation);
        expect(keys).toContain(env.offVariation);
        expect(Object.keys(env.fallthrough)).toEqual(['variation']);
      }
    });
  }

  it('serves "off" for a boolean flag', () => {
    const env = newFlag('b', '', 'boolean', envs).environments?.production;
    expect(env?.fallthrough.variation).toBe('off');
    expect(newFlag('b', '', 'boolean', envs).name).toBe('b');
  });
});

describe('newSegment', () => {
  it('makes an empty segment', () => {
    expect(newSegment('beta', 'Beta')).toEqual({ key: 'beta', name: 'Beta', include: [], exclude: [] });
  });
});
