// The end-to-end test (issue 5, item 5): create a multivariate flag, give it a segment
// rule with a 30/70 rollout in production, reorder rules by drag and by keyboard, flip the kill
// switch, undo, and check the file the backend wrote into the Git checkout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck, waitReady } from './harness.mjs';
import { openProjectWorkspace, openSegment, pause } from './steps.mjs';

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
  await screenshot(page, 'flow-flags-list');

  // Create a string flag with three variations.
  await byTestId(page, 'new-flag').click();
  await byTestId(page, 'new-flag-key').fill(KEY);
  await byTestId(page, 'new-flag-name').fill('Checkout theme');
  await pick(page, 'new-flag-type', 'string');
  await screenshot(page, 'flow-new-flag-dialog');
  await byTestId(page, 'new-flag-create').click();
  const editor = byTestId(page, 'flag-editor');
  await editor.waitFor();

  const values = ['red', 'green', 'blue'];
  const variations = byTestId(page, 'variation');
  while ((await variations.count()) < values.length) {
    const before = await variations.count();
    await byTestId(page, 'add-variation').click();
    await eventually(() => variations.count(), (n) => n > before, { what: 'a new variation row' });
    await pause(page);
  }
  for (const [index, value] of values.entries()) {
    const row = byTestId(page, 'variation', { 'data-index': index });
    await row.locator('[data-testid="variation-value"]').fill(value);
    await row.locator('[data-testid="variation-value"]').press('Tab');
    await pause(page);
    const name = row.locator('[data-testid="variation-name"]');
    if ((await name.count()) > 0) {
      await name.fill(value[0].toUpperCase() + value.slice(1));
      await name.press('Tab');
      await pause(page);
    }
  }
  await eventually(flagFile, (f) => f.variations?.length === 3 && f.variations.every((v, i) => v.value === values[i]), {
    what: 'three variations on disk',
  });
  await screenshot(page, 'flow-variations');

  // Production: a rule on the beta-testers segment serving a 30/70 rollout.
  await byTestId(page, 'env-tab', { 'data-env': 'production' }).click();
  await byTestId(page, 'add-rule').click();
  await pause(page);
  const firstRule = byTestId(page, 'rule', { 'data-index': 0 });
  await firstRule.waitFor();
  await firstRule.locator('[data-testid="rule-name"]').fill('Beta testers');
  await firstRule.locator('[data-testid="rule-name"]').press('Tab');
  await pause(page);
  await chooseSegment(firstRule, 'beta-testers');
  await pause(page);
  await firstRule.locator('[data-testid="serve-kind"]').selectOption('rollout');
  await pause(page);
  const variationKeys = (await flagFile()).variations.map((v) => v.key);
  // Serving one variation becomes a 100 % rollout of it; giving 70 % to the second takes it
  // from the first (the sliders always sum to 100), which leaves the 30 % we want.
  await setPercent(firstRule, variationKeys[1], '70');
  await pause(page);
  for (const [variation, percent] of [[variationKeys[0], '30'], [variationKeys[1], '70'], [variationKeys[2], '0']]) {
    const input = firstRule.locator(`[data-testid="rollout-percent"][data-variation="${variation}"]`);
    await eventually(() => input.inputValue(), (v) => v === percent, { what: `${percent} % for ${variation}` });
  }
  await assertText(firstRule.locator('[data-testid="rollout-total"]'), /100/);
  await eventually(flagFile, (f) => weightsOf(production(f)?.rules?.[0]) === '30,70', {
    what: 'the 30/70 rollout on disk',
  });

  // A second rule, then move it above the first by dragging its handle.
  await byTestId(page, 'add-rule').click();
  await pause(page);
  const secondRule = byTestId(page, 'rule', { 'data-index': 1 });
  await secondRule.waitFor();
  await secondRule.locator('[data-testid="rule-name"]').fill('Everyone else');
  await secondRule.locator('[data-testid="rule-name"]').press('Tab');
  await pause(page);
  await eventually(flagFile, (f) => production(f)?.rules?.[1]?.name === 'Everyone else', { what: 'two rules on disk' });
  await screenshot(page, 'flow-production-rules');
  const [firstId, secondId] = (await flagFile()).environments.production.rules.map((r) => r.id);

  await drag(page, secondRule.locator('[data-testid="rule-drag-handle"]'), firstRule);
  await eventually(flagFile, (f) => rulesOrder(f) === `${secondId},${firstId}`, {
    what: 'the dragged rule first on disk',
  });
  await pause(page);

  // The keyboard way: Alt+ArrowUp on the segment rule's handle (now second) moves it back up.
  const handle = byTestId(page, 'rule', { 'data-index': 1 }).locator('[data-testid="rule-drag-handle"]');
  await handle.focus();
  await page.keyboard.press('Alt+ArrowUp');
  await eventually(flagFile, (f) => rulesOrder(f) === `${firstId},${secondId}`, { what: 'the keyboard move on disk' });
  await pause(page);
  // And the move-down button, reached and pressed with the keyboard only.
  const down = byTestId(page, 'rule', { 'data-index': 0 }).locator('[data-testid="rule-move-down"]');
  await down.focus();
  await page.keyboard.press('Enter');
  await eventually(flagFile, (f) => rulesOrder(f) === `${secondId},${firstId}`, { what: 'the move-down button on disk' });
  await pause(page);
  await byTestId(page, 'rule', { 'data-index': 1 }).locator('[data-testid="rule-move-up"]').focus();
  await page.keyboard.press('Enter');
  await eventually(flagFile, (f) => rulesOrder(f) === `${firstId},${secondId}`, { what: 'the move-up button on disk' });
  await pause(page);

  // The kill switch, behind a confirmation; then undo from the header.
  const enabledBefore = production(await flagFile()).enabled;
  await byTestId(page, 'kill-switch').click();
  await byTestId(page, 'confirm').click();
  await eventually(flagFile, (f) => production(f).enabled === !enabledBefore, { what: 'the kill switch on disk' });
  await pause(page);
  await eventually(() => byTestId(page, 'kill-switch').getAttribute('aria-checked'), (v) => v === 'true', {
    what: 'the kill switch shown on',
  });
  await screenshot(page, 'flow-killed');
  await byTestId(page, 'undo').click();
  await eventually(flagFile, (f) => production(f).enabled === enabledBefore, { what: 'the undo on disk' });

  // The file the backend wrote, exactly: the variations (keys from the new-flag template and
  // "Add variation"), the segment rule first with 30/70 (weights are percentages; the third
  // variation keeps an explicit 0), the second rule after it, and the kill switch off again.
  const expected = {
    key: KEY,
    name: 'Checkout theme',
    type: 'string',
    variations: [
      { key: 'control', name: 'Red', value: 'red' },
      { key: 'treatment', name: 'Green', value: 'green' },
      { key: 'variation-1', name: 'Blue', value: 'blue' },
    ],
    environments: {
      development: { enabled: true, offVariation: 'control', fallthrough: { variation: 'control' } },
      staging: { enabled: true, offVariation: 'control', fallthrough: { variation: 'control' } },
      production: {
        enabled: true,
        offVariation: 'control',
        rules: [
          {
            id: firstId,
            name: 'Beta testers',
            when: { segment: 'beta-testers' },
            serve: {
              rollout: [
                { variation: 'control', weight: 30 },
                { variation: 'treatment', weight: 70 },
                { variation: 'variation-1', weight: 0 },
              ],
            },
          },
          { id: secondId, name: 'Everyone else', serve: { variation: 'control' } },
        ],
        fallthrough: { variation: 'control' },
      },
    },
  };
  assert.equal(enabledBefore, true, 'a new flag starts live in production');
  assert.deepEqual(await flagFile(), expected);
  assert.equal(app.readText(`flags/${KEY}.json`), `${JSON.stringify(expected, null, 2)}\n`, 'canonical JSON, two spaces, a final newline');
  // The editor shows the same: live again after the undo.
  await eventually(() => byTestId(page, 'kill-switch').getAttribute('aria-checked'), (v) => v === 'false', {
    what: 'the kill switch shown off after the undo',
  });
  await screenshot(page, 'flow-after-undo');

  // The segment now says where it is used: this flag, in production, by the rule's name.
  await openSegment(page, 'beta-testers');
  const use = byTestId(page, 'segment-usage').locator(`li[data-key="${KEY}"][data-env="production"]`);
  await use.waitFor();
  assert.match(await use.innerText(), /Checkout theme[\s\S]*Production, rule “Beta testers”/);
});

/** A bits-ui Select (components/Select.svelte): open the trigger, click the option. */
async function pick(page, testid, value) {
  await byTestId(page, testid).click();
  await page.locator(`[data-testid="${testid}-option"][data-value="${value}"]`).click();
}

async function chooseSegment(rule, segment) {
  const picker = rule.locator('[data-testid="condition-segment"]');
  // An empty condition offers "Is in a segment" (no TestId of its own in UI.md: by its name).
  if ((await picker.count()) === 0) await rule.getByRole('button', { name: /Is in a segment/ }).click();
  await picker.first().selectOption(segment);
}

async function setPercent(rule, variation, value) {
  const input = rule.locator(`[data-testid="rollout-percent"][data-variation="${variation}"]`);
  await input.fill(value);
  await input.press('Tab');
}

/** Drags with the mouse, as a person does: press on the handle, move in steps, release on the
 *  lower part of the target (the part next to the handle, so both are on screen). */
async function drag(page, handle, target) {
  await handle.scrollIntoViewIfNeeded();
  const from = await handle.boundingBox();
  const to = await target.boundingBox();
  assert.ok(from && to, 'the handle and the target rule are on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 - 5, { steps: 5 });
  await page.mouse.move(to.x + 60, Math.max(to.y + 10, to.y + to.height - 30), { steps: 10 });
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
