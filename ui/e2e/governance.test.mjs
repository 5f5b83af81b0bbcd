// Issue 7's changes flow through the UI alone, by three people on three `flagdeck serve` instances,
// each with their own data folder (identity; the private key in the real OS keyring) and their
// own clone of one bare repository. The project is governed: production needs one approval from
// a release manager (Alice and Bob), never the author's own. Alice turns the new checkout off in
// production and requests a review; Carol (support) syncs and asks a question in a comment; Bob
// syncs, finds it with Carol's comment, approves it with a comment and syncs;
// Alice syncs, sees it approved, and publishes after a confirmation; the bare repository's
// dist/production.flagd.json then serves it off.
//
// Needs a keyring: run through scripts/with-keyring.sh (scripts/test.sh does); otherwise skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FLAGDECK_BIN, byTestId, eventually, git, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, pause } from './steps.mjs';

const KEYRING = Boolean(process.env.FLAGDECK_KEYRING_TESTS);
const FLAG = 'new-checkout';
let root;
let bare;
const apps = {};

/** `flagdeck --format json ARGS` with a person's data folder; its parsed output. */
function flagdeck(dataDir, ...args) {
  return JSON.parse(execFileSync(FLAGDECK_BIN, ['--format', 'json', '--data-dir', dataDir, ...args], { cwd: root, stdio: 'pipe' }).toString());
}

/**
 * The bare repository `remote.git` holding a governed example project: Alice made it with
 * `init --as alice`; Bob's identity is made with `person init` and his people/ entry added; both
 * are release managers; emergencies are allowed in production. One commit, `dist/` built.
 */
function makeGovernedRemote() {
  const seed = join(root, 'seed');
  const data = { alice: join(root, 'data-alice'), bob: join(root, 'data-bob'), carol: join(root, 'data-carol') };
  for (const dir of Object.values(data)) mkdirSync(dir);
  execFileSync(FLAGDECK_BIN, ['--data-dir', data.alice, 'init', seed, '--example', '--as', 'alice', '--name', 'Alice Liu', '--email', 'alice@example.com'], { stdio: 'pipe' });
  for (const [id, name] of [['bob', 'Bob Ortiz'], ['carol', 'Carol Diaz']]) {
    const made = flagdeck(data[id], 'person', 'init', '--id', id, '--name', name, '--email', `${id}@example.com`, '--dir', root);
    writeFileSync(join(seed, 'people', `${id}.json`), `${JSON.stringify(made.person, null, 2)}\n`);
  }
  const policy = JSON.parse(readFileSync(join(seed, 'policy.json'), 'utf8'));
  const managers = policy.groups.find((g) => g.key === 'release-managers');
  assert.ok(managers, `the example's policy has release managers: ${JSON.stringify(policy)}`);
  managers.members = ['alice', 'bob'];
  policy.emergency = { allowed: true, environments: ['production'] };
  writeFileSync(join(seed, 'policy.json'), `${JSON.stringify(policy, null, 2)}\n`);
  execFileSync(FLAGDECK_BIN, ['build', seed], { stdio: 'pipe' });
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'A governed project');
  git(root, 'clone', '-q', '--bare', seed, 'remote.git');
  return data;
}

/** A person's clone of the bare repository, and `flagdeck serve` on it with their data folder. */
async function startPerson(id, dataDir) {
  git(root, 'clone', '-q', bare, id);
  const dir = join(root, id);
  git(dir, 'config', 'user.name', id);
  git(dir, 'config', 'user.email', `${id}@example.com`);
  return startFlagdeck({ projectDir: dir, dataDir });
}

const remoteJson = (path) => JSON.parse(git(bare, 'show', `main:${path}`));

before(async () => {
  if (!KEYRING) return;
  root = mkdtempSync(join(tmpdir(), 'flagdeck-governance-'));
  const data = makeGovernedRemote();
  bare = join(root, 'remote.git');
  apps.alice = await startPerson('alice', data.alice);
  apps.bob = await startPerson('bob', data.bob);
  apps.carol = await startPerson('carol', data.carol);
});

after(async () => {
  for (const app of Object.values(apps)) {
    if (app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
    await app.stop();
  }
  if (root && !process.env.FLAGDECK_E2E_KEEP) rmSync(root, { recursive: true, force: true });
});

/** Clicks Sync now and waits until it is done. */
async function syncNow(page) {
  const button = byTestId(page, 'sync-now');
  await button.click();
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid="sync-now"]');
    return b && b.getAttribute('aria-busy') !== 'true' && !b.hasAttribute('disabled');
  }, undefined, { timeout: 30_000 });
}

test('three people: an author requests a review, a teammate comments, a reviewer approves after a sync, the author publishes, and dist/ changes', { skip: KEYRING ? false : 'no keyring session (run through scripts/with-keyring.sh)' }, async () => {
  const alice = apps.alice.page;
  const bob = apps.bob.page;
  const before = remoteJson('dist/production.flagd.json').flags[FLAG];
  assert.ok(before.targeting, 'the example targets the new checkout in production');

  // 1. Alice turns the new checkout off in production: a draft, held for review.
  await alice.goto(apps.alice.url);
  await openProjectWorkspace(alice, apps.alice.projectDir);
  await alice.evaluate((hash) => { window.location.hash = hash; }, `#/flags/${FLAG}/production`);
  await byTestId(alice, 'kill-switch').click();
  await byTestId(alice, 'confirm').click();
  await eventually(() => byTestId(alice, 'kill-switch').getAttribute('aria-checked'), (v) => v === 'true', { what: 'the kill switch on' });
  await pause(alice);

  // 2. On Changes, her draft with its sentence; she chooses it and requests a review.
  await byTestId(alice, 'nav-changes').click();
  const draft = byTestId(alice, 'changes-draft', { 'data-kind': 'flag', 'data-key': FLAG });
  await draft.waitFor();
  assert.equal(await draft.getAttribute('data-governed'), 'true');
  assert.match(await draft.locator('[data-testid="changes-draft-line"][data-env="production"]').innerText(), /^Production: New checkout .*kill switch/i);
  await draft.locator('[data-testid="changes-draft-check"]').check();
  await screenshot(alice, 'governance-1-drafts');
  await byTestId(alice, 'changes-request-review').click();
  await byTestId(alice, 'changes-request-title').fill('Turn the new checkout off in production');
  await byTestId(alice, 'changes-request-description').fill('Payments provider maintenance tonight.');
  await screenshot(alice, 'governance-2-request-dialog');
  await byTestId(alice, 'changes-request-create').click();
  const page = byTestId(alice, 'change');
  await page.waitFor();
  const id = await page.getAttribute('data-id');
  assert.match(id ?? '', /\S/);
  await byTestId(alice, 'change', { 'data-status': 'open' }).waitFor();
  assert.match(await byTestId(alice, 'change-policy').innerText(), /Release managers/);
  assert.equal(await byTestId(alice, 'change-approve').count(), 0, 'an author is not offered to approve her own production change');
  await byTestId(alice, 'change-local-only').waitFor();
  await screenshot(alice, 'governance-3-request-open');

  // A sync carries the request and holds the production edit back.
  await syncNow(alice);
  await byTestId(alice, 'change-local-only').waitFor({ state: 'detached', timeout: 15_000 });
  assert.ok(git(bare, 'ls-tree', '-r', '--name-only', 'main').includes(`changes/${id}.json`), 'the request reached the remote');
  assert.equal(remoteJson('dist/production.flagd.json').flags[FLAG].state, 'ENABLED', 'nothing was published unapproved');

  // 3. Carol syncs, opens the request from the list, asks a question, syncs.
  const carol = apps.carol.page;
  await carol.goto(apps.carol.url);
  await openProjectWorkspace(carol, apps.carol.projectDir);
  await syncNow(carol);
  await byTestId(carol, 'nav-changes').click();
  await byTestId(carol, 'changes-row', { 'data-id': id }).click();
  await byTestId(carol, 'change-comment').fill('Is support told about the old checkout tonight?');
  await byTestId(carol, 'change-comment-add').click();
  await byTestId(carol, 'change-event', { 'data-kind': 'comment', 'data-by': 'carol' }).waitFor();
  await syncNow(carol);

  // 4. Bob syncs, sees one open request in the navigation, approves it with a comment, syncs.
  await bob.goto(apps.bob.url);
  await openProjectWorkspace(bob, apps.bob.projectDir);
  await syncNow(bob);
  await eventually(() => byTestId(bob, 'nav-changes').innerText(), (t) => /\b1\b/.test(t), { what: "Bob's count of open requests", timeout: 15_000 });
  await byTestId(bob, 'nav-changes').click();
  await byTestId(bob, 'changes-row', { 'data-id': id }).click();
  await byTestId(bob, 'change', { 'data-status': 'open' }).waitFor();
  assert.match(await byTestId(bob, 'change-event', { 'data-kind': 'comment', 'data-by': 'carol' }).innerText(), /Carol Diaz commented[\s\S]*Is support told/);
  // The change in a sentence; its fields on demand, in words (no JSON).
  const line = byTestId(bob, 'change-line', { 'data-env': 'production' });
  assert.match(await line.innerText(), /Production: New checkout/);
  await line.locator('[data-testid="change-line-toggle"]').click();
  const field = line.locator('[data-testid="change-field"][data-path="/environments/production/enabled"]');
  assert.match(await field.innerText(), /killed/);
  assert.doesNotMatch(await byTestId(bob, 'change').innerText(), /[{}"]/);
  await screenshot(bob, 'governance-4-reviewer-sees-request');
  await byTestId(bob, 'change-approve').click();
  await byTestId(bob, 'change-decision-comment').fill('Maintenance window confirmed. Go ahead.');
  await byTestId(bob, 'change-decision-submit').click();
  await byTestId(bob, 'change', { 'data-status': 'approved' }).waitFor();
  const approval = byTestId(bob, 'change-event', { 'data-kind': 'approve' });
  assert.match(await approval.innerText(), /Maintenance window confirmed/);
  await screenshot(bob, 'governance-5-approved');
  await syncNow(bob);

  // 5. Alice syncs: approved. She publishes after the confirmation; the remote's dist/ changes.
  await syncNow(alice);
  await byTestId(alice, 'change', { 'data-status': 'approved' }).waitFor({ timeout: 15_000 });
  await byTestId(alice, 'change-publish').click();
  await screenshot(alice, 'governance-6-publish-confirm');
  await byTestId(alice, 'confirm').click();
  await byTestId(alice, 'change', { 'data-status': 'published' }).waitFor({ timeout: 30_000 });
  await byTestId(alice, 'change-event', { 'data-kind': 'published' }).waitFor();
  // Killed, flagd serves the off variation to everyone: no targeting, `off` by default.
  const published = await eventually(() => remoteJson('dist/production.flagd.json').flags[FLAG], (f) => JSON.stringify(f) !== JSON.stringify(before), { what: 'the flag changed in the remote dist/', timeout: 15_000 });
  assert.equal(published.defaultVariant, 'off');
  assert.equal(published.targeting, undefined);
  assert.equal(remoteJson(`flags/${FLAG}.json`).environments.production.enabled, false);
  assert.equal(remoteJson(`changes/${id}.json`).status, 'published');
  await screenshot(alice, 'governance-7-published');

  for (const app of Object.values(apps)) assert.deepEqual(app.problems, []);
});

test('where the policy allows it, an emergency kill with a reason is published without waiting for approval', { skip: KEYRING ? false : 'no keyring session (run through scripts/with-keyring.sh)' }, async () => {
  const alice = apps.alice.page;
  const EMERGENCY_FLAG = 'banner-color';
  const before = remoteJson('dist/production.flagd.json').flags[EMERGENCY_FLAG];
  await alice.evaluate((hash) => { window.location.hash = hash; }, `#/flags/${EMERGENCY_FLAG}/production`);
  await byTestId(alice, 'kill-switch').click();
  await byTestId(alice, 'confirm').click();
  await eventually(() => byTestId(alice, 'kill-switch').getAttribute('aria-checked'), (v) => v === 'true', { what: 'the kill switch on' });
  await pause(alice);

  await byTestId(alice, 'nav-changes').click();
  const draft = byTestId(alice, 'changes-draft', { 'data-key': EMERGENCY_FLAG });
  await draft.locator('[data-testid="changes-draft-check"]').check();
  await byTestId(alice, 'changes-emergency').click();
  // No reason, no emergency change.
  await byTestId(alice, 'changes-emergency-create').click();
  await byTestId(alice, 'field-error', { 'data-field': 'reason' }).waitFor();
  await byTestId(alice, 'changes-emergency-reason').fill('The banner shows the wrong price to everyone.');
  await screenshot(alice, 'governance-8-emergency-dialog');
  await byTestId(alice, 'changes-emergency-create').click();
  const page = byTestId(alice, 'change', { 'data-status': 'approved' });
  await page.waitFor();
  const id = await page.getAttribute('data-id');
  assert.equal(await byTestId(alice, 'change-policy').getAttribute('data-publishable'), 'true');
  await screenshot(alice, 'governance-9-emergency-request');
  await byTestId(alice, 'change-publish').click();
  await byTestId(alice, 'confirm').click();
  await byTestId(alice, 'change', { 'data-status': 'published' }).waitFor({ timeout: 30_000 });

  const after = await eventually(() => remoteJson('dist/production.flagd.json').flags[EMERGENCY_FLAG], (f) => JSON.stringify(f) !== JSON.stringify(before), { what: 'the banner changed in the remote dist/', timeout: 15_000 });
  assert.equal(after.targeting, undefined, 'killed: no targeting');
  assert.equal(remoteJson(`flags/${EMERGENCY_FLAG}.json`).environments.production.enabled, false);
  const record = remoteJson(`changes/${id}.json`);
  assert.equal(record.emergency.reason, 'The banner shows the wrong price to everyone.');
  assert.deepEqual(record.approvals, []);
  assert.deepEqual(apps.alice.problems, []);
});
