// Screenshots of every main screen, light and dark, kept in test-artifacts/e2e for people to
// look at (and checked to show what they should: each screen's own TestId is on the page).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, openSegment } from './steps.mjs';

let app;
before(async () => {
  app = await startFlagdeck();
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

async function shootMainScreens(page, suffix) {
  await byTestId(page, 'nav-workspaces').click();
  await byTestId(page, 'workspace-item').first().waitFor();
  await screenshot(page, `workspaces${suffix}`);

  await byTestId(page, 'nav-flags').click();
  await byTestId(page, 'flag-row').first().waitFor();
  await screenshot(page, `flags-list${suffix}`);

  await byTestId(page, 'flag-row', { 'data-key': 'new-checkout' }).click();
  await byTestId(page, 'flag-editor').waitFor();
  await screenshot(page, `flag-editor${suffix}`);
  const envs = await byTestId(page, 'env-tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-env')));
  assert.ok(envs.includes('production'), `one tab per environment: ${envs}`);
  for (const env of envs) {
    await byTestId(page, 'env-tab', { 'data-env': env }).click();
    await byTestId(page, 'kill-switch').waitFor();
    await screenshot(page, `flag-editor-${env}${suffix}`);
  }

  await byTestId(page, 'nav-segments').click();
  await byTestId(page, 'segment-row').first().waitFor();
  await screenshot(page, `segments-list${suffix}`);
  await openSegment(page, 'beta-testers');
  await byTestId(page, 'segment-usage').locator('li').first().waitFor();
  await screenshot(page, `segment-editor-beta-testers${suffix}`);
  await byTestId(page, 'segment-usage').scrollIntoViewIfNeeded();
  await screenshot(page, `segment-editor-lists-and-usage${suffix}`);
}

test('a first start without a project shows the welcome screen', async () => {
  const fresh = await startFlagdeck({ withProject: false });
  try {
    await fresh.page.goto(fresh.url);
    await byTestId(fresh.page, 'welcome').waitFor();
    assert.equal(await byTestId(fresh.page, 'welcome-open-demo').isVisible(), true, 'the demo is offered');
    await screenshot(fresh.page, 'welcome');
  } finally {
    await fresh.stop();
  }
});

test('the main screens in the light theme, then in the dark theme', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  await shootMainScreens(page, '');

  // The toggle cycles light → dark → system; click until it says dark.
  const toggle = byTestId(page, 'theme-toggle');
  for (let i = 0; i < 3 && (await toggle.getAttribute('data-mode')) !== 'dark'; i += 1) await toggle.click();
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  assert.equal(theme, 'dark', 'the toggle switches to the dark theme');
  await shootMainScreens(page, '-dark');
});
