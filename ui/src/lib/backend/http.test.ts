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
    const token = takeToken(window.location, window.sessionStorage, window.history);
    expect(token).toBe('abc d');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe('abc d');
    expect(window.location.hash).toBe('');
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('abc d');
  });
});
