// Security smoke test: without the per-launch token the page shows how to get in and no data,
// and the API refuses requests without the token or from another origin.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { byTestId, screenshot, startFlagdeck } from './harness.mjs';

let app;
before(async () => {
  app = await startFlagdeck();
});
after(async () => {
  await app?.stop();
});

/** A raw HTTP request, so the test controls Host and Origin (fetch may not). */
function raw(method, url, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.once('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

test('a page opened without the token says to use the printed address and shows no data', async () => {
  const { page, origin } = app;
  await page.goto(`${origin}/`);
  await page.getByText('printed', { exact: false }).first().waitFor({ timeout: 15_000 });
  await screenshot(page, 'no-token');
  assert.equal(await byTestId(page, 'flag-row').count(), 0, 'no flag is listed without the token');
  assert.equal(await byTestId(page, 'workspace-item').count(), 0, 'no workspace is listed without the token');
  const text = await page.locator('body').innerText();
  assert.ok(!text.includes('new-checkout'), 'no flag key of the project leaks into the page');
  assert.ok(!text.includes('Acme Shop'), 'the project name does not leak into the page');
  const stored = await page.evaluate(() => sessionStorage.getItem('flagdeck.token'));
  assert.equal(stored, null, 'no token was stored');
});

test('the API refuses a missing or wrong token and a foreign Origin or Host', async () => {
  const { url, origin } = app;
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token') ?? '';
  const host = new URL(origin).host;
  const body = JSON.stringify({ command: 'workspaces', args: {} });
  const json = { 'Content-Type': 'application/json' };

  const ok = await raw('POST', `${origin}/api/call`, { ...json, Authorization: `Bearer ${token}` }, body);
  assert.equal(ok.status, 200, `the printed token works: ${ok.text}`);

  const none = await raw('POST', `${origin}/api/call`, json, body);
  assert.equal(none.status, 401, 'no token: 401');
  assert.ok(!none.text.includes('project'), 'the refusal carries no data');

  const wrong = await raw('POST', `${origin}/api/call`, { ...json, Authorization: 'Bearer nope' }, body);
  assert.equal(wrong.status, 401, 'a wrong token: 401');

  const foreignOrigin = await raw('POST', `${origin}/api/call`, {
    ...json, Authorization: `Bearer ${token}`, Origin: 'http://evil.example',
  }, body);
  assert.equal(foreignOrigin.status, 403, 'another web page (Origin) is refused');

  const rebound = await raw('POST', `${origin}/api/call`, {
    ...json, Authorization: `Bearer ${token}`, Host: `evil.example:${new URL(origin).port}`,
  }, body);
  assert.equal(rebound.status, 403, 'a DNS-rebinding Host is refused');

  const events = await raw('GET', `${origin}/api/events?token=nope`, { Host: host });
  assert.equal(events.status, 401, 'events need the token too');
});
