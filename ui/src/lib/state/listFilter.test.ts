import { describe, expect, it } from 'vitest';
import { NO_FILTER, facets, filterItems, indexItems } from './listFilter';
import { manyFlags } from './fixtures';

describe('filterItems', () => {
  const index = indexItems(manyFlags());

  it('finds by any word of key, name, description or tags, case-insensitively', () => {
    expect(filterItems(index, { ...NO_FILTER, text: 'flag-9999' }).map((f) => f.key)).toEqual(['flag-9999']);
    expect(filterItems(index, { ...NO_FILTER, text: 'CHECKOUT' })).toHaveLength(100);
    expect(filterItems(index, { ...NO_FILTER, text: 'checkout team-0' })).toHaveLength(100);
    expect(filterItems(index, { ...NO_FILTER, text: 'checkout team-1' })).toHaveLength(0);
  });

  it('filters by tag, owner, unpublished changes and environment state', () => {
    expect(filterItems(index, { ...NO_FILTER, tag: 'team-3' })).toHaveLength(1000);
    expect(filterItems(index, { ...NO_FILTER, owner: 'owner-0' })).toHaveLength(1429);
    expect(filterItems(index, { ...NO_FILTER, unpublished: true })).toHaveLength(200);
    expect(filterItems(index, { ...NO_FILTER, env: 'production', envState: 'killed' })).toHaveLength(2500);
    const killedAnywhere = filterItems(index, { ...NO_FILTER, envState: 'killed' });
    expect(killedAnywhere).toHaveLength(5000);
  });

  it('combines filters', () => {
    const result = filterItems(index, { ...NO_FILTER, tag: 'team-0', unpublished: true, text: 'feature' });
    expect(result.every((f) => f.tags.includes('team-0') && f.state !== 'unchanged')).toBe(true);
    expect(result).toHaveLength(200);
  });

  it('returns everything without a filter', () => {
    expect(filterItems(index, NO_FILTER)).toHaveLength(10_000);
  });
});

describe('facets', () => {
  it('lists distinct tags and owners, sorted', () => {
    const { tags, owners } = facets(manyFlags(20));
    expect(tags).toEqual(['team-0', 'team-1', 'team-2', 'team-3', 'team-4', 'team-5', 'team-6', 'team-7', 'team-8', 'team-9']);
    expect(owners).toHaveLength(7);
  });
});
