import { describe, expect, it } from 'vitest';
import { editKind, fieldLabel, valueWords } from './words';
import { groupConflicts, parseEdited } from './group';
import type { ConflictView } from '../../bindings/ConflictView';

describe('conflict words', () => {
  it('names a field the way the editor does, never as a pointer', () => {
    const envs = { production: 'Production' };
    expect(fieldLabel('/environments/production/fallthrough', envs)).toBe('Production › Default rule');
    expect(fieldLabel('/environments/staging/rules/0/serve', envs)).toBe('Staging › Rule 1 › What it serves');
    expect(fieldLabel('/environments/production/rules/eu-test/when', envs)).toBe('Production › Rule “eu-test” › Conditions');
    expect(fieldLabel('/description')).toBe('Description');
    expect(fieldLabel('/variations/2/value')).toBe('Variation 3 › Value');
    expect(fieldLabel('')).toBe('The whole file');
  });

  it('says values in words', () => {
    expect(valueWords('Blue')).toBe('Blue');
    expect(valueWords(true)).toBe('On (true)');
    expect(valueWords(null)).toBe('Not set (removed or never added)');
    expect(valueWords(['design', 'q4'])).toBe('design, q4');
    expect(valueWords({ variation: 'blue' })).toBe('Serves blue');
    expect(valueWords({ rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] })).toBe('Serves on to 25 %, off to 75 %');
    expect(valueWords({ enabled: true, offVariation: 'off' })).toBe('On or off: On (true); Served when off: off');
    expect(valueWords({ a: 1 })).not.toContain('{');
  });

  it('edits a value as text, a number, on/off, or data', () => {
    expect(editKind('a', 'b')).toBe('text');
    expect(editKind(null, 3)).toBe('number');
    expect(editKind(false, true)).toBe('boolean');
    expect(editKind({ variation: 'a' }, null)).toBe('data');
    expect(parseEdited('number', '25')).toEqual({ value: 25 });
    expect(parseEdited('number', 'lots')).toHaveProperty('error');
    expect(parseEdited('boolean', 'false')).toEqual({ value: false });
    expect(parseEdited('data', '{"variation": "a"}')).toEqual({ value: { variation: 'a' } });
    expect(parseEdited('data', '{variation')).toHaveProperty('error');
    expect(parseEdited('text', '')).toEqual({ value: '' });
  });

  it('groups conflicts by file, named as the lists name them', () => {
    const conflict = (id: number, key: string): ConflictView => ({ id, entity: { kind: 'flag', key }, path: '/name', base: null, local: 'a', remote: 'b', entityName: `flag ${key}`, resolved: false, resolution: null });
    const groups = groupConflicts([conflict(1, 'a'), conflict(2, 'b'), conflict(3, 'a')], { 'flag:a': 'Alpha' });
    expect(groups.map((g) => [g.name, g.href, g.conflicts.map((c) => c.id)])).toEqual([
      ['Alpha', '#/flags/a', [1, 3]],
      ['flag b', '#/flags/b', [2]],
    ]);
  });
});
