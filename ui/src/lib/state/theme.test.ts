import { describe, expect, it } from 'vitest';
import { Theme } from './theme.svelte';

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) } as Storage;
}

describe('Theme', () => {
  it('changes the look on every click and remembers the choice', () => {
    const storage = memoryStorage();
    const theme = new Theme(storage);
    expect(theme.mode).toBe('system');
    // jsdom has no matchMedia: the system theme counts as light.
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      theme.cycle();
      seen.push(`${theme.mode}:${document.documentElement.dataset.theme}`);
    }
    expect(seen).toEqual(['dark:dark', 'light:light', 'system:light']);
    theme.set('dark');
    expect(new Theme(storage).mode).toBe('dark');
  });
});
