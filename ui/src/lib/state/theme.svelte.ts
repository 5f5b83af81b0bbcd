// The colour theme: light, dark or the system's, remembered across launches. The resolved theme
// is written to <html data-theme> where app.css picks its tokens.
export type ThemeMode = 'light' | 'dark' | 'system';

const KEY = 'flagdeck.theme';
const NEXT: Record<ThemeMode, ThemeMode> = { light: 'dark', dark: 'system', system: 'light' };

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

  /** light → dark → system → light. */
  cycle(): void {
    this.set(NEXT[this.mode]);
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
