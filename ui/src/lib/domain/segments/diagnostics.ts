// Diagnostics as the segment form shows them: one sentence per JSON pointer, errors before
// warnings, and only those about the segment's own file.
import type { Diagnostic } from '../../bindings/Diagnostic';

export function ownDiagnostics(diagnostics: readonly Diagnostic[], key: string): Diagnostic[] {
  const file = `segments/${key}.json`;
  return diagnostics.filter((d) => d.file === file);
}

/** The first sentence per pointer ("" = the whole file), errors winning over warnings. */
export function byPointer(diagnostics: readonly Diagnostic[]): Map<string, string> {
  const map = new Map<string, string>();
  const ordered = [...diagnostics].sort((a, b) => rank(a) - rank(b));
  for (const d of ordered) if (!map.has(d.pointer)) map.set(d.pointer, d.message);
  return map;
}

function rank(d: Diagnostic): number {
  return d.severity === 'error' ? 0 : 1;
}
