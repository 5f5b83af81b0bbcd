import { describe, expect, it } from 'vitest';
import { type Route, hashToRoute, routeToHash } from './route';

describe('routes', () => {
  it('round-trips every screen through the hash', () => {
    const routes: Route[] = [
      { screen: 'flags' },
      { screen: 'segments' },
      { screen: 'workspaces' },
      { screen: 'flag', key: 'new-checkout' },
      { screen: 'flag', key: 'a.b_c', env: 'production' },
      { screen: 'segment', key: 'beta-testers' },
      { screen: 'calendar' },
      { screen: 'changes' },
      { screen: 'change', id: 'cr-1a2b' },
    ];
    for (const route of routes) expect(hashToRoute(routeToHash(route))).toEqual(route);
  });

  it('falls back to the flags list', () => {
    expect(hashToRoute('')).toEqual({ screen: 'flags' });
    expect(hashToRoute('#/nonsense')).toEqual({ screen: 'flags' });
  });
});
