import { describe, expect, it } from 'vitest';
import { valueWords } from './values';

describe('valueWords', () => {
  it('says simple values in words', () => {
    expect(valueWords(null)).toEqual({ kind: 'words', text: 'not set', muted: true });
    expect(valueWords(true)).toEqual({ kind: 'words', text: 'on' });
    expect(valueWords(false)).toEqual({ kind: 'words', text: 'off' });
    expect(valueWords(12500)).toEqual({ kind: 'words', text: '12,500' });
    expect(valueWords('')).toEqual({ kind: 'words', text: 'empty', muted: true });
    expect(valueWords(['beta', 'staff'])).toEqual({ kind: 'words', text: 'beta, staff' });
    expect(valueWords([])).toEqual({ kind: 'words', text: 'none', muted: true });
  });

  it('reads a serve as a variation, a rollout or a ramp', () => {
    expect(valueWords({ variation: 'on' })).toEqual({ kind: 'words', text: 'on' });
    expect(valueWords({ rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }] }).kind).toBe('words');
    expect((valueWords({ rollout: [{ variation: 'on', weight: 25 }, { variation: 'off', weight: 75 }], bucketBy: 'company' }) as { text: string }).text)
      .toBe('25% on · 75% off (by company)');
    expect((valueWords({ ramp: { variation: 'on', from: 'a', to: 'b', fromWeight: 0, toWeight: 100 } }) as { text: string }).text)
      .toBe('on ramping from 0% to 100%');
  });

  it("reads an environment's enabled as the kill switch", () => {
    expect(valueWords(false, '/environments/production/enabled')).toEqual({ kind: 'words', text: 'killed: serves the off variation' });
    expect(valueWords(true, '/environments/production/enabled')).toEqual({ kind: 'words', text: 'serving (not killed)' });
    expect(valueWords(true, '/beta')).toEqual({ kind: 'words', text: 'on' });
  });

  it('leaves other objects to a table', () => {
    expect(valueWords({ color: '#fff', size: 2 }).kind).toBe('table');
    expect(valueWords([{ a: 1 }]).kind).toBe('table');
    expect(valueWords({ rollout: [{ weight: 3 }] }).kind).toBe('table');
  });
});
