import { describe, expect, it } from 'vitest';
import { addKeys, bothListsSentence, holdsSeveralKeys, keysInBoth, parseKeys, removeKey } from './keyList';

describe('parseKeys', () => {
  it('splits pasted text on spaces, commas, semicolons and lines', () => {
    expect(parseKeys(' user-1, user-2;user-3\nuser-4\r\n\tuser-5 ,, ')).toEqual([
      'user-1', 'user-2', 'user-3', 'user-4', 'user-5',
    ]);
    expect(parseKeys('   ')).toEqual([]);
  });

  it('tells one key from many', () => {
    expect(holdsSeveralKeys('user-1')).toBe(false);
    expect(holdsSeveralKeys(' user-1 ')).toBe(false);
    expect(holdsSeveralKeys('user-1\nuser-2')).toBe(true);
  });
});

describe('addKeys', () => {
  it('appends new keys in the order given', () => {
    const result = addKeys(['a'], 'b c');
    expect(result).toEqual({ next: ['a', 'b', 'c'], added: ['b', 'c'], message: null });
  });

  it('refuses a key already listed with a sentence naming it', () => {
    const result = addKeys(['user-1'], 'user-1');
    expect(result.next).toEqual(['user-1']);
    expect(result.added).toEqual([]);
    expect(result.message).toBe('user-1 is already in the list, so it was not added again.');
  });

  it('refuses repeats inside one paste and names each duplicate once', () => {
    const result = addKeys(['a', 'b'], 'a c c b');
    expect(result.next).toEqual(['a', 'b', 'c']);
    expect(result.message).toBe('a, c and b are already in the list, so they were not added again.');
  });

  it('shortens a long list of duplicates', () => {
    const result = addKeys(['a', 'b', 'c', 'd', 'e'], 'a b c d e');
    expect(result.message).toBe('a, b, c and 2 more are already in the list, so they were not added again.');
  });

  it('refuses keys longer than 256 characters', () => {
    const result = addKeys([], `ok ${'x'.repeat(257)}`);
    expect(result.next).toEqual(['ok']);
    expect(result.message).toBe('One key is longer than 256 characters and was not added.');
  });

  it('does not change the list it was given', () => {
    const list = ['a'];
    addKeys(list, 'b');
    expect(list).toEqual(['a']);
  });
});

describe('removeKey and keysInBoth', () => {
  it('removes only the key named', () => {
    expect(removeKey(['a', 'b', 'c'], 'b')).toEqual(['a', 'c']);
    expect(removeKey(['a'], 'z')).toEqual(['a']);
  });

  it('finds keys in both lists in include order and explains that include wins', () => {
    expect(keysInBoth(['u3', 'u1', 'u2'], ['u2', 'u3', 'u9'])).toEqual(['u3', 'u2']);
    expect(bothListsSentence([])).toBeNull();
    expect(bothListsSentence(['u1'])).toBe(
      'u1 is in both lists. Include wins, so u1 is in the segment; remove it from one list to make that clear.',
    );
    expect(bothListsSentence(['u1', 'u2'])).toContain('u1 and u2 are in both lists. Include wins');
  });
});
