import { describe, expect, it } from 'vitest';
import type { ExplainStep } from '../../bindings/ExplainStep';
import { explainTree, matchedWords, reasonWords } from './explain';
import { visibleRows } from './rows';

const step = (message: string, depth: number): ExplainStep => ({ kind: 'rule', message, depth });

describe('explanation tree', () => {
  it('nests steps by depth, in order', () => {
    const tree = explainTree([step('rule EU', 0), step('country in DE, FR', 1), step('segment beta', 1), step('beta is true', 2), step('result', 0)]);
    expect(tree.map((n) => n.step.message)).toEqual(['rule EU', 'result']);
    expect(tree[0]?.children.map((n) => n.step.message)).toEqual(['country in DE, FR', 'segment beta']);
    expect(tree[0]?.children[1]?.children.map((n) => n.step.message)).toEqual(['beta is true']);
  });

  it('hangs a step that skips levels under the deepest shallower one', () => {
    const tree = explainTree([step('a', 0), step('deep', 3), step('b', 1)]);
    expect(tree[0]?.children.map((n) => n.step.message)).toEqual(['deep', 'b']);
  });

  it('says reasons and matches in words', () => {
    expect(reasonWords('SPLIT', null)).toBe('Picked by the rollout');
    expect(reasonWords('ERROR', 'TYPE_MISMATCH')).toBe('Could not be evaluated (type mismatch)');
    expect(reasonWords('SOMETHING_NEW', null)).toBe('something new');
    expect(matchedWords('false')).toBe('did not match');
    expect(matchedWords(undefined)).toBeNull();
  });
});

describe('preview rows', () => {
  const evaluation = { value: true, variant: 'on', reason: 'STATIC', errorCode: null, explain: [] };
  const flags = [
    { key: 'new-checkout', name: 'New checkout', type: 'boolean' as const, environments: [{ environment: 'production', published: evaluation, draft: null, changed: false }, { environment: 'staging', published: evaluation, draft: evaluation, changed: true }] },
    { key: 'banner-color', name: 'Banner colour', type: 'string' as const, environments: [{ environment: 'production', published: evaluation, draft: null, changed: false }] },
  ];
  it('filters by words and by changes among the shown environments', () => {
    expect(visibleRows(flags, 'banner', false, ['production']).map((f) => f.key)).toEqual(['banner-color']);
    expect(visibleRows(flags, '', true, ['production', 'staging']).map((f) => f.key)).toEqual(['new-checkout']);
    expect(visibleRows(flags, '', true, ['production'])).toEqual([]);
  });
});
