// The app's shared state, handed to every view through Svelte context (STYLE §12: controllers in
// .svelte.ts files, provided through context; no global singletons, so tests can make their own).
import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';

const KEY = Symbol('flagdeck.app');

export function provideApp(app: AppState): void {
  setContext(KEY, app);
}

export function getApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('getApp() outside <App>: provide an AppState first');
  return app;
}

/** The context map that provides `app`, for mounting a view on its own (component tests). */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[KEY, app]]);
}
