// Issue 6 (D2) against a real server: a persona made with typed controls lands in
// personas/<key>.json; the preview shows what that persona gets per environment, now and next
// week, and what a draft changes; the OFREP preview server starts, pins and stops; and the flag
// editor shows the rebucketing impact of a draft.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck } from './harness.mjs';
import { must, workspaceOf } from './issue6-api.mjs';
import { openProjectWorkspace, pause } from './steps.mjs';

const PERSONA = 'e2e-us';
let app;
let workspaceId;

before(async () => {
  app = await startFlagdeck();
  await app.page.goto(app.url);
  await openProjectWorkspace(app.page, app.projectDir);
  workspaceId = await workspaceOf(app);
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

/** A draft of banner-color: production's default serves green, and the EU rollout is reweighted. */
async function draftBannerColor() {
  const flag = app.readJson('flags/banner-color.json');
  const production = flag.environments.production;
  production.fallthrough = { variation: 'green' };
  const eu = production.rules?.find((r) => r.id === 'eu-test');
  if (eu) eu.serve = { rollout: [{ variation: 'orange', weight: 10 }, { variation: 'blue', weight: 80 }, { variation: 'green', weight: 10 }] };
  await must(app, 'saveEntity', { workspaceId, entity: { kind: 'flag', key: 'banner-color' }, json: flag });
}

test('a persona is made with typed controls and saved to personas/<key>.json', async () => {
  const { page } = app;
  await byTestId(page, 'nav-personas').click();
  await byTestId(page, 'new-persona').click();
  await byTestId(page, 'new-persona-name').fill('E2E US');
  await byTestId(page, 'new-persona-key').fill(PERSONA);
  await byTestId(page, 'new-persona-create').click();
  await byTestId(page, 'persona-editor').waitFor();

  await byTestId(page, 'persona-attr', { 'data-attr': 'country' }).selectOption('US');
  await pause(page);
  await byTestId(page, 'persona-attr', { 'data-attr': 'plan' }).selectOption('free');
  await pause(page);
  const version = byTestId(page, 'persona-attr', { 'data-attr': 'appVersion' });
  await version.fill('2.1');
  await version.press('Enter');
  const problem = byTestId(page, 'field-error', { 'data-field': '/context/appVersion' });
  assert.match(await problem.innerText(), /major\.minor\.patch/, 'a bad version is explained at the field');
  await version.fill('2.1.0');
  await version.press('Enter');
  await pause(page);
  await screenshot(page, 'persona-editor');

  const file = await eventually(() => app.readJson(`personas/${PERSONA}.json`), (p) => p.context?.appVersion === '2.1.0', { what: 'the persona on disk' });
  assert.deepEqual(file.context, { targetingKey: PERSONA, country: 'US', plan: 'free', appVersion: '2.1.0' });

  await byTestId(page, 'persona-attr-clear', { 'data-attr': 'plan' }).click();
  await eventually(() => app.readJson(`personas/${PERSONA}.json`), (p) => p.context && !('plan' in p.context), { what: 'plan cleared on disk' });
});

test('the preview shows the persona per environment, next week, and what a draft changes', async () => {
  await draftBannerColor();
  const { page } = app;
  await byTestId(page, 'nav-preview').click();
  await byTestId(page, 'preview').waitFor();
  await byTestId(page, 'preview-persona').selectOption(PERSONA);
  const cell = byTestId(page, 'preview-cell', { 'data-key': 'banner-color', 'data-env': 'production' });
  await cell.locator('[data-testid="preview-changed"]').waitFor({ timeout: 10_000 });
  assert.equal(await cell.locator('[data-testid="preview-variant"]').innerText(), 'blue', 'published: the default for a US persona');
  assert.match(await cell.locator('[data-testid="preview-changed"]').innerText(), /blue\s*→\s*green/);
  assert.equal(await byTestId(page, 'preview-cell', { 'data-key': 'banner-color', 'data-env': 'staging' }).count(), 1, 'environments side by side');

  await cell.locator('[data-testid="preview-explain"]').click();
  assert.ok((await cell.innerText()).length > 40, 'the explanation is shown');

  await byTestId(page, 'preview-changes-only').check();
  await eventually(() => byTestId(page, 'preview-row').evaluateAll((rows) => rows.map((r) => r.dataset.key)), (keys) => keys.includes('banner-color') && keys.length < 14, { what: 'only changed flags' });

  await byTestId(page, 'preview-at-next-week').click();
  const at = await byTestId(page, 'preview-at').inputValue();
  const chosen = new Date(at);
  assert.equal(chosen.getDay(), 1, 'next week is a Monday');
  assert.equal(chosen.getHours(), 10);
  await byTestId(page, 'preview-search').fill('banner');
  await eventually(() => byTestId(page, 'preview-row').count(), (n) => n === 1, { what: 'search narrows the rows' });
  await screenshot(page, 'preview');
});

test('the preview server starts, serves a pinned variation over OFREP, and stops', async () => {
  const { page } = app;
  await byTestId(page, 'nav-preview').click();
  await byTestId(page, 'preview-server-start').click();
  const url = (await byTestId(page, 'preview-server-url').innerText()).trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

  const evaluate = async () => {
    const response = await fetch(`${url}/ofrep/v1/evaluate/flags/banner-color`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ context: { targetingKey: 'someone', country: 'US' } }),
    });
    return response.json();
  };
  await byTestId(page, 'preview-search').fill('banner');
  await byTestId(page, 'preview-server-pin', { 'data-flag': 'banner-color' }).selectOption('orange');
  const pinned = await eventually(evaluate, (body) => body.variant === 'orange', { what: 'the pinned variation over OFREP' });
  assert.equal(pinned.reason, 'STATIC');
  await screenshot(page, 'preview-server');

  await byTestId(page, 'preview-server-stop').click();
  await byTestId(page, 'preview-server-start').waitFor();
  await assert.rejects(evaluate(), 'nothing listens after stop');
});

test('the flag editor shows who would switch variation before publishing', async () => {
  await draftBannerColor();
  const { page } = app;
  await page.goto(`${app.origin}/#/flags/banner-color`);
  await byTestId(page, 'rebucket-impact').waitFor({ timeout: 15_000 });
  await byTestId(page, 'rebucket-run').click();
  const share = byTestId(page, 'rebucket-share', { 'data-env': 'production' });
  await share.waitFor({ timeout: 30_000 });
  assert.match(await share.innerText(), /% of people would get a different variation/);
  assert.ok((await byTestId(page, 'rebucket-trigger').count()) >= 1, 'the reweighted rule is named');
  await byTestId(page, 'rebucket-impact').scrollIntoViewIfNeeded();
  await screenshot(page, 'rebucket');
});
