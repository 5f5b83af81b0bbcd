// "Where used": the `segmentUsage` command (UI.md) and how each use links into the editors.
import type { Backend } from '../../backend';
import type { SegmentUse } from '../../bindings/SegmentUse';
import type { Route } from '../../state/route';

export type { SegmentUse };

/** Asks the app where the segment `key` is used (flags' rules and other segments). */
export function fetchSegmentUsage(backend: Backend, workspaceId: number, key: string): Promise<SegmentUse[]> {
  return backend.call('segmentUsage', { workspaceId, key });
}

/** The editor a use opens: the flag on the environment concerned, or the other segment. */
export function usageRoute(use: SegmentUse): Route {
  if (use.kind === 'segment') return { screen: 'segment', key: use.key };
  return use.environment ? { screen: 'flag', key: use.key, env: use.environment } : { screen: 'flag', key: use.key };
}

/** Where inside the flag, in words: "Production, rule “Beta testers”" (the id when unnamed). */
export function usagePlace(use: SegmentUse, environmentName: (key: string) => string): string {
  const parts: string[] = [];
  if (use.environment) parts.push(environmentName(use.environment));
  if (use.ruleName) parts.push(`rule “${use.ruleName}”`);
  else if (use.rule) parts.push(`rule ${use.rule}`);
  if (parts.length === 0) return use.kind === 'segment' ? 'in its condition' : '';
  return parts.join(', ');
}
