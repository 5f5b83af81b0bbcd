// The end-to-end test (issue 5, item 5): create a multivariate flag, give it a segment
// rule with a 30/70 rollout in production, reorder rules by drag and by keyboard, flip the kill
// switch, undo, and check the file the backend wrote into the Git checkout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck, waitReady } from './harness.mjs';
import { openProjectWorkspace } from './steps.mjs';

const KEY = 'checkout-theme';
let app;

before(async () => {
  app = await startFlagdeck();
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

const flagFile = () => app.readJson(`flags/${KEY}.json`);
const production = (flag) => flag.environments?.production;

test('create a flag with a segment rule and a 30/70 rollout, reorder, kill, undo', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  await waitReady(page, 'list');
  await screenshot(page, 'flags-list');

  // Create a string flag with three variations.
  await byTestId(page, 'new-flag').click();
  await byTestId(page, 'new-flag-key').fill(KEY);
  await byTestId(page, 'new-flag-name').fill('Checkout theme');
  await byTestId(page, 'new-flag-type').selectOption('string');
  await screenshot(page, 'new-flag-dialog');
  await byTestId(page, 'new-flag-create').click();
  const editor = byTestId(page, 'flag-editor');
  await editor.waitFor();

  const values = ['red', 'green', 'blue'];
  const variations = byTestId(page, 'variation');
  while ((await variations.count()) < values.length) {
    const before = await variations.count();
    await byTestId(page, 'add-variation').click();
    await eventually(() => variations.count(), (n) => n > before, { what: 'a new variation row' });
  }
  for (const [index, value] of values.entries()) {
    const row = byTestId(page, 'variation', { 'data-index': index });
    await row.locator('[data-testid="variation-value"]').fill(value);
    await row.locator('[data-testid="variation-value"]').press('Tab');
    const name = row.locator('[data-testid="variation-name"]');
    if ((await name.count()) > 0) {
      await name.fill(value[0].toUpperCase() + value.slice(1));
      await name.press('Tab');
    }
  }
  await eventually(flagFile, (f) => f.variations?.length === 3 && f.variations.every((v, i) => v.value === values[i]), {
    what: 'three variations on disk',
  });
  await screenshot(page, 'flag-editor-variations');

  // Production: a rule on the beta-testers segment serving a 30/70 rollout.
  await byTestId(page, 'env-tab', { 'data-env': 'production' }).click();
  await byTestId(page, 'add-rule').click();
  const firstRule = byTestId(page, 'rule', { 'data-index': 0 });
  await firstRule.waitFor();
  await firstRule.locator('[data-testid="rule-name"]').fill('Beta testers');
  await firstRule.locator('[data-testid="rule-name"]').press('Tab');
  await chooseSegment(firstRule, 'beta-testers');
  await firstRule.locator('[data-testid="serve-kind"]').selectOption('rollout');
  const variationKeys = (await flagFile()).variations.map((v) => v.key);
  await setPercent(firstRule, variationKeys[0], '30');
  await setPercent(firstRule, variationKeys[1], '70');
  await setPercent(firstRule, variationKeys[2], '0');
  await assertText(firstRule.locator('[data-testid="rollout-total"]'), /100/);
  await eventually(flagFile, (f) => weightsOf(production(f)?.rules?.[0]) === '30,70', {
    what: 'the 30/70 rollout on disk',
  });

  // A second rule, then move it above the first by dragging its handle.
  await byTestId(page, 'add-rule').click();
  const secondRule = byTestId(page, 'rule', { 'data-index': 1 });
  await secondRule.waitFor();
  await secondRule.locator('[data-testid="rule-name"]').fill('Everyone else');
  await secondRule.locator('[data-testid="rule-name"]').press('Tab');
  await eventually(flagFile, (f) => production(f)?.rules?.length === 2, { what: 'two rules on disk' });
  await screenshot(page, 'flag-editor-production');
  const [firstId, secondId] = (await flagFile()).environments.production.rules.map((r) => r.id);

  await drag(page, secondRule.locator('[data-testid="rule-drag-handle"]'), firstRule);
  await eventually(flagFile, (f) => rulesOrder(f) === `${secondId},${firstId}`, {
    what: 'the dragged rule first on disk',
  });

  // The keyboard way: move the segment rule (now second) back up.
  const handle = byTestId(page, 'rule', { 'data-index': 1 }).locator('[data-testid="rule-drag-handle"]');
  await handle.focus();
  await handle.press('Alt+ArrowUp').catch(() => {});
  const movedByKeys = await eventually(flagFile, (f) => rulesOrder(f) === `${firstId},${secondId}`, {
    what: 'keyboard move',
    timeout: 2_000,
  }).then(() => true, () => false);
  if (!movedByKeys) {
    // The move buttons are the keyboard path when the handle takes no arrow keys.
    const up = byTestId(page, 'rule', { 'data-index': 1 }).locator('[data-testid="rule-move-up"]');
    await up.focus();
    await page.keyboard.press('Enter');
  }
  await eventually(flagFile, (f) => rulesOrder(f) === `${firstId},${secondId}`, { what: 'the keyboard move on disk' });

  // The kill switch, behind a confirmation; then undo from the header.
  const enabledBefore = production(await flagFile()).enabled;
  await byTestId(page, 'kill-switch').click();
  await byTestId(page, 'confirm').click();
  await eventually(flagFile, (f) => production(f).enabled === !enabledBefore, { what: 'the kill switch on disk' });
  await screenshot(page, 'flag-editor-killed');
  await byTestId(page, 'undo').click();
  await eventually(flagFile, (f) => production(f).enabled === enabledBefore, { what: 'the undo on disk' });

  const onDisk = await flagFile();
  const variationsOnDisk = onDisk.variations;
  assert.deepEqual(
    variationsOnDisk.map((v) => v.value),
    values,
    'the three variations in order',
  );
  const rules = production(onDisk).rules;
  assert.deepEqual(rules[0], {
    id: firstId,
    name: 'Beta testers',
    when: { segment: 'beta-testers' },
    serve: {
      rollout: [
        { variation: variationKeys[0], weight: 30 },
        { variation: variationKeys[1], weight: 70 },
        ...(rules[0].serve.rollout.length === 3 ? [{ variation: variationKeys[2], weight: 0 }] : []),
      ],
    },
  });
  assert.equal(rules[1].id, secondId);
  assert.equal(rules[1].name, 'Everyone else');
  assert.equal(production(onDisk).enabled, enabledBefore, 'the kill switch is back where it was');
  assert.equal(app.readText(`flags/${KEY}.json`).endsWith('}\n'), true, 'the file is canonical JSON');
});

async function chooseSegment(rule, segment) {
  const picker = rule.locator('[data-testid="condition-segment"]');
  if ((await picker.count()) === 0) await rule.locator('[data-testid="add-condition"]').first().click();
  await picker.first().waitFor();
  const tag = await picker.first().evaluate((el) => el.tagName);
  if (tag === 'SELECT') await picker.first().selectOption(segment);
  else {
    await picker.first().fill(segment);
    await picker.first().press('Enter');
  }
}

async function setPercent(rule, variation, value) {
  const input = rule.locator(`[data-testid="rollout-percent"][data-variation="${variation}"]`);
  await input.fill(value);
  await input.press('Tab');
}

async function drag(page, handle, target) {
  const from = await handle.boundingBox();
  const to = await target.boundingBox();
  assert.ok(from && to, 'the handle and the target rule are on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  // Several steps so pointer-based and HTML5 drag implementations both see a move.
  await page.mouse.move(from.x + from.width / 2, to.y + 4, { steps: 12 });
  await page.mouse.move(from.x + from.width / 2, to.y + 2, { steps: 4 });
  await page.mouse.up();
}

async function assertText(locator, pattern) {
  await eventually(() => locator.innerText(), (t) => pattern.test(t), { what: `text ${pattern}` });
}

function weightsOf(rule) {
  const rollout = rule?.serve?.rollout;
  if (!Array.isArray(rollout)) return '';
  return rollout.filter((w) => w.weight > 0).map((w) => w.weight).join(',');
}

function rulesOrder(flag) {
  return (production(flag)?.rules ?? []).map((r) => r.id).join(',');
}
