import { describe, expect, it } from 'vitest';
import { classifyValue, isHexColor, isImageUrl } from './classify';

describe('classifyValue', () => {
  it('sees hex colours in the three lengths', () => {
    expect(classifyValue('#fff')).toEqual({ kind: 'color', hex: '#fff' });
    expect(classifyValue('#ff6b35')).toEqual({ kind: 'color', hex: '#ff6b35' });
    expect(classifyValue('#FF6B3580')).toEqual({ kind: 'color', hex: '#FF6B3580' });
  });

  it('does not take near-misses for colours', () => {
    for (const text of ['#ff', '#ff6b3', '#ggg', 'ff6b35', '#ff6b35801', 'red']) {
      expect(isHexColor(text), text).toBe(false);
    }
  });

  it('sees image URLs by extension and data:image URLs', () => {
    expect(classifyValue('https://cdn.acme.example/hero/summer-2026.jpg')).toEqual({
      kind: 'image', url: 'https://cdn.acme.example/hero/summer-2026.jpg',
    });
    expect(isImageUrl('http://x.example/a.PNG?v=2')).toBe(true);
    expect(isImageUrl('https://x.example/a.webp')).toBe(true);
    expect(isImageUrl('https://x.example/logo.svg')).toBe(true);
    expect(isImageUrl('data:image/png;base64,iVBORw0KGgo=')).toBe(true);
  });

  it('keeps other URLs and schemes as text', () => {
    for (const text of ['https://x.example/page.html', 'ftp://x.example/a.png', 'javascript:alert(1)//.png', 'a.png', 'data:text/html,<b>']) {
      expect(isImageUrl(text), text).toBe(false);
    }
    expect(classifyValue('hello')).toEqual({ kind: 'text', text: 'hello' });
  });

  it('classifies numbers, booleans, null, objects and arrays', () => {
    expect(classifyValue(15.2)).toEqual({ kind: 'number', text: '15.2' });
    expect(classifyValue(false)).toEqual({ kind: 'boolean', text: 'false' });
    expect(classifyValue(null)).toEqual({ kind: 'null' });
    expect(classifyValue({ a: 1, b: '#fff' })).toEqual({ kind: 'object', entries: [['a', 1], ['b', '#fff']] });
    expect(classifyValue([1, 2])).toEqual({ kind: 'array', items: [1, 2] });
  });
});
