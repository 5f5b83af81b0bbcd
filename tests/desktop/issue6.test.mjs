// Issue 6's screens in the real window: the release calendar, personas and the preview, and the
// OFREP preview server started from the window and answering a request from outside the app
// (as a designer's product would). Written against the TestIds of ISSUE 6's contract.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, waitFor, tid } from './webdriver.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'flagdeck-issue6-'));
let app;
after(async () => {
  await app?.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the calendar, personas and preview of the demo, and the preview server answering OFREP', async () => {
  app = await launchApp({ dataDir });
  await app.click(tid('welcome-open-demo'), 20000);
  await app.waitFor(tid('flag-row'), 60000);

  // The calendar: the example's scheduled steps (December 2026 onwards) a month or more ahead.
  await app.click(tid('nav-calendar'));
  await app.waitFor(`${tid('calendar')}[data-state="ready"]`, 20000);
  let entries = [];
  for (let month = 0; month < 6 && entries.length === 0; month += 1) {
    entries = await app.findAll(tid('calendar-entry'));
    if (entries.length === 0) await app.click(tid('calendar-next'));
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(entries.length > 0, 'the calendar shows the example\'s scheduled steps');
  await app.screenshot('issue6-1-calendar');

  // Personas: the example's, from personas/<key>.json in the demo's repository.
  await app.click(tid('nav-personas'));
  await app.waitFor(`${tid('persona-row')}[data-key="anna-de-pro"]`, 20000);
  await app.screenshot('issue6-2-personas');

  // The preview: a persona's variations, then the preview server.
  await app.click(tid('nav-preview'));
  await app.waitFor(tid('preview-row'), 20000);
  await app.screenshot('issue6-3-preview');

  await app.click(tid('preview-server-start'));
  const urlElement = await app.waitFor(tid('preview-server-url'), 20000);
  const url = (await app.text(urlElement)).trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const response = await fetch(`${url}/ofrep/v1/evaluate/flags/new-checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'designer-1', country: 'DE', plan: 'pro' } }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const answer = await response.json();
  assert.equal(answer.key, 'new-checkout');
  assert.equal(typeof answer.value, 'boolean', JSON.stringify(answer));
  await app.screenshot('issue6-4-preview-server');

  await app.click(tid('preview-server-stop'));
  await waitFor('the server to stop', async () => {
    try {
      await fetch(`${url}/ofrep/v1/evaluate/flags`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
      return false;
    } catch {
      return true;
    }
  }, 15000);
});
