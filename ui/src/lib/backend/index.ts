// Picks the backend for the host the UI runs in.
import type { Backend } from './backend';
import { HttpBackend, takeToken } from './http';
import { TauriBackend } from './tauri';

export type { Args, Backend, Result } from './backend';
export { BackendError } from './backend';

export function createBackend(): Backend {
  if ('__TAURI_INTERNALS__' in window) return new TauriBackend();
  const { token, workspace } = takeToken(window.location, window.sessionStorage, window.history);
  return new HttpBackend(token, '', undefined, workspace);
}
