import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../bindings/Diagnostic';
import { byPointer, listProblem, ownDiagnostics } from './diagnostics';

function d(pointer: string, message: string, severity: Diagnostic['severity'] = 'error', code: Diagnostic['code'] = 'invalid-structure', file = 'segments/s.json'): Diagnostic {
  return { severity, code, file, pointer, line: null, column: null, message };
}

describe('segment diagnostics', () => {
  it('keeps only the segment file and one sentence per pointer, errors first', () => {
    const all = [d('/name', 'w', 'warning'), d('/name', 'e'), d('/when', 'x', 'error', 'unknown-segment', 'flags/f.json')];
    const own = ownDiagnostics(all, 's');
    expect(own).toHaveLength(2);
    expect([...byPointer(own)]).toEqual([['/name', 'e']]);
  });

  it('shows list problems under their list, without the both-lists warning the form explains', () => {
    const both = d('/exclude', "'u1' is both included and excluded", 'warning', 'duplicate-key');
    expect(listProblem([both], 'exclude', true)).toBeUndefined();
    expect(listProblem([both], 'exclude', false)?.message).toContain('both included');
    expect(listProblem([both, d('/exclude/2', 'bad')], 'exclude', false)?.message).toBe('bad');
    expect(listProblem([both], 'include', false)).toBeUndefined();
  });
});
