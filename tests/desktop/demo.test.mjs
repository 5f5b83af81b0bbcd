// A person's first minutes (issue 5, item 5): open the demo workspace from the welcome screen,
// open a flag, rename it, see "Saved as draft", sync it into the demo's Git repository on disk,
// and after the app is closed and opened again the change is still there. Written against the TestIds of the host/UI contract (UI.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, waitFor, tid } from './webdriver.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'flagdeck-demo-'));
let app;
after(async () => {
  await app?.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

const newName = `Renamed in the desktop test ${Date.now()}`;
let flagKey;

test('open the demo, rename a flag, see it saved as a draft, sync it into the repository', async () => {
  app = await launchApp({ dataDir });
  await app.waitFor(tid('welcome'), 20000);
  await app.screenshot('demo-1-welcome');
  await app.click(tid('welcome-open-demo'));

  // Cloning the demo takes a moment the first time.
  const row = await app.waitFor(tid('flag-row'), 60000);
  await app.screenshot('demo-2-flags');
  flagKey = await app.attribute(row, 'data-key');
  assert.ok(flagKey, 'a flag row names its flag (data-key)');
  await app.click(`${tid('flag-row')}[data-key="${flagKey}"]`);

  await app.waitFor(tid('flag-editor'));
  await app.clearAndType(tid('flag-name'), newName);
  const state = await app.waitFor(tid('save-state'));
  await waitFor('"Saved as draft"', async () => /Saved as draft/.test(await app.text(state)), 15000);
  await app.screenshot('demo-3-saved');

  // Sync now: the draft reaches the demo's repository (a real bare Git repository on disk).
  await app.click(tid('sync-now'));
  const remote = join(dataDir, 'demo', 'remote.git');
  const published = () => {
    try {
      const text = execFileSync('git', ['--git-dir', remote, 'show', `main:flags/${flagKey}.json`], { encoding: 'utf8' });
      return JSON.parse(text).name === newName;
    } catch {
      return false;
    }
  };
  await waitFor('the renamed flag in the demo repository', published, 30000);
  await app.screenshot('demo-3b-synced');
  await app.quit();
  app = undefined;
});

test('the synced change is in the app after it is opened again', async () => {
  assert.ok(flagKey, 'the first test found a flag');
  app = await launchApp({ dataDir });
  await waitFor('the shell', () => app.execute('return document.documentElement.dataset.ready'), 20000);
  const workspaces = await app.call({ command: 'workspaces', args: {} });
  const demo = workspaces.ok?.find((w) => w.name === 'Demo');
  assert.ok(demo, `a workspace named Demo: ${JSON.stringify(workspaces)}`);
  const view = await app.call({
    command: 'entity',
    args: { workspaceId: demo.id, entity: { kind: 'flag', key: flagKey } },
  });
  assert.equal(view.ok?.hasDraft, false, `synced, so no draft is left: ${JSON.stringify(view)}`);
  assert.equal(view.ok.json.name, newName, 'the app shows the synced name');
  await app.screenshot('demo-4-reopened');
});

test('the audit log exported from the window is a file in the Downloads folder', async () => {
  assert.ok(flagKey, 'the first test synced a change');
  await app?.quit();
  // The user's Downloads folder, as the desktop names it (xdg-user-dirs), in a folder of our own.
  const config = mkdtempSync(join(tmpdir(), 'flagdeck-config-'));
  const downloads = join(config, 'Downloads');
  mkdirSync(downloads);
  writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  try {
    app = await launchApp({ dataDir, env: { XDG_CONFIG_HOME: config } });
    await app.click(tid('nav-audit'), 20000);
    await app.waitFor(tid('audit-table'), 20000);
    await app.click(tid('audit-export-csv'));
    const saved = await waitFor('the export in Downloads', () => readdirSync(downloads).find((f) => /^acme-shop-audit-\d{4}-\d{2}-\d{2}\.csv$/.test(f)), 15000);
    await waitFor('the whole file', () => readFileSync(join(downloads, saved), 'utf8').includes('sync.pushed'), 10000);
    const csv = readFileSync(join(downloads, saved), 'utf8');
    assert.ok(csv.startsWith('id,at,actor,action,source,details\r\n'), csv.slice(0, 80));
    await waitFor('the toast naming the file', async () => (await app.execute('return document.body.textContent')).includes(`saved as ${saved} in your downloads`), 10000);
    await app.screenshot('demo-5-audit-exported');
    // A second export the same day keeps the first file and is numbered.
    await app.click(tid('audit-export-csv'));
    await waitFor('a second, numbered file', () => readdirSync(downloads).some((f) => /^acme-shop-audit-\d{4}-\d{2}-\d{2} \(1\)\.csv$/.test(f)), 15000);
    assert.equal(readFileSync(join(downloads, saved), 'utf8'), csv, 'the first export is left as it was');
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
});
