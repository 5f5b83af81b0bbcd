// "Where used": the `segmentUsage` command (UI.md) and how each use links into the editors.
import type { Backend } from '../../backend';
import type { Route } from '../../state/route';

/** One place a segment is used (UI.md: `SegmentUse`). */
export type SegmentUse = {
  kind: 'flag' | 'segment';
  key: string;
  name: string;
  environment?: string | null;
  rule?: string | null;
};

type UsageCall = (
  command: 'segmentUsage',
  args: { workspaceId: number; key: string },
) => Promise<SegmentUse[]>;

/**
 * Asks the app where the segment `key` is used. The command is named in UI.md; until the
 * generated bindings list it, the call is typed here rather than through `Commands`.
 */
export function fetchSegmentUsage(backend: Backend, workspaceId: number, key: string): Promise<SegmentUse[]> {
  const call = backend.call.bind(backend) as unknown as UsageCall;
  return call('segmentUsage', { workspaceId, key });
}

/** The editor a use opens: the flag on the environment concerned, or the other segment. */
export function usageRoute(use: SegmentUse): Route {
  if (use.kind === 'segment') return { screen: 'segment', key: use.key };
  return use.environment ? { screen: 'flag', key: use.key, env: use.environment } : { screen: 'flag', key: use.key };
}

/** Where inside the flag, in words: "Production, rule beta". */
export function usagePlace(use: SegmentUse, environmentName: (key: string) => string): string {
  const parts: string[] = [];
  if (use.environment) parts.push(environmentName(use.environment));
  if (use.rule) parts.push(`rule ${use.rule}`);
  if (parts.length === 0) return use.kind === 'segment' ? 'in its condition' : '';
  return parts.join(', ');
}
