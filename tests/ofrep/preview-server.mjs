// Starts `flagdeck preview-server` on a throw-away project: the example project committed to Git,
// then edited without committing (an unpublished variation), as a designer's checkout would be.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function flagdeckBin() {
  return process.env.FLAGDECK_BIN ?? join(repoRoot, 'target', 'debug', 'flagdeck');
}

/** The example project in a Git repository, with banner-color's development fallthrough
 * changed to `variation` in the working folder only. */
export function unpublishedProject(variation = 'green') {
  const root = mkdtempSync(join(tmpdir(), 'flagdeck-ofrep-'));
  const dir = join(root, 'acme');
  execFileSync(flagdeckBin(), ['init', dir, '--example'], { stdio: 'pipe' });
  const git = (...args) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=t@example.com', ...args], {
      stdio: 'pipe',
    }).toString();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'The example project');
  setBanner(dir, variation);
  return { dir, git, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Edits flags/banner-color.json: development serves `variation` to everyone. */
export function setBanner(dir, variation) {
  const file = join(dir, 'flags', 'banner-color.json');
  const flag = JSON.parse(readFileSync(file, 'utf8'));
  flag.environments.development.fallthrough = { variation };
  writeFileSync(file, `${JSON.stringify(flag, null, 2)}\n`);
}

/** Runs the server until `stop()`; resolves once it printed its URL. */
export function startPreviewServer(dir, { pins = [], port = 0 } = {}) {
  const args = ['preview-server', dir, '--port', String(port), ...pins.flatMap((p) => ['--pin', p])];
  const child = spawn(flagdeckBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s: ${stderr}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`preview-server exited (${code}): ${stderr}`)));
    child.stdout.on('data', (d) => {
      stdout += d;
      const url = stdout.match(/^(http:\/\/127\.0\.0\.1:\d+)\n/)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolvePromise({
        url,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.on('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
