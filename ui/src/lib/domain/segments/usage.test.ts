import { describe, expect, it } from 'vitest';
import { routeToHash } from '../../state/route';
import { usagePlace, usageRoute } from './usage';

describe('where used', () => {
  const names = (key: string) => ({ production: 'Production' })[key] ?? key;

  it('links a flag use to the flag editor on its environment', () => {
    const use = { kind: 'flag' as const, key: 'new-checkout', name: 'New checkout', environment: 'production', rule: 'beta' };
    expect(routeToHash(usageRoute(use))).toBe('#/flags/new-checkout/production');
    expect(usagePlace(use, names)).toBe('Production, rule beta');
    expect(usagePlace({ ...use, ruleName: 'Beta testers' }, names)).toBe('Production, rule “Beta testers”');
  });

  it('links a segment use to the other segment', () => {
    const use = { kind: 'segment' as const, key: 'early-adopters', name: 'Early adopters' };
    expect(routeToHash(usageRoute(use))).toBe('#/segments/early-adopters');
    expect(usagePlace(use, names)).toBe('in its condition');
  });
});
