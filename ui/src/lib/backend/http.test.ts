import { describe, expect, it } from 'vitest';
import { BackendError } from './backend';
import { HttpBackend, TOKEN_KEY, takeToken } from './http';

function fakeResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('HttpBackend', () => {
  it('sends the request with the token and returns the result', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const backend = new HttpBackend('t0k', '', async (url, init) => {
      seen.push({ url: String(url), init: init ?? {} });
      return fakeResponse(200, [{ id: 1, name: 'Demo' }]);
    });
    const result = await backend.call('workspaces', {});
    expect(result).toEqual([{ id: 1, name: 'Demo' }]);
    expect(seen[0]?.url).toBe('/api/call');
    expect((seen[0]?.init.headers as Record<string, string>).Authorization).toBe('Bearer t0k');
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual({ command: 'workspaces', args: {} });
  });

  it('turns an error body into a BackendError with its code and field', async () => {
    const backend = new HttpBackend('t', '', async () =>
      fakeResponse(400, { code: 'invalidInput', message: 'Bad key', field: 'key' }),
    );
    const error = await backend.call('status', { workspaceId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe('invalidInput');
    expect((error as BackendError).field).toBe('key');
  });

  it('reports an unreachable server as an io error in words', async () => {
    const backend = new HttpBackend('t', '', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = (await backend.call('workspaces', {}).catch((e: unknown) => e)) as BackendError;
    expect(error.code).toBe('io');
    expect(error.message).toContain('Failed to fetch');
  });
});

describe('takeToken', () => {
  it('moves the token from the fragment to session storage', () => {
    window.history.replaceState(null, '', '/#token=abc%20d');
    const launch = takeToken(window.location, window.sessionStorage, window.history);
    expect(launch).toEqual({ token: 'abc d' });
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe('abc d');
    expect(window.location.hash).toBe('');
    expect(takeToken(window.location, window.sessionStorage, window.history)).toEqual({ token: 'abc d' });
  });

  it('reads the workspace once and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/#token=t1&workspace=12');
    expect(takeToken(window.location, window.sessionStorage, window.history)).toEqual({ token: 't1', workspace: 12 });
    expect(window.location.hash).toBe('');
    // A reload keeps the token but not the start workspace.
    expect(takeToken(window.location, window.sessionStorage, window.history)).toEqual({ token: 't1' });
  });

  it('ignores a workspace that is not an id', () => {
    window.history.replaceState(null, '', '/#token=t2&workspace=abc');
    expect(takeToken(window.location, window.sessionStorage, window.history)).toEqual({ token: 't2' });
  });
});

/** Just enough of an EventSource to push messages and named events into the backend. */
class FakeStream extends EventTarget {
  onmessage: ((message: MessageEvent) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  close(): void {
    this.closed = true;
  }
  push(data: string): void {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  named(type: string, data: string): void {
    this.dispatchEvent(new MessageEvent(type, { data }));
  }
}

describe('HttpBackend.onEvents', () => {
  it('passes batches on and turns `event: resync` into onResync', async () => {
    let stream: FakeStream | null = null;
    const open = (url: string) => (stream = new FakeStream(url)) as unknown as EventSource;
    const backend = new HttpBackend('t k', '', undefined, undefined, open);
    const batches: unknown[] = [];
    let resyncs = 0;
    const stop = await backend.onEvents((events) => batches.push(events), () => (resyncs += 1));
    const s = stream as FakeStream | null;
    if (!s) throw new Error('no stream opened');
    expect(s.url).toBe('/api/events?token=t%20k');
    s.push('[{"workspaceId":1,"subject":"draft","change":"updated","source":"user"}]');
    s.push('not json');
    expect(batches).toHaveLength(1);
    expect(resyncs).toBe(0);
    s.named('resync', '{"dropped":3}');
    expect(resyncs).toBe(1);
    expect(batches).toHaveLength(1);
    stop();
    expect(s.closed).toBe(true);
  });
});
