// A person's walk through `flagdeck serve` in real Chromium: the address it printed (token +
// workspace), the flags list, new-checkout's Production tab, the kill switch (confirmed), undo,
// and a segment. Screenshots go to test-artifacts/smoke/; console errors fail the run.
// Usage: node scripts/smoke-serve.mjs '<the printed URL>'
import { chromium } from 'playwright-core';

const url = process.argv[2];
if (!url) throw new Error('Pass the URL `flagdeck serve` printed.');
const out = new URL('../test-artifacts/smoke/', import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const shot = (name) => page.screenshot({ path: `${out}${name}.png` });

  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'list', null, { timeout: 15000 });
  console.log('address bar after start:', page.url());
  if (page.url().includes('token=') || page.url().includes('workspace=')) errors.push('the token or workspace stayed in the address bar');
  await shot('1-flags');

  await page.click('[data-testid="flag-row"][data-key="new-checkout"]');
  await page.waitForSelector('[data-testid="flag-editor"]');
  await shot('2-new-checkout');
  await page.click('[data-testid="env-tab"][data-env="production"]');
  await page.waitForTimeout(300);
  await shot('3-production');

  await page.click('[data-testid="kill-switch"]');
  await page.waitForSelector('[data-testid="confirm"]');
  await shot('4-confirm');
  await page.click('[data-testid="confirm"]');
  await page.waitForFunction(() => /Saved as draft|Published/.test(document.querySelector('[data-testid="save-state"]')?.textContent ?? ''), null, { timeout: 10000 });
  await page.waitForTimeout(400);
  await shot('5-killed');
  const killed = await page.getAttribute('[data-testid="kill-switch"]', 'data-state');
  console.log('kill switch after confirm:', killed);

  await page.click('[data-testid="undo"]');
  await page.waitForTimeout(1200);
  await shot('6-undone');
  console.log('kill switch after undo:', await page.getAttribute('[data-testid="kill-switch"]', 'data-state'));

  await page.click('[data-testid="nav-segments"]');
  await page.waitForSelector('[data-testid="segment-row"]');
  await shot('7-segments');
  await page.click('[data-testid="segment-row"][data-key="beta-testers"]');
  await page.waitForSelector('[data-testid="segment-editor"]');
  await page.waitForTimeout(500);
  await shot('8-segment');
} finally {
  await browser.close();
}
console.log(errors.length ? `console errors:\n${errors.join('\n')}` : 'no console errors');
