// An evaluation in words: the reason, and the explanation steps as a tree (the core sends them
// flat, in order, with a depth; children follow their parent one level deeper).
import type { ExplainStep } from '../../bindings/ExplainStep';
import type { Truth } from '../../bindings/Truth';

export type ExplainNode = { step: ExplainStep; children: ExplainNode[] };

export function explainTree(steps: readonly ExplainStep[]): ExplainNode[] {
  const roots: ExplainNode[] = [];
  const path: ExplainNode[] = [];
  for (const step of steps) {
    const node: ExplainNode = { step, children: [] };
    // A depth that skips levels hangs under the deepest open node shallower than it.
    while (path.length > 0 && (path[path.length - 1]?.step.depth ?? 0) >= step.depth) path.pop();
    const parent = path[path.length - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
    path.push(node);
  }
  return roots;
}

const REASONS: Record<string, string> = {
  STATIC: 'Served as configured',
  TARGETING_MATCH: 'A target or rule matched',
  SPLIT: 'Picked by the rollout',
  DEFAULT: 'Nobody matched: the default',
  DISABLED: 'The flag is off here',
  CACHED: 'From the cache',
  ERROR: 'Could not be evaluated',
};

/** The OpenFeature reason in words, with the error code when there is one. */
export function reasonWords(reason: string, errorCode: string | null): string {
  const words = REASONS[reason] ?? reason.toLowerCase().replace(/_/g, ' ');
  return errorCode ? `${words} (${errorCode.toLowerCase().replace(/_/g, ' ')})` : words;
}

export function matchedWords(truth: Truth | undefined): string | null {
  if (truth === undefined) return null;
  return truth === 'true' ? 'matched' : truth === 'false' ? 'did not match' : 'unknown (attribute missing or of another type)';
}
