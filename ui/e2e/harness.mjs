// End-to-end harness: a real project in a real Git checkout, a real `flagdeck serve`, and
// Debian's Chromium driven by playwright-core. Each test gets its own project, data folder,
// server and browser, and `stop()` tears all of them down (the temp folders too).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The UI folder (ui/); artifacts land in ui/test-artifacts/e2e. */
export const UI_DIR = resolve(HERE, '..');
export const ARTIFACTS = join(UI_DIR, 'test-artifacts', 'e2e');
/** The CLI binary: FLAGDECK_BIN, else the workspace's debug build. */
export const FLAGDECK_BIN = resolve(UI_DIR, process.env.FLAGDECK_BIN ?? '../target/debug/flagdeck');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];
const URL_LINE = /Flagdeck is at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/;
const START_TIMEOUT_MS = 30_000;

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'E2E', GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'E2E', GIT_COMMITTER_EMAIL: 'e2e@example.com',
};

/** Runs git in `cwd`; returns its standard output. */
export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, stdio: 'pipe', env: GIT_ENV }).toString();
}

/**
 * `flagdeck init <dir> --example`, then a Git repository with the project committed. With
 * `remote`, the project also keeps `dist/` (as teams that publish from the repository do) and
 * is a clone of a bare repository `remote.git` beside it, its origin.
 */
export function makeProject(root, { remote = false } = {}) {
  const dir = join(root, 'project');
  execFileSync(FLAGDECK_BIN, ['init', dir, '--example'], { stdio: 'pipe' });
  if (remote) execFileSync(FLAGDECK_BIN, ['build', dir], { stdio: 'pipe' });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'The example project');
  if (remote) {
    git(root, 'clone', '-q', '--bare', dir, 'remote.git');
    git(dir, 'remote', 'add', 'origin', join(root, 'remote.git'));
    git(dir, 'fetch', '-q', 'origin');
    git(dir, 'branch', '-q', '--set-upstream-to=origin/main', 'main');
  }
  return dir;
}

/** Starts `flagdeck serve` and resolves with the address it prints (token included). */
export function startServer(projectDir, dataDir) {
  const dir = projectDir ? [projectDir] : [];
  // FLAGDECK_UI_DIR serves a fresh `npm run build` without rebuilding the binary (iterating).
  const ui = process.env.FLAGDECK_UI_DIR ? ['--ui-dir', resolve(UI_DIR, process.env.FLAGDECK_UI_DIR)] : [];
  const child = spawn(FLAGDECK_BIN, ['serve', ...dir, '--port', '0', '--data-dir', dataDir, ...ui], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_BACKTRACE: '1' },
  });
  // A test process that dies (a crash, Ctrl-C) must not leave its server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  const url = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`flagdeck serve printed no address in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`flagdeck serve exited (${code ?? signal}) before printing its address:\n${output}`));
    });
  });
  return { child, url, log: () => output };
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Everything one test needs: the project folder, the server's address, a browser page on it
 * (1280×800), and `stop()`. Console errors and page errors are collected in `problems`.
 * `timezoneId` sets the browser's time zone (e.g. 'Europe/Berlin').
 * `withProject: false` starts `flagdeck serve` without a folder (a first start: the welcome).
 * `withRemote: true` gives the project a bare origin; `readRemote(path)` reads its `main`.
 * `projectDir` / `dataDir` serve an existing folder with an existing data folder (a person's
 * clone and identity, made by the test; the test removes them).
 */
export async function startFlagdeck({ theme, withProject = true, withRemote = false, timezoneId, projectDir: givenProject, dataDir: givenData } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'flagdeck-e2e-'));
  const dataDir = givenData ?? join(root, 'data');
  if (!givenData) mkdirSync(dataDir);
  const projectDir = givenProject ?? (withProject ? makeProject(root, { remote: withRemote }) : null);
  const server = startServer(projectDir, dataDir);
  let browser;
  try {
    const url = await server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: theme ?? 'light',
      ...(timezoneId ? { timezoneId } : {}),
    });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const stopWatching = process.env.FLAGDECK_E2E_TRACE ? await traceTraffic(page, projectDir) : () => {};
    const origin = new URL(url).origin;
    return {
      url,
      origin,
      projectDir,
      dataDir,
      browser,
      context,
      page,
      problems,
      serverLog: server.log,
      readJson: (path) => JSON.parse(readFileSync(join(projectDir, path), 'utf8')),
      readText: (path) => readFileSync(join(projectDir, path), 'utf8'),
      readRemote: (path) => git(join(root, 'remote.git'), 'show', `main:${path}`),
      async stop() {
        stopWatching();
        await browser?.close().catch(() => {});
        await stopProcess(server.child);
        if (!process.env.FLAGDECK_E2E_KEEP) rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await stopProcess(server.child);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * FLAGDECK_E2E_TRACE=1: prints every command (saves with their JSON), every event batch, and
 * every change of a flag or segment file on disk. Returns the function that stops watching.
 */
async function traceTraffic(page, projectDir) {
  const start = Date.now();
  const log = (...parts) => console.log(`[${Date.now() - start} ms]`, ...parts);
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/call')) return;
    const body = JSON.parse(request.postData() ?? '{}');
    log('call', body.command, body.command === 'saveEntity' ? JSON.stringify(body.args.json) : '');
  });
  page.on('response', async (response) => {
    if (!response.url().endsWith('/api/call') || response.ok()) return;
    const body = JSON.parse(response.request().postData() ?? '{}');
    log('failed', body.command, response.status(), await response.text().catch(() => ''));
  });
  await page.exposeFunction('__flagdeckTrace', (data) => log('events', data));
  await page.addInitScript(() => {
    const Original = window.EventSource;
    window.EventSource = class extends Original {
      constructor(url) {
        super(url);
        this.addEventListener('message', (message) => window.__flagdeckTrace(message.data));
      }
    };
  });
  const seen = new Map();
  const timer = setInterval(() => {
    for (const folder of ['flags', 'segments']) {
      for (const name of readdirSync(join(projectDir, folder))) {
        const path = `${folder}/${name}`;
        let text;
        try {
          text = readFileSync(join(projectDir, path), 'utf8');
        } catch {
          continue;
        }
        if (seen.has(path) && seen.get(path) !== text) log('disk', path, text.replace(/\s+/g, ' '));
        seen.set(path, text);
      }
    }
  }, 15);
  return () => clearInterval(timer);
}

/** A locator for a data-testid, optionally with one more attribute (`data-key`, ...). */
export function byTestId(page, id, attributes = {}) {
  const extra = Object.entries(attributes)
    .map(([name, value]) => `[${name}="${String(value).replace(/"/g, '\\"')}"]`)
    .join('');
  return page.locator(`[data-testid="${id}"]${extra}`);
}

/** Waits for the app's readiness marker (UI.md: `shell`, then `list`). */
export async function waitReady(page, marker = 'list', timeout = 15_000) {
  const order = ['shell', 'list', 'complete'];
  await page.waitForFunction(
    ({ wanted, order }) => order.indexOf(document.documentElement.dataset.ready ?? '') >= order.indexOf(wanted),
    { wanted: marker, order },
    { timeout },
  );
}

/** Saves a full-page screenshot to test-artifacts/e2e/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Polls `read` until `check` accepts its value (files on disk change a moment after a save). */
export async function eventually(read, check, { timeout = 10_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await read();
      if (check(last)) return last;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? String(lastError) : JSON.stringify(last, null, 2);
      throw new Error(`timed out waiting for ${what}; last value: ${detail}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
