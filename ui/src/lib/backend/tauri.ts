// The desktop window's backend: one Tauri command `call`, events on `app-event`.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName } from '../bindings/Commands';
import { type Args, type Backend, type Result, toBackendError } from './backend';

declare global {
  interface Window {
    /** Set by the desktop shell before the page loads (`flagdeck-desktop --demo`). */
    __FLAGDECK_START_WORKSPACE__?: number;
  }
}

export class TauriBackend implements Backend {
  readonly host = 'tauri' as const;
  readonly startWorkspace: number | undefined =
    typeof window.__FLAGDECK_START_WORKSPACE__ === 'number' ? window.__FLAGDECK_START_WORKSPACE__ : undefined;

  async call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>> {
    try {
      return await invoke<Result<C>>('call', { request: { command, args } });
    } catch (error) {
      throw toBackendError(error);
    }
  }

  async onEvents(listener: (events: AppEvent[]) => void): Promise<() => void> {
    return listen<AppEvent[]>('app-event', (event) => listener(event.payload));
  }
}
