// The desktop shell itself, whatever UI is embedded: the window opens on the embedded UI, the
// `call` command answers and rejects with AppErrors, the ACL refuses what the window was not
// granted, change events reach the window, and FLAGDECK_DATA_DIR is where the app keeps its data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, waitFor, artifacts } from './webdriver.mjs';

let app;
const dataDir = mkdtempSync(join(tmpdir(), 'flagdeck-shell-'));

before(async () => {
  app = await launchApp({ dataDir });
});

after(async () => {
  await app?.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the window shows the UI embedded in the binary, not a dev server', async () => {
  const href = await app.execute('return location.href');
  assert.match(href, /^tauri:\/\/localhost(\/|$)/, 'custom-protocol must be on: the UI comes from ui/dist inside the binary');
  const ready = await waitFor('the shell readiness marker', () =>
    app.execute('return document.documentElement.dataset.ready'));
  assert.ok(['shell', 'list'].includes(ready), `data-ready is ${ready}`);
  await app.screenshot('shell-window');
  // The whole X screen too: what a person would see (no window manager runs under Xvfb).
  execFileSync('/usr/bin/import', ['-window', 'root', join(artifacts, 'shell-screen.png')]);
});

test('call answers a command with its result', async () => {
  const answer = await app.call({ command: 'workspaces', args: {} });
  assert.ok(Array.isArray(answer.ok), `workspaces resolved with ${JSON.stringify(answer)}`);
});

test('call rejects with an AppError {code, message}, also for a command it does not know', async () => {
  const missing = await app.call({ command: 'status', args: { workspaceId: 987654 } });
  assert.equal(missing.err?.code, 'notFound', JSON.stringify(missing));
  assert.equal(typeof missing.err.message, 'string');
  const unknown = await app.call({ command: 'noSuchCommand', args: {} });
  assert.equal(unknown.err?.code, 'invalidInput', JSON.stringify(unknown));
  assert.match(unknown.err.message, /noSuchCommand/);
});

test('the ACL refuses what the window was not granted', async () => {
  for (const [command, args] of [
    ['plugin:event|emit', { event: 'x', payload: null }],
    ['plugin:window|set_size', { label: 'main', value: { Logical: { width: 10, height: 10 } } }],
    ['plugin:window-state|save_window_state', { flags: 31 }],
    ['plugin:path|resolve_directory', { directory: 14 }],
  ]) {
    const answer = await app.invoke(command, args);
    assert.ok(answer.err, `${command} must be refused, got ${JSON.stringify(answer)}`);
    assert.match(answer.err, /not allowed|denied|not found/i, `${command}: ${answer.err}`);
  }
});

test('a write reaches the window as one app-event batch', async () => {
  await app.executeAsync(`
    const done = arguments[arguments.length - 1];
    const ipc = window.__TAURI_INTERNALS__;
    window.__shellTestEvents = [];
    ipc.invoke('plugin:event|listen', {
      event: 'app-event', target: { kind: 'Any' },
      handler: ipc.transformCallback((e) => window.__shellTestEvents.push(e.payload)),
    }).then(() => done(true), (e) => done(String(e)));`);
  const created = await app.call({ command: 'createLocalWorkspace', args: { name: 'Shell test', example: true } });
  assert.ok(created.ok?.id, JSON.stringify(created));
  const batches = await waitFor('an app-event batch', () => app.execute('return window.__shellTestEvents.length ? window.__shellTestEvents : null'));
  const events = batches.flat();
  assert.ok(batches.every(Array.isArray), 'each payload is an AppEvent[]');
  assert.ok(
    events.some((e) => e.subject === 'workspace' && e.workspaceId === created.ok.id && e.change === 'created'),
    `events: ${JSON.stringify(events)}`,
  );
  await app.screenshot('shell-after-event');
});

test('the app keeps its data in FLAGDECK_DATA_DIR', () => {
  assert.ok(existsSync(join(dataDir, 'cache.sqlite')), `no cache.sqlite in ${dataDir}`);
});
