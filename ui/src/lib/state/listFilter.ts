// Client-side search and filters over the flags (and segments) list. The lowercase haystack of
// every entry is built once per list change, so a keystroke is one linear scan of short strings.
import type { EntityListItem as ListItem } from '../bindings/EntityListItem';
import type { EnvStateName } from './envState';

export type ListFilter = {
  /** Words that must all appear in the key, name, description or tags. */
  text: string;
  tag: string | null;
  owner: string | null;
  /** The environment `envState` looks at; null means "any environment" (alone it filters nothing). */
  env: string | null;
  envState: EnvStateName | null;
  /** Only entries with unpublished changes (drafts). */
  unpublished: boolean;
};

export type IndexedItem = { item: ListItem; haystack: string };

export const NO_FILTER: ListFilter = { text: '', tag: null, owner: null, env: null, envState: null, unpublished: false };

export function indexItems(items: readonly ListItem[]): IndexedItem[] {
  return items.map((item) => ({
    item,
    haystack: [item.key, item.name ?? '', item.description ?? '', ...item.tags].join('\n').toLowerCase(),
  }));
}

export function hasUnpublished(item: ListItem): boolean {
  return item.state !== 'unchanged';
}

export function filterItems(index: readonly IndexedItem[], filter: ListFilter): ListItem[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const out: ListItem[] = [];
  for (const { item, haystack } of index) {
    if (filter.unpublished && !hasUnpublished(item)) continue;
    if (filter.tag !== null && !item.tags.includes(filter.tag)) continue;
    if (filter.owner !== null && item.owner !== filter.owner) continue;
    if (filter.envState !== null && !matchesEnvState(item, filter.env, filter.envState)) continue;
    if (!words.every((word) => haystack.includes(word))) continue;
    out.push(item);
  }
  return out;
}

function matchesEnvState(item: ListItem, env: string | null, state: EnvStateName): boolean {
  return item.environments.some((e) => e.state === state && (env === null || e.key === env));
}

/** The distinct tags and owners of a list, sorted, for the filter pickers. */
export function facets(items: readonly ListItem[]): { tags: string[]; owners: string[] } {
  const tags = new Set<string>();
  const owners = new Set<string>();
  for (const item of items) {
    for (const tag of item.tags) tags.add(tag);
    if (item.owner) owners.add(item.owner);
  }
  const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { tags: sort(tags), owners: sort(owners) };
}

export function isFiltered(filter: ListFilter): boolean {
  return (
    filter.text.trim() !== '' || filter.tag !== null || filter.owner !== null || filter.envState !== null || filter.unpublished
  );
}
