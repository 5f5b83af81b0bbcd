// Screenshots of the flag editor in headless Chromium (light and dark, 1280×800) from the dev
// harness, plus a few checks that the interactions really work. Run: node dev/screenshot.mjs
// Writes PNGs to test-artifacts/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}test-artifacts`;
mkdirSync(out, { recursive: true });

const server = await createServer({ root, logLevel: 'error', server: { port: 5181, strictPort: true } });
await server.listen();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

try {
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    const open = async (hash, extra = '') => {
      await page.goto(`http://127.0.0.1:5181/dev/flag-editor.html?theme=${theme}${extra}${hash}`);
      await page.getByTestId('flag-editor').locator('h1').waitFor();
    };
    await open('#/flags/new-checkout');
    await page.screenshot({ path: `${out}/flag-editor-${theme}.png` });
    await page.screenshot({ path: `${out}/flag-editor-${theme}-full.png`, fullPage: true });

    await open('#/flags/new-checkout/production', '&broken');
    await page.screenshot({ path: `${out}/flag-editor-${theme}-problems.png` });
    const fieldError = page.locator('[data-testid="field-error"][data-field="/environments/production/fallthrough"]');
    check((await fieldError.textContent()).includes("'onn'"), 'a diagnostic shows next to its field by pointer');
    await fieldError.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-field-error.png` });

    await open('#/flags/new-checkout/production');
    await page.getByTestId('kill-switch').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-production.png` });
    await page.getByTestId('rule').nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-rules.png` });
    await page.screenshot({ path: `${out}/flag-editor-${theme}-production-full.png`, fullPage: true });

    if (theme === 'light') {
      // Kill switch asks first and says what users get.
      await page.getByTestId('kill-switch').click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      check((await dialog.textContent()).includes("Everyone in Production will get 'Off'"), 'kill switch dialog says what users get');
      await page.screenshot({ path: `${out}/flag-editor-kill-dialog.png` });
      await page.getByTestId('cancel').click();
      check((await page.getByTestId('kill-switch').getAttribute('data-state')) === 'unchecked', 'cancel leaves the kill switch off');
      await page.getByTestId('kill-switch').click();
      await page.getByTestId('confirm').click();
      await page.getByTestId('save-state').filter({ hasText: 'Saved as draft' }).waitFor();
      check((await page.getByTestId('kill-switch').getAttribute('data-state')) === 'checked', 'confirm turns the kill switch on and saves a draft');
      check(await page.getByTestId('unpublished-badge').isVisible(), 'unpublished badge shows');
      check((await page.locator('[data-testid="env-tab"][data-env="production"]').textContent()).includes('Killed'), 'the tab says Killed in words');
      await page.getByTestId('kill-switch').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${out}/flag-editor-killed.png` });

      // Rollout: typing a percent redistributes; the total stays 100.
      const rule = page.getByTestId('rule').nth(1);
      const on = rule.locator('[data-testid="rollout-percent"][data-variation="on"]');
      await on.fill('35');
      await on.press('Enter');
      await page.getByTestId('save-state').filter({ hasText: 'Saved as draft' }).waitFor();
      check(await rule.locator('[data-testid="rollout-percent"][data-variation="off"]').inputValue() === '65', 'percent field redistributes (35 → off 65)');
      check((await rule.getByTestId('rollout-total').textContent()).includes('100 %'), 'rollout total says 100 %');
      // Keyboard on the slider.
      await rule.locator('[data-testid="rollout-slider"][data-variation="off"]').focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(400);
      check(await rule.locator('[data-testid="rollout-percent"][data-variation="on"]').inputValue() === '34', 'slider arrow key moves 1 point');

      // Reorder with the keyboard buttons and Alt+ArrowUp.
      const names = async () => page.getByTestId('rule-name').evaluateAll((els) => els.map((e) => e.value));
      await page.getByTestId('rule-move-down').first().click();
      await page.waitForTimeout(400);
      check(JSON.stringify(await names()) === JSON.stringify(['EU customers', 'Internal staff']), 'move down reorders rules');
      await page.getByTestId('rule').nth(1).getByTestId('rule-name').focus();
      await page.keyboard.press('Alt+ArrowUp');
      await page.waitForTimeout(400);
      check(JSON.stringify(await names()) === JSON.stringify(['Internal staff', 'EU customers']), 'Alt+ArrowUp reorders rules');
      // Drag and drop on the handle.
      await page.getByTestId('rule-drag-handle').nth(1).dragTo(page.getByTestId('rule').nth(0));
      await page.waitForTimeout(400);
      check(JSON.stringify(await names()) === JSON.stringify(['EU customers', 'Internal staff']), 'drag and drop reorders rules');

      // A broken serve shows a field error by pointer.
      const fall = page.getByTestId('fallthrough');
      await fall.getByTestId('serve-kind').selectOption('rollout');
      await page.getByTestId('save-state').filter({ hasText: 'Saved as draft' }).waitFor();
      check(await fall.locator('[data-testid="rollout-slider"]').count() === 2, 'fallthrough switches to a rollout');

      // Refuse removing a variation in use, and say where.
      await page.getByRole('button', { name: 'Remove variation On' }).click();
      const minimum = await page.getByTestId('variation').first().getByRole('alert').textContent();
      check(minimum.includes('at least two'), 'a yes/no flag keeps two variations');

      // Condition builder: a number attribute offers lt/gt, not starts_with.
      await page.getByTestId('rule').nth(0).getByTestId('condition-attribute').first().selectOption('age');
      await page.waitForTimeout(300);
      const ops = await page.getByTestId('rule').nth(0).getByTestId('condition-operator').first().evaluate((s) => [...s.options].map((o) => o.value));
      check(ops.includes('lt') && ops.includes('gt') && !ops.includes('starts_with'), 'number attribute offers lt/gt only');
      await page.getByTestId('rule').nth(0).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${out}/flag-editor-after-edits.png` });
    }

    await open('#/flags/banner-color/production');
    await page.getByTestId('rule').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-colours-rollout.png` });
    await open('#/flags/banner-color');
    await page.getByTestId('add-variation').scrollIntoViewIfNeeded();
    if (theme === 'light') {
      await page.getByRole('button', { name: 'Remove variation Ocean blue' }).click();
      const refusal = await page.getByTestId('variation').nth(1).getByRole('alert').textContent();
      check(refusal.includes('in use') && refusal.includes("Production: rule 'Colour test in the EU'"), `removing a used variation says where (${refusal})`);
      await page.getByTestId('add-variation').click();
      await page.getByTestId('variation').nth(3).waitFor();
      const keyField = page.getByTestId('variation').nth(3).getByLabel('Key (what applications receive)');
      await keyField.fill('purple');
      await keyField.press('Enter');
      await page.getByTestId('save-state').filter({ hasText: 'Saved as draft' }).waitFor();
      check(await page.getByTestId('variation').nth(3).getAttribute('data-key') === 'purple', 'an unused variation can be renamed by key');
      const fresh = page.getByTestId('variation').nth(3).getByTestId('variation-value');
      await fresh.fill('#8e24aa');
      await fresh.press('Enter');
      await page.getByTestId('save-state').filter({ hasText: 'Saved as draft' }).waitFor();
      check(await page.getByTestId('variation').nth(3).locator('[data-testid="value-preview"][data-kind="color"]').count() === 1, 'a new colour variation shows a swatch');
      await page.getByTestId('variation').nth(3).scrollIntoViewIfNeeded();
    }
    await page.screenshot({ path: `${out}/flag-editor-${theme}-colours.png` });
    await open('#/flags/pricing-table');
    await page.getByTestId('variation').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-object.png` });
    if (theme === 'light') {
      const area = page.getByTestId('variation-value').first();
      await area.fill('{\n  "currency": "EUR",\n  "plans": [1, 2\n}');
      await page.waitForTimeout(200);
      const error = await page.getByTestId('variation').first().locator('.fd-error').textContent();
      check(/Line 4, column 1/.test(error), `JSON error is located (${error.trim()})`);
      await page.screenshot({ path: `${out}/flag-editor-json-error.png` });
    }
    await open('#/flags/hero-image');
    await page.waitForTimeout(500);
    await page.getByTestId('variation').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/flag-editor-${theme}-images.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
if (failures.length) {
  console.error(`${failures.length} failed:\n${failures.join('\n')}`);
  process.exit(1);
}
