// Readiness markers for tests and the timing scripts (UI.md): `data-ready` on <html> and
// `window.__flagdeckTimings`, set once per stage, in order.
export type Stage = 'shell' | 'list';

declare global {
  interface Window {
    __flagdeckTimings?: Partial<Record<Stage, number>>;
  }
}

const ORDER: Stage[] = ['shell', 'list'];

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
