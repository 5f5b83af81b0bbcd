// A small W3C WebDriver client over fetch, and a launcher for the desktop app through
// tauri-driver. We need a dozen endpoints; a client library (webdriverio) would bring ~150 npm
// packages and an `npm ci` to CI for them.
//
//   const app = await launchApp({ dataDir });   // tauri-driver + WebKitWebDriver + the app
//   await app.click('[data-testid="welcome-open-demo"]');
//   await app.quit();

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync, existsSync, statSync, openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';

// The W3C WebDriver web element identifier.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The app binary: FLAGDECK_DESKTOP_BIN, else the newer of target/{release,debug}/flagdeck-desktop
 * (a stale build of the other profile must not be tested by mistake).
 */
export function appBinary() {
  if (process.env.FLAGDECK_DESKTOP_BIN) return resolve(process.env.FLAGDECK_DESKTOP_BIN);
  const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');
  const built = ['release', 'debug']
    .map((profile) => join(target, profile, 'flagdeck-desktop'))
    .filter((bin) => existsSync(bin))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!built.length) {
    throw new Error(`no flagdeck-desktop binary under ${target}; build it (cargo build -p flagdeck-desktop)`);
  }
  return built[0];
}

export const artifacts = join(root, 'test-artifacts', 'desktop');

/** A [data-testid] selector. */
export const tid = (id) => `[data-testid="${id}"]`;

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeout` ms pass. */
export async function waitFor(what, fn, timeout = 15000, every = 100) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(every);
  }
}

class WebDriverError extends Error {}

/** One WebDriver session: the app's window. */
export class Session {
  constructor(base, id, driver) {
    this.base = base;
    this.id = id;
    this.driver = driver;
  }

  async cmd(method, path, body) {
    const response = await fetch(`${this.base}/session/${this.id}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok || (json.value && json.value.error)) {
      throw new WebDriverError(`${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    }
    return json.value;
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the page. */
  execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Runs `script` whose last argument is the callback that ends it. */
  executeAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /**
   * Sends one request to the app's `call` command from the page, as the UI does. Resolves with
   * `{ok: result}` or `{err: AppError}`.
   */
  call(request) {
    return this.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('call', { request: arguments[0] })
         .then((ok) => done({ ok }), (err) => done({ err }));`,
      request,
    );
  }

  /** Invokes any IPC command (for ACL checks); resolves with `{ok}` or `{err}`. */
  invoke(command, args) {
    return this.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
         .then((ok) => done({ ok: ok ?? null }), (err) => done({ err: String(err) }));`,
      command,
      args,
    );
  }

  async find(css) {
    const element = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return element[ELEMENT];
  }

  async findAll(css) {
    const elements = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return elements.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches a displayed element and returns it. */
  waitFor(css, timeout = 15000) {
    return waitFor(css, async () => {
      const [element] = await this.findAll(css);
      if (!element) return null;
      // WebKitWebDriver answers the standard "is displayed" endpoint with no value, so the
      // page is asked instead: laid out with a size, and not hidden.
      const shown = await this.execute(
        `const e = arguments[0]; const r = e.getBoundingClientRect();
         return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';`,
        { [ELEMENT]: element },
      );
      return shown ? element : null;
    }, timeout);
  }

  async click(css, timeout) {
    const element = await this.waitFor(css, timeout);
    await this.cmd('POST', `/element/${element}/click`, {});
    return element;
  }

  text(element) {
    return this.cmd('GET', `/element/${element}/text`);
  }

  attribute(element, name) {
    return this.cmd('GET', `/element/${element}/attribute/${name}`);
  }

  property(element, name) {
    return this.cmd('GET', `/element/${element}/property/${name}`);
  }

  async clearAndType(css, text) {
    const element = await this.waitFor(css);
    await this.cmd('POST', `/element/${element}/clear`, {});
    await this.cmd('POST', `/element/${element}/value`, { text });
    return element;
  }

  /** Saves a PNG of the window's page into test-artifacts/desktop/<name>.png. */
  async screenshot(name) {
    const png = await this.cmd('GET', '/screenshot');
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, `${name}.png`);
    writeFileSync(file, Buffer.from(png, 'base64'));
    return file;
  }

  /** Closes the window (the app exits) and stops tauri-driver. */
  async quit() {
    try {
      // Closing the window may not answer (a hung app): the group kill below ends it either way.
      await fetch(`${this.base}/session/${this.id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    } catch {
      // Nothing to do: stop() below ends whatever is left.
    } finally {
      await this.driver.stop();
    }
  }
}

/**
 * Starts tauri-driver on free ports with `env` (FLAGDECK_DATA_DIR, ...), then a session, which
 * launches the app. Returns the session; `session.startedAt` is Date.now() just before the
 * request that spawned the app.
 */
export async function launchApp({ dataDir, env = {}, binary = appBinary() } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const tauriDriver = process.env.TAURI_DRIVER || join(homedir(), '.cargo/bin/tauri-driver');
  // tauri-driver, WebKitWebDriver, the app and WebKit's helper processes run in a process group of
  // their own, and write to a log file rather than to this test's stdout. tauri-driver answers
  // SIGTERM by SIGKILLing WebKitWebDriver, which then cannot close the app: a surviving app that
  // held this process's inherited stdout kept the test runner (and CI) waiting for ever. Stopping
  // therefore signals the whole group.
  const logDir = join(root, 'test-artifacts/desktop');
  mkdirSync(logDir, { recursive: true });
  const logFd = openSync(join(logDir, `tauri-driver-${port}.log`), 'a');
  const child = spawn(tauriDriver, ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env, ...(dataDir ? { FLAGDECK_DATA_DIR: dataDir } : {}) },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  const exited = new Promise((r) => child.once('exit', r));
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch (e) {
      if (e.code !== 'ESRCH') throw e; // ESRCH: the group is already gone
    }
  };
  // If this process dies first (a failed assertion, Ctrl-C), the group goes with it.
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  const driver = {
    pid: child.pid,
    async stop() {
      signalGroup('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      // Whatever is left of the group (the app, WebKit's processes) gets no second chance.
      await sleep(200);
      signalGroup('SIGKILL');
      process.off('exit', killOnExit);
    },
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok, 15000);
    const startedAt = Date.now();
    const response = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: { alwaysMatch: { 'tauri:options': { application: binary, args: [] } } },
      }),
    });
    const json = await response.json();
    if (!response.ok || !json.value?.sessionId) {
      throw new Error(`no session: ${JSON.stringify(json.value)}`);
    }
    const session = new Session(base, json.value.sessionId, driver);
    session.startedAt = startedAt;
    return session;
  } catch (e) {
    await driver.stop();
    throw e;
  }
}
