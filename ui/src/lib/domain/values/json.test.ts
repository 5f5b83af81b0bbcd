import { describe, expect, it } from 'vitest';
import { locate, parseJson, parseObject } from './json';

describe('parseJson', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('locates a syntax error by line and column', () => {
    const result = parseJson('{\n  "a": 1,\n  "b": 2 x\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(3);
    expect(result.column).toBe(10);
    expect(result.message).toMatch(/^Line 3, column 10: /);
    expect(result.message).not.toMatch(/position/);
  });

  it('says when the text is empty', () => {
    expect(parseJson('  ')).toMatchObject({ ok: false, line: 1 });
  });

  it('wants an object for object flags', () => {
    expect(parseObject('[1]')).toMatchObject({ ok: false });
    expect(parseObject('{"x": true}')).toEqual({ ok: true, value: { x: true } });
  });

  it('turns offsets into lines and columns', () => {
    expect(locate('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(locate('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});
