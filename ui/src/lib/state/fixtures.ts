// Synthetic list entries for tests, the filter benchmark and the mock backend's big workspace.
import type { EntityListItem } from '../bindings/EntityListItem';
import { ENV_STATES as STATES, type EnvStateName } from './envState';

/** `n` flags with predictable tags (10), owners (7), drafts (every 50th) and states. */
export function manyFlags(n = 10_000): EntityListItem[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'flag' as const,
    key: `flag-${i}`,
    name: `Feature ${i}`,
    description: i % 100 === 0 ? 'Checkout experiment' : null,
    flagType: 'boolean',
    tags: [`team-${i % 10}`],
    owner: `owner-${i % 7}`,
    state: i % 50 === 0 ? ('modified' as const) : ('unchanged' as const),
    environments: [
      { key: 'staging', state: STATES[i % 4] as EnvStateName },
      { key: 'production', state: STATES[(i + 1) % 4] as EnvStateName },
    ],
  }));
}
