import { describe, expect, it } from 'vitest';
import type { FlagFile } from '../../bindings/FlagFile';
import { freshKey, killedSentence, newEnvironment, newVariation, revivedSentence, variationUses } from './model';
import { errorsByPointer, pointer, pointerParts, pointerWords } from './pointer';

const checkout = (): FlagFile => ({
  key: 'new-checkout', name: 'New checkout', type: 'boolean',
  variations: [{ key: 'on', name: 'On', value: true }, { key: 'off', name: 'Off', value: false }],
  environments: {
    production: {
      enabled: true, offVariation: 'off',
      targets: [{ variation: 'on', keys: ['qa-1'] }],
      rules: [{ id: 'eu', name: 'EU customers', when: { segment: 'eu' }, serve: { rollout: [{ variation: 'on', weight: 20 }, { variation: 'off', weight: 80 }] } }],
      fallthrough: { variation: 'off' },
      schedule: [{ at: '2026-12-08T09:00:00Z', fallthrough: { variation: 'on' } }],
    },
  },
});

describe('variationUses', () => {
  it('lists every place a variation is served, in words', () => {
    expect(variationUses(checkout(), 'on', () => 'Production')).toEqual([
      'Production: individual targets',
      "Production: rule 'EU customers'",
      'Production: the change scheduled for 2026-12-08T09:00:00Z',
    ]);
    expect(variationUses(checkout(), 'off')).toEqual([
      'production: served when switched off', "production: rule 'EU customers'", 'production: everyone else',
    ]);
  });

  it('finds nothing for an unused variation', () => {
    expect(variationUses(checkout(), 'maybe')).toEqual([]);
  });
});

describe('sentences', () => {
  it('says what users get when killed', () => {
    const flag = checkout();
    const env = flag.environments!.production!;
    expect(killedSentence(flag, env, 'Production')).toBe("Everyone in Production will get 'Off'.");
    expect(killedSentence(flag, { ...env, offVariation: null }, 'Production')).toBe(
      "Everyone in Production will get the application's built-in default.",
    );
    expect(revivedSentence(env, 'Production')).toBe('Production will serve by its targets, its rule and the default for everyone else again.');
  });
});

describe('fresh parts', () => {
  it('makes keys, environments and variations', () => {
    expect(freshKey('rule', ['rule-1', 'rule-3'])).toBe('rule-2');
    expect(newEnvironment(checkout())).toEqual({ enabled: true, offVariation: 'off', targets: [], rules: [], fallthrough: { variation: 'on' } });
    expect(newVariation(checkout())).toEqual({ key: 'variation-1', name: 'Variation 3', value: false });
  });
});

describe('pointers', () => {
  it('escapes parts and maps diagnostics by pointer', () => {
    expect(pointer('environments', 'a/b~c', 'rules', 0)).toBe('/environments/a~1b~0c/rules/0');
    const base = { severity: 'error' as const, code: 'unknown-variation' as const, file: 'flags/x.json', line: null, column: null };
    const map = errorsByPointer([
      { ...base, pointer: '/name', message: 'One.' },
      { ...base, pointer: '/name', message: 'Two.' },
    ]);
    expect(map.get('/name')).toBe('One. Two.');
  });
});

describe('pointerWords', () => {
  it('says where a problem is in words', () => {
    const flag = checkout();
    const name = (k: string) => (k === 'production' ? 'Production' : k);
    expect(pointerWords(flag, '/environments/production/rules/0/serve/rollout', name)).toBe("Production › rule 'EU customers' › serve");
    expect(pointerWords(flag, '/environments/production/rules/0/when/any/1', name)).toBe("Production › rule 'EU customers' › condition");
    expect(pointerWords(flag, '/environments/production/fallthrough', name)).toBe('Production › everyone else');
    expect(pointerWords(flag, '/variations/1/value')).toBe("Variation 'Off' › value");
    expect(pointerWords(flag, '/name')).toBe('Name');
    expect(pointerWords(flag, '')).toBe('The whole flag');
    expect(pointerParts('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
  });
});
