// Issue 7 in the real window: a reviewer approves and publishes a change request. Alice (on the
// CLI, her own data folder) turns the new checkout off in production and requests a review in a
// governed project whose origin is a bare repository; Bob, in the desktop app (his identity and
// key made with the CLI in the app's data folder, the key in the throw-away keyring), clones the
// repository from the welcome screen, syncs, approves with a comment, and publishes after the
// confirmation. The bare repository's dist/production.flagd.json then serves the flag off.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, root as repoRoot, tid, waitFor } from './webdriver.mjs';

const FLAGDECK = process.env.FLAGDECK_BIN ?? join(repoRoot, 'target', 'debug', 'flagdeck');
const FLAG = 'new-checkout';
const work = mkdtempSync(join(tmpdir(), 'flagdeck-desktop-governance-'));
const data = { alice: join(work, 'data-alice'), bob: join(work, 'data-bob') };
const bare = join(work, 'remote.git');
let app;
after(async () => {
  await app?.quit();
  rmSync(work, { recursive: true, force: true });
});

const git = (cwd, ...args) => execFileSync('git', args, {
  cwd,
  stdio: 'pipe',
  env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' },
}).toString();
const flagdeck = (dataDir, ...args) => JSON.parse(execFileSync(FLAGDECK, ['--format', 'json', '--data-dir', dataDir, ...args], { cwd: work, stdio: 'pipe' }).toString());
const remoteJson = (path) => JSON.parse(git(bare, 'show', `main:${path}`));

/** A screenshot once the page has painted what the last step changed (WebKit can lag a frame). */
async function shot(name) {
  await app.executeAsync('const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));');
  await app.screenshot(name);
}

/** The governed example project in `remote.git`, and Alice's change request for the kill. */
function setUp() {
  for (const dir of Object.values(data)) mkdirSync(dir);
  const seed = join(work, 'seed');
  execFileSync(FLAGDECK, ['--data-dir', data.alice, 'init', seed, '--example', '--as', 'alice', '--name', 'Alice Liu', '--email', 'alice@example.com'], { stdio: 'pipe' });
  const bob = flagdeck(data.bob, 'person', 'init', '--id', 'bob', '--name', 'Bob Ortiz', '--email', 'bob@example.com', '--dir', work);
  writeFileSync(join(seed, 'people', 'bob.json'), `${JSON.stringify(bob.person, null, 2)}\n`);
  const policy = JSON.parse(readFileSync(join(seed, 'policy.json'), 'utf8'));
  const managers = policy.groups.find((g) => g.key === 'release-managers');
  assert.ok(managers, 'the example policy has release managers');
  managers.members = ['alice', 'bob'];
  writeFileSync(join(seed, 'policy.json'), `${JSON.stringify(policy, null, 2)}\n`);
  execFileSync(FLAGDECK, ['build', seed], { stdio: 'pipe' });
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'A governed project');
  git(work, 'clone', '-q', '--bare', seed, 'remote.git');

  // Alice: the kill as a draft in her checkout, a change request for it, a sync that carries it.
  git(work, 'clone', '-q', bare, 'alice');
  const checkout = join(work, 'alice');
  git(checkout, 'config', 'user.name', 'Alice Liu');
  git(checkout, 'config', 'user.email', 'alice@example.com');
  const file = join(checkout, 'flags', `${FLAG}.json`);
  const flag = JSON.parse(readFileSync(file, 'utf8'));
  flag.environments.production.enabled = false;
  writeFileSync(file, `${JSON.stringify(flag, null, 2)}\n`);
  const made = flagdeck(data.alice, 'change', '--dir', checkout, 'create', '--title', 'Turn the new checkout off in production', `flags/${FLAG}.json`);
  execFileSync(FLAGDECK, ['--data-dir', data.alice, 'sync', checkout], { stdio: 'pipe' });
  const id = made.id ?? made.request?.id;
  assert.match(id ?? '', /\S/, `the CLI printed the request: ${JSON.stringify(made)}`);
  assert.ok(git(bare, 'ls-tree', '-r', '--name-only', 'main').includes(`changes/${id}.json`), 'the request is in the remote');
  return id;
}

test('a reviewer approves and publishes a change request in the desktop app', async () => {
  const id = setUp();
  const before = remoteJson('dist/production.flagd.json').flags[FLAG];

  app = await launchApp({ dataDir: data.bob });
  await app.click(`${tid('welcome-way')}[data-way="clone"]`, 20000);
  await app.clearAndType(tid('ws-clone-url'), `file://${bare}`);
  await app.click(tid('ws-clone'));
  await app.waitFor(tid('flag-row'), 60000);

  await app.click(tid('nav-changes'));
  await app.click(`${tid('changes-row')}[data-id="${id}"]`, 20000);
  await app.waitFor(`${tid('change')}[data-status="open"]`, 20000);
  await shot('governance-1-request');

  await app.click(tid('change-approve'));
  await app.clearAndType(tid('change-decision-comment'), 'Checked with support. Go ahead.');
  await app.click(tid('change-decision-submit'));
  await app.waitFor(`${tid('change')}[data-status="approved"]`, 20000);
  await shot('governance-2-approved');

  await app.click(tid('change-publish'));
  await app.click(tid('confirm'));
  await app.waitFor(`${tid('change')}[data-status="published"]`, 60000);
  await waitFor('the confirmation to close', () => app.execute(`return document.querySelector('[data-testid="confirm"]') === null;`), 10000);
  await shot('governance-3-published');

  const published = await waitFor('the flag to change in the remote dist/', () => {
    const now = remoteJson('dist/production.flagd.json').flags[FLAG];
    return JSON.stringify(now) !== JSON.stringify(before) ? now : null;
  }, 20000);
  assert.equal(published.defaultVariant, 'off');
  assert.equal(published.targeting, undefined);
  const record = remoteJson(`changes/${id}.json`);
  assert.equal(record.status, 'published');
  assert.deepEqual(record.approvals.map((a) => a.by), ['bob']);
});
