// Where the user is. Kept in the URL's hash (`#/flags/new-checkout`) so reloads and the back
// button work in both hosts; the fragment never reaches a server.
export type Route =
  | { screen: 'workspaces' }
  | { screen: 'flags' }
  | { screen: 'flag'; key: string; env?: string }
  | { screen: 'segments' }
  | { screen: 'segment'; key: string }
  | { screen: 'calendar' }
  | { screen: 'personas' }
  | { screen: 'persona'; key: string }
  | { screen: 'preview' }
  | { screen: 'changes' }
  | { screen: 'change'; id: string }
  // Issue 7, G3: sync conflicts, the audit log, settings.
  | { screen: 'conflicts' }
  | { screen: 'audit' }
  | { screen: 'settings' };

export function routeToHash(route: Route): string {
  switch (route.screen) {
    case 'workspaces':
    case 'flags':
    case 'segments':
    case 'calendar':
    case 'personas':
    case 'preview':
    case 'changes':
    case 'conflicts':
    case 'audit':
    case 'settings':
      return `#/${route.screen}`;
    case 'change':
      return `#/changes/${encodeURIComponent(route.id)}`;
    case 'flag':
      return `#/flags/${encodeURIComponent(route.key)}${route.env ? `/${encodeURIComponent(route.env)}` : ''}`;
    case 'segment':
      return `#/segments/${encodeURIComponent(route.key)}`;
    case 'persona':
      return `#/personas/${encodeURIComponent(route.key)}`;
  }
}

export function hashToRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, key, env] = parts;
  if (first === 'flags' && key) return env ? { screen: 'flag', key, env } : { screen: 'flag', key };
  if (first === 'segments' && key) return { screen: 'segment', key };
  if (first === 'segments') return { screen: 'segments' };
  if (first === 'workspaces') return { screen: 'workspaces' };
  if (first === 'calendar') return { screen: 'calendar' };
  if (first === 'personas' && key) return { screen: 'persona', key };
  if (first === 'personas') return { screen: 'personas' };
  if (first === 'preview') return { screen: 'preview' };
  if (first === 'changes' && key) return { screen: 'change', id: key };
  if (first === 'changes') return { screen: 'changes' };
  if (first === 'conflicts' || first === 'audit' || first === 'settings') return { screen: first };
  return { screen: 'flags' };
}
