// The browser's backend for `flagdeck serve`: POST /api/call with the per-launch token, events
// over Server-Sent Events. The token arrives in the URL's fragment (never sent to a server,
// never in logs) and is moved to sessionStorage so a reload keeps working.
import type { AppEvent } from '../bindings/AppEvent';
import type { CommandName } from '../bindings/Commands';
import { type Args, type Backend, BackendError, type Result, toBackendError } from './backend';

export const TOKEN_KEY = 'flagdeck.token';

/** What the address `flagdeck serve` printed carries: the token, and with DIR its workspace. */
export type Launch = { token: string | null; workspace?: number | undefined };

/**
 * Reads `#token=...&workspace=<id>` once, stores the token, and removes both from the address
 * bar. The workspace is only for this start (a reload keeps whatever is open then).
 */
export function takeToken(location: Location, storage: Storage, history: History): Launch {
  const param = (name: string) => new RegExp(`(?:^#|&)${name}=([^&]+)`).exec(location.hash)?.[1];
  const token = param('token');
  const workspace = Number(param('workspace'));
  if (token) {
    storage.setItem(TOKEN_KEY, decodeURIComponent(token));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return {
    token: storage.getItem(TOKEN_KEY),
    ...(token && Number.isSafeInteger(workspace) && workspace > 0 ? { workspace } : {}),
  };
}

export class HttpBackend implements Backend {
  readonly host = 'http' as const;

  constructor(
    private readonly token: string | null,
    private readonly base = '',
    private readonly fetcher: typeof fetch = (...a) => fetch(...a),
    readonly startWorkspace?: number,
    private readonly openStream: (url: string) => EventSource = (url) => new EventSource(url),
  ) {}

  async call<C extends CommandName>(command: C, args: Args<C>): Promise<Result<C>> {
    if (!this.token) {
      throw new BackendError({
        code: 'refused',
        message: 'Open Flagdeck from the address `flagdeck serve` printed (it carries the access token).',
      });
    }
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}/api/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ command, args }),
      });
    } catch (error) {
      throw toBackendError(error);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw toBackendError(body ?? `HTTP ${response.status}`);
    return body as Result<C>;
  }

  async onEvents(listener: (events: AppEvent[]) => void, onResync?: () => void): Promise<() => void> {
    if (!this.token) return () => {};
    const source = this.openStream(`${this.base}/api/events?token=${encodeURIComponent(this.token)}`);
    source.onmessage = (message) => {
      try {
        listener(JSON.parse(message.data) as AppEvent[]);
      } catch {
        // A malformed message is dropped; the next write brings fresh state.
      }
    };
    // The server fell behind for this client and dropped batches (`data: {"dropped": N}`).
    source.addEventListener('resync', () => onResync?.());
    return () => source.close();
  }
}
