// The include and exclude lists of a segment: context keys (`targetingKey` values) typed one at
// a time or pasted many at once. Pure functions so the chips component and the controller share
// one set of rules, and tests need no DOM.

export type ListName = 'include' | 'exclude';

/** What adding keys did: the new list and, when something was refused, a sentence saying why. */
export type AddResult = { next: string[]; added: string[]; message: string | null };

/** Keys are separated by white space, commas or semicolons (what spreadsheets and CSVs paste). */
const SEPARATORS = /[\s,;]+/;
const MAX_KEY_LENGTH = 256;

/** Splits typed or pasted text into keys, dropping empty pieces. */
export function parseKeys(text: string): string[] {
  return text.split(SEPARATORS).filter((piece) => piece.length > 0);
}

/** True when `text` holds more than one key, so a paste should become several chips. */
export function holdsSeveralKeys(text: string): boolean {
  return parseKeys(text).length > 1;
}

/**
 * Adds the keys in `text` to `list`, refusing ones already there (or repeated in the text) and
 * ones too long to be a key. Order is kept: existing keys first, new ones in the order given.
 */
export function addKeys(list: readonly string[], text: string): AddResult {
  const present = new Set(list);
  const added: string[] = [];
  const duplicates: string[] = [];
  const tooLong: string[] = [];
  for (const key of parseKeys(text)) {
    if (key.length > MAX_KEY_LENGTH) tooLong.push(key);
    else if (present.has(key)) duplicates.push(key);
    else {
      present.add(key);
      added.push(key);
    }
  }
  const sentences: string[] = [];
  if (duplicates.length > 0) sentences.push(duplicateSentence(unique(duplicates)));
  if (tooLong.length > 0) {
    sentences.push(
      `${tooLong.length === 1 ? 'One key is' : `${tooLong.length} keys are`} longer than ${MAX_KEY_LENGTH} characters and ${tooLong.length === 1 ? 'was' : 'were'} not added.`,
    );
  }
  return { next: [...list, ...added], added, message: sentences.length > 0 ? sentences.join(' ') : null };
}

/** The list without `key`. */
export function removeKey(list: readonly string[], key: string): string[] {
  return list.filter((k) => k !== key);
}

/** Keys listed under both include and exclude, in include's order. */
export function keysInBoth(include: readonly string[], exclude: readonly string[]): string[] {
  const excluded = new Set(exclude);
  return include.filter((key) => excluded.has(key));
}

/** The sentence shown when keys sit in both lists (FORMAT.md: include wins). */
export function bothListsSentence(keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  const names = listInWords(keys);
  return keys.length === 1
    ? `${names} is in both lists. Include wins, so ${names} is in the segment; remove it from one list to make that clear.`
    : `${names} are in both lists. Include wins, so they are in the segment; remove them from one list to make that clear.`;
}

function duplicateSentence(keys: readonly string[]): string {
  return keys.length === 1
    ? `${keys[0]} is already in the list, so it was not added again.`
    : `${listInWords(keys)} are already in the list, so they were not added again.`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
function listInWords(keys: readonly string[]): string {
  const shown = keys.slice(0, 3);
  const rest = keys.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}
