// The one interface the UI talks to (DESIGN §2). Two implementations: Tauri IPC in the desktop
// window, HTTP for `flagdeck serve`. Both send the same `Request` to the same `App::call`.
import type { AppError } from '../bindings/AppError';
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName, Commands } from '../bindings/Commands';
import type { ErrorCode } from '../bindings/ErrorCode';

export type Args<C extends CommandName> = Commands[C]['args'];
export type Result<C extends CommandName> = Commands[C]['result'];

export interface Backend {
  /** Which host this is, for the few places that differ (e.g. folder pickers). */
  readonly host: 'tauri' | 'http';
  /** Runs one command; rejects with a {@link BackendError}. */
  call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>>;
  /**
   * Calls `listener` with each batch of change events; returns the unsubscribe function.
   * `onResync` is called instead when the host had to drop events for this window (it fell
   * behind): whatever is shown may be stale, so everything should be reloaded.
   */
  onEvents(listener: (events: AppEvent[]) => void, onResync?: () => void): Promise<() => void>;
  /** A workspace the host asked to open at start (`flagdeck serve DIR`), if any. */
  readonly startWorkspace?: number | undefined;
}

/** A failed command as the UI handles it: switch on `code`, show `message`. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(error: AppError) {
    super(error.message);
    this.name = 'BackendError';
    this.code = error.code;
    this.field = error.field ?? undefined;
  }
}

const ERROR_CODES: readonly string[] = [
  'notFound', 'invalidInput', 'offline', 'credentialsMissing', 'credentialsRejected',
  'unreadable', 'invalid', 'busy', 'retry', 'storage', 'git', 'io', 'secrets',
  'remoteNotTrusted', 'identityMissing', 'refused',
] satisfies ErrorCode[];

/** Turns whatever a host rejected with into a {@link BackendError}. */
export function toBackendError(raw: unknown): BackendError {
  if (raw instanceof BackendError) return raw;
  if (typeof raw === 'object' && raw !== null && 'code' in raw && 'message' in raw) {
    const { code, message, field } = raw as { code: unknown; message: unknown; field?: unknown };
    if (typeof code === 'string' && ERROR_CODES.includes(code) && typeof message === 'string') {
      return new BackendError({
        code: code as ErrorCode,
        message,
        ...(typeof field === 'string' ? { field } : {}),
      });
    }
  }
  const message = raw instanceof Error ? raw.message : String(raw);
  return new BackendError({ code: 'io', message: `The app could not be reached: ${message}` });
}
