// A conflict's field and values in words a release owner reads: "Production › Default rule",
// "serves blue to 20 %, green to 80 %" — never a JSON pointer or a brace.
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

type Json = JsonValue | null | undefined;

const FIELDS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  owner: 'Owner',
  tags: 'Tags',
  type: 'Type',
  variations: 'Variations',
  value: 'Value',
  enabled: 'On or off',
  offVariation: 'Served when off',
  targets: 'Individual targets',
  rules: 'Rules',
  fallthrough: 'Default rule',
  schedule: 'Schedule',
  serve: 'What it serves',
  when: 'Conditions',
  include: 'Always included',
  exclude: 'Always excluded',
  keys: 'Keys',
  variation: 'Variation',
  rollout: 'Rollout',
  environments: 'Environments',
  attributes: 'Attributes',
};

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function titleCase(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1).replace(/[-_]/g, ' ');
}

/**
 * "/environments/production/fallthrough" → "Production › Default rule"; `envNames` maps an
 * environment's key to its name. An empty path is the whole file.
 */
export function fieldLabel(path: string, envNames: Record<string, string> = {}): string {
  const parts = path.split('/').slice(1).map(unescape);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) return 'The whole file';
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const before = parts[i - 1];
    if (before === 'environments') words.push(envNames[part] ?? titleCase(part));
    else if (/^\d+$/.test(part)) {
      const owner = before === 'rules' ? 'Rule' : before === 'variations' ? 'Variation' : before === 'schedule' ? 'Step' : before === 'targets' ? 'Target' : 'Item';
      words[words.length - 1] = `${owner} ${Number(part) + 1}`;
    } else if (before === 'rules') words[words.length - 1] = `Rule “${part}”`;
    else if (part === 'environments') continue;
    else words.push(FIELDS[part] ?? titleCase(part));
  }
  return words.join(' › ');
}

function isObject(value: Json): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value in words: text as is, on/off, lists joined, a serve as what it serves. */
export function valueWords(value: Json): string {
  if (value === undefined || value === null) return 'Not set (removed or never added)';
  if (typeof value === 'boolean') return value ? 'On (true)' : 'Off (false)';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (typeof value === 'string') return value === '' ? 'Empty text' : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None';
    return value.map((item) => (isObject(item) || Array.isArray(item) ? valueWords(item) : String(item))).join(isObject(value[0]) ? '; ' : ', ');
  }
  if (typeof value.variation === 'string') return `Serves ${value.variation}`;
  if (Array.isArray(value.rollout)) {
    const shares = value.rollout.filter(isObject).map((w) => `${String(w.variation)} to ${Number(w.weight)} %`);
    return `Serves ${shares.join(', ')}`;
  }
  if (typeof value.name === 'string' && typeof value.value !== 'undefined') return `${value.name}: ${valueWords(value.value)}`;
  return Object.entries(value)
    .map(([key, item]) => `${FIELDS[key] ?? titleCase(key)}: ${valueWords(item)}`)
    .join('; ');
}

/** How a person can edit a value: as text, a number, on/off, or (anything larger) as data. */
export type EditKind = 'text' | 'number' | 'boolean' | 'data';

export function editKind(mine: Json, theirs: Json): EditKind {
  const sample = mine ?? theirs;
  if (typeof sample === 'string') return 'text';
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  return 'data';
}
