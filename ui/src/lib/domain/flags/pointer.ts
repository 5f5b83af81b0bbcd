// JSON pointers (RFC 6901) as diagnostics carry them, and the map from pointer to message that
// fields look themselves up in.
import type { Diagnostic } from '../../bindings/Diagnostic';

/** `/environments/production/rules/1` from its parts, escaping `~` and `/`. */
export function pointer(...parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Messages by pointer (several on one pointer are joined), for `field-error`s. */
export function errorsByPointer(diagnostics: readonly Diagnostic[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of diagnostics) {
    const previous = map.get(d.pointer);
    map.set(d.pointer, previous ? `${previous} ${d.message}` : d.message);
  }
  return map;
}

/** The parts of a pointer, unescaped. */
export function pointerParts(at: string): string[] {
  if (at === '') return [];
  return at.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Named = { name?: string | null; key?: string; id?: string };
type FlagShape = {
  variations?: Named[];
  environments?: Record<string, { rules?: Named[] } | undefined>;
};

/** Where a pointer is, in words: "Production › rule 'EU customers' › serve". */
export function pointerWords(flag: FlagShape, at: string, envName: (key: string) => string = (k) => k): string {
  const parts = pointerParts(at);
  if (parts.length === 0) return 'The whole flag';
  const [head, second, third, fourth, fifth] = parts;
  const words: string[] = [];
  if (head === 'variations') {
    const v = flag.variations?.[Number(second)];
    words.push(`Variation '${v?.name || v?.key || Number(second) + 1}'`);
    if (third) words.push(third);
  } else if (head === 'environments' && second !== undefined) {
    words.push(envName(second));
    if (third === 'rules' && fourth !== undefined) {
      const rule = flag.environments?.[second]?.rules?.[Number(fourth)];
      words.push(`rule '${rule?.name || rule?.id || Number(fourth) + 1}'`);
      if (fifth === 'when') words.push('condition');
      else if (fifth) words.push(fifth);
    } else if (third === 'fallthrough') words.push('everyone else');
    else if (third === 'targets') words.push('individual targets');
    else if (third === 'offVariation') words.push('served when switched off');
    else if (third === 'schedule') words.push('schedule');
    else if (third) words.push(third);
  } else {
    words.push(head === 'owner' ? 'Owner' : head === 'tags' ? 'Tags' : head === 'description' ? 'Description' : head === 'name' ? 'Name' : (head ?? ''));
  }
  return words.join(' › ');
}
