// Picks the backend for the host the UI runs in.
import type { Backend } from './backend';
import { HttpBackend, takeToken } from './http';
import { OrderedBackend } from './ordered';
import { TauriBackend } from './tauri';

export type { Args, Backend, Result } from './backend';
export { BackendError } from './backend';

/** The host's backend, with the window's writes kept in order (see `ordered.ts`). */
export function createBackend(): Backend {
  if ('__TAURI_INTERNALS__' in window) return new OrderedBackend(new TauriBackend());
  const { token, workspace } = takeToken(window.location, window.sessionStorage, window.history);
  return new OrderedBackend(new HttpBackend(token, '', undefined, workspace));
}
