// The segment editor against a real server: include and exclude chips change the file on disk,
// refusals are explained, and "where used" links to the flags that use the segment.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, openSegment, pause } from './steps.mjs';

const KEY = 'internal-staff';
let app;

before(async () => {
  app = await startFlagdeck();
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

const segmentFile = () => app.readJson(`segments/${KEY}.json`);

async function typeKey(list, key) {
  const input = list.locator('input');
  await input.fill(key);
  await input.press('Enter');
}

async function pasteKeys(list, text) {
  await list.locator('input').evaluate((input, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    input.focus();
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test('include and exclude edits reach the file, and where-used links to the flag', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  await openSegment(page, KEY);
  const include = byTestId(page, 'segment-include');
  const exclude = byTestId(page, 'segment-exclude');
  const usage = byTestId(page, 'segment-usage');
  await usage.locator('li[data-key="new-checkout"]').first().waitFor();
  await screenshot(page, 'segment-editor');

  const original = await segmentFile();
  assert.deepEqual(original.include, ['qa-1', 'qa-2'], 'the example segment as created');

  await typeKey(include, 'qa-3');
  await eventually(segmentFile, (s) => s.include?.join() === 'qa-1,qa-2,qa-3', { what: 'qa-3 included on disk' });
  await pause(page);

  await typeKey(include, 'qa-1');
  const refusal = await include.getByRole('status').innerText();
  assert.equal(refusal, 'qa-1 is already in the list, so it was not added again.');
  assert.equal(await include.locator('li.chip').count(), 3, 'the duplicate was not added');

  await pasteKeys(exclude, 'user-5\nuser-6, user-7');
  await eventually(segmentFile, (s) => s.exclude?.join() === 'user-5,user-6,user-7', { what: 'pasted keys on disk' });
  await pause(page);

  await include.getByRole('button', { name: 'Remove qa-2' }).click();
  await eventually(segmentFile, (s) => s.include?.join() === 'qa-1,qa-3', { what: 'qa-2 removed on disk' });
  await pause(page);

  await typeKey(exclude, 'qa-1');
  const note = page.getByRole('note');
  await note.waitFor();
  assert.match(await note.innerText(), /qa-1 is in both lists\. Include wins/);
  await eventually(() => byTestId(page, 'save-state').innerText(), (t) => t === 'Saved as draft', { what: 'saved as draft' });
  await screenshot(page, 'segment-editor-edited');

  assert.deepEqual(await segmentFile(), {
    ...original,
    include: ['qa-1', 'qa-3'],
    exclude: ['user-5', 'user-6', 'user-7', 'qa-1'],
  }, 'the file holds exactly the edits');

  // Where used: the flag (with its environment and rule) and the segment that nests this one.
  const uses = await usage.locator('li').evaluateAll((items) =>
    items.map((li) => `${li.getAttribute('data-kind')}:${li.getAttribute('data-key')}:${li.getAttribute('data-env')}`),
  );
  assert.ok(uses.includes('flag:new-checkout:production'), `new-checkout in production is listed: ${uses}`);
  assert.ok(uses.includes('segment:new-signups:'), `the nesting segment is listed: ${uses}`);
  await usage.locator('li[data-key="new-checkout"][data-env="production"] a').click();
  await byTestId(page, 'flag-editor').waitFor();
  assert.equal(new URL(page.url()).hash, '#/flags/new-checkout/production');
});

test('a new segment with only listed keys is written as exactly that', async () => {
  const { page } = app;
  await byTestId(page, 'nav-segments').click();
  await byTestId(page, 'new-segment').click();
  await byTestId(page, 'new-segment-name').fill('QA team');
  await byTestId(page, 'new-segment-key').fill('qa-team');
  await byTestId(page, 'new-segment-create').click();
  const editor = byTestId(page, 'segment-editor', { 'data-key': 'qa-team' });
  await editor.waitFor();
  await byTestId(page, 'segment-include').locator('input').waitFor();
  await pause(page);

  await pasteKeys(byTestId(page, 'segment-include'), 'qa-1 qa-2 qa-3');
  await eventually(() => app.readJson('segments/qa-team.json'), (s) => s.include?.length === 3, { what: 'the new segment on disk' });
  await pause(page);
  assert.equal(
    app.readText('segments/qa-team.json'),
    `${JSON.stringify({ key: 'qa-team', name: 'QA team', include: ['qa-1', 'qa-2', 'qa-3'] }, null, 2)}\n`,
    'no condition, no empty exclude list: the segment is exactly its include list',
  );
  assert.match(await editor.innerText(), /No condition: the segment is exactly the keys listed under Include/);
});
