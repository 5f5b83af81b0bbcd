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
