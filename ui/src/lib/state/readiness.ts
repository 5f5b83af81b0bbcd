// Readiness markers for tests and the timing scripts (UI.md): `data-ready` on <html> and
// `window.__flagdeckTimings`, set once per stage, in order: the app shell painted, the flags
// list's first rows painted, every flag in.
export type Stage = 'shell' | 'list' | 'complete';

declare global {
  interface Window {
    __flagdeckTimings?: Partial<Record<Stage, number>>;
  }
}

const ORDER: Stage[] = ['shell', 'list', 'complete'];

export function markReady(stage: Stage): void {
  if (typeof window === 'undefined') return;
  const timings = (window.__flagdeckTimings ??= {});
  if (timings[stage] !== undefined) return;
  timings[stage] = performance.now();
  const current = document.documentElement.dataset.ready as Stage | undefined;
  if (!current || ORDER.indexOf(stage) > ORDER.indexOf(current)) {
    document.documentElement.dataset.ready = stage;
  }
}

/**
 * A named moment on the way to the list (`performance.mark('flagdeck:<name>')`), so the timing
 * script can say where the time went. Only before the list is shown: marks are kept by the
 * page until it closes.
 */
export function markStep(name: string): void {
  if (typeof performance === 'undefined' || window.__flagdeckTimings?.list !== undefined) return;
  performance.mark(`flagdeck:${name}`);
}
