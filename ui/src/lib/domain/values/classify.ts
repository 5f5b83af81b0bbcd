// How a value is previewed (DESIGN §8): hex colours as swatches, image URLs as images, objects and
// arrays as tables, everything else as text. Pure, so the rules are tested without a DOM.
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export type Preview =
  | { kind: 'color'; hex: string }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; text: string }
  | { kind: 'null' }
  | { kind: 'object'; entries: [string, JsonValue][] }
  | { kind: 'array'; items: JsonValue[] };

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const IMAGE_PATH = /\.(?:png|jpe?g|gif|webp|svg)$/i;

export function isHexColor(text: string): boolean {
  return HEX.test(text.trim());
}

/** An http(s) URL whose path ends in an image extension, or a `data:image/…` URL. */
export function isImageUrl(text: string): boolean {
  const trimmed = text.trim();
  if (/^data:image\/[a-z0-9.+-]+[;,]/i.test(trimmed)) return true;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && IMAGE_PATH.test(url.pathname);
}

export function classifyValue(value: JsonValue | undefined): Preview {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'string') {
    if (isHexColor(value)) return { kind: 'color', hex: value.trim() };
    if (isImageUrl(value)) return { kind: 'image', url: value.trim() };
    return { kind: 'text', text: value };
  }
  if (typeof value === 'number') return { kind: 'number', text: String(value) };
  if (typeof value === 'boolean') return { kind: 'boolean', text: value ? 'true' : 'false' };
  if (Array.isArray(value)) return { kind: 'array', items: value };
  return { kind: 'object', entries: Object.entries(value) };
}
