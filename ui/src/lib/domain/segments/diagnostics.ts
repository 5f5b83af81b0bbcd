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

/**
 * The problem to show under the include or exclude list: errors first. The core's warning about
 * a key in both lists is left out when the form already explains it in its own sentence.
 */
export function listProblem(
  diagnostics: readonly Diagnostic[],
  list: 'include' | 'exclude',
  bothExplained: boolean,
): Diagnostic | undefined {
  const mine = diagnostics.filter(
    (d) =>
      (d.pointer === `/${list}` || d.pointer.startsWith(`/${list}/`)) &&
      !(bothExplained && d.severity === 'warning' && d.code === 'duplicate-key'),
  );
  return mine.find((d) => d.severity === 'error') ?? mine[0];
}
