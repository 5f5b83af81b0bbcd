// The colour theme: light, dark or the system's, remembered across launches. The resolved theme
// is written to <html data-theme> where app.css picks its tokens.
export type ThemeMode = 'light' | 'dark' | 'system';

const KEY = 'flagdeck.theme';

export class Theme {
  mode = $state<ThemeMode>('system');
  private media: MediaQueryList | null = null;

  constructor(private readonly storage: Storage | null = safeStorage()) {
    const saved = this.storage?.getItem(KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.mode = saved;
    if (typeof window !== 'undefined' && window.matchMedia) {
      this.media = window.matchMedia('(prefers-color-scheme: dark)');
      this.media.addEventListener?.('change', () => this.apply());
    }
    this.apply();
  }

  /**
   * The mode a click moves to. Every click changes something visible: from the system's theme
   * to the other one, then to the system's own explicitly, then back to following the system.
   */
  get next(): ThemeMode {
    const system = this.media?.matches ? 'dark' : 'light';
    const other = (m: 'light' | 'dark') => (m === 'light' ? 'dark' : 'light');
    if (this.mode === 'system') return other(system);
    return this.mode === system ? 'system' : other(this.mode);
  }

  cycle(): void {
    this.set(this.next);
  }

  set(mode: ThemeMode): void {
    this.mode = mode;
    this.storage?.setItem(KEY, mode);
    this.apply();
  }

  get resolved(): 'light' | 'dark' {
    if (this.mode !== 'system') return this.mode;
    return this.media?.matches ? 'dark' : 'light';
  }

  private apply(): void {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = this.resolved;
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
