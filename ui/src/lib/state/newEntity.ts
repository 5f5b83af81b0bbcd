// Templates for new flags and segments: the smallest valid file of each kind (docs/FORMAT.md),
// and the key rule the user sees while typing.
import type { EnvironmentInfo } from '../bindings/EnvironmentInfo';
import type { FlagEnvironment } from '../bindings/FlagEnvironment';
import type { FlagFile } from '../bindings/FlagFile';
import type { FlagType } from '../bindings/FlagType';
import type { SegmentFile } from '../bindings/SegmentFile';
import type { Variation } from '../bindings/Variation';

export const FLAG_TYPES: { value: FlagType; label: string }[] = [
  { value: 'boolean', label: 'On / off (boolean)' },
  { value: 'string', label: 'Text (string)' },
  { value: 'number', label: 'Number' },
  { value: 'object', label: 'Structured (JSON object)' },
];

const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** Why `key` cannot name a new entity, in words; null when it can. */
export function keyProblem(key: string, existing: readonly { key: string }[]): string | null {
  if (key === '') return 'Enter a key.';
  if (key.length > 128) return 'Keep the key to 128 characters or fewer.';
  if (!/^[a-z0-9]/.test(key)) return 'Start the key with a lowercase letter or a digit.';
  if (!KEY_PATTERN.test(key)) return "Use only lowercase letters, digits, '-', '_' and '.'.";
  if (existing.some((e) => e.key === key)) return 'Another one already has this key.';
  return null;
}

/** A key suggestion from a name: "New checkout!" → "new-checkout". */
export function keyFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 128);
}

function variationsFor(type: FlagType): Variation[] {
  switch (type) {
    case 'boolean':
      return [
        { key: 'on', name: 'On', value: true },
        { key: 'off', name: 'Off', value: false },
      ];
    case 'string':
      return [
        { key: 'control', name: 'Control', value: 'control' },
        { key: 'treatment', name: 'Treatment', value: 'treatment' },
      ];
    case 'number':
      return [
        { key: 'zero', name: '0', value: 0 },
        { key: 'one', name: '1', value: 1 },
      ];
    case 'object':
      return [{ key: 'default', name: 'Default', value: {} }];
  }
}

/** A new flag: enabled in every environment, serving its "off" (or first) variation to everyone. */
export function newFlag(key: string, name: string, type: FlagType, environments: readonly EnvironmentInfo[]): FlagFile {
  const variations = variationsFor(type);
  const served = (variations.find((v) => v.key === 'off') ?? variations[0])?.key ?? null;
  const envs: Record<string, FlagEnvironment> = {};
  for (const env of environments) {
    envs[env.key] = { enabled: true, offVariation: served, fallthrough: { variation: served } };
  }
  return { key, name: name.trim() || key, type, variations, environments: envs };
}

/** A new segment: nobody yet (no condition, empty lists). */
export function newSegment(key: string, name: string): SegmentFile {
  return { key, name: name.trim() || key, include: [], exclude: [] };
}
