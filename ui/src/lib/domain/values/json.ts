// Parses what someone typed into the JSON editor and, when it is wrong, says where in words:
// "Line 3, column 5: …". The engine's message carries a character position; we turn it into a
// line and column so the editor can point at it.
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export type ParseResult =
  | { ok: true; value: JsonValue }
  | { ok: false; message: string; line: number; column: number };

/** Line and column (1-based) of a character offset in `text`. */
export function locate(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function offsetOf(message: string, text: string): number {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) {
    const lines = text.split('\n').slice(0, Number(lineColumn[1]) - 1);
    return lines.reduce((n, l) => n + l.length + 1, 0) + Number(lineColumn[2]) - 1;
  }
  return text.length;
}

function plainReason(message: string): string {
  return message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/^JSON\.parse: /, '');
}

export function parseJson(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, message: 'Line 1, column 1: the value is empty.', line: 1, column: 1 };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const { line, column } = locate(text, offsetOf(raw, text));
    return { ok: false, message: `Line ${line}, column ${column}: ${plainReason(raw)}`, line, column };
  }
}

/** A JSON object for an object flag, or a sentence saying why not. */
export function parseObject(text: string): ParseResult {
  const result = parseJson(text);
  if (!result.ok) return result;
  const v = result.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { ok: false, message: 'Line 1, column 1: an object flag needs a value in { curly braces }.', line: 1, column: 1 };
  }
  return result;
}
