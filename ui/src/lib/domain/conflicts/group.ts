// Conflicts by file, and a typed value read back from what the person entered.
import type { ConflictView } from '../../bindings/ConflictView';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { EditKind } from './words';

export type ConflictGroup = { id: string; name: string; href: string | null; conflicts: ConflictView[] };

/** Conflicts of one entity together, in the order the host listed them. */
export function groupConflicts(conflicts: readonly ConflictView[], names: Record<string, string> = {}): ConflictGroup[] {
  const groups = new Map<string, ConflictGroup>();
  for (const conflict of conflicts) {
    const { kind, key } = conflict.entity;
    const id = `${kind}:${key}`;
    const href = kind === 'flag' ? `#/flags/${encodeURIComponent(key)}` : kind === 'segment' ? `#/segments/${encodeURIComponent(key)}` : null;
    const group = groups.get(id) ?? { id, name: names[id] ?? (conflict.entityName || `${kind} ${key}`), href, conflicts: [] };
    group.conflicts.push(conflict);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** Reads what the person typed as a value of `kind`; an error sentence when it is not one. */
export function parseEdited(kind: EditKind, text: string): { value: JsonValue } | { error: string } {
  switch (kind) {
    case 'text':
      return { value: text };
    case 'number': {
      const number = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(number) ? { value: number } : { error: 'Enter a number, like 25 or 0.5.' };
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { error: 'Choose on or off.' };
    case 'data':
      try {
        return { value: JSON.parse(text) as JsonValue };
      } catch {
        return { error: 'This is not a valid value; keep the brackets and quotes as they were.' };
      }
  }
}
