// Opens the harness, makes a few edits and prints any console warning or error (dev aid).
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({ root, logLevel: 'error', server: { port: 5183, strictPort: true } });
await server.listen();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const messages = [];
page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') messages.push(`${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
try {
  await page.goto('http://127.0.0.1:5183/dev/flag-editor.html#/flags/new-checkout/production');
  await page.getByTestId('rule').first().waitFor();
  await page.getByTestId('rule-move-down').first().click();
  await page.getByTestId('rule-name').first().fill('EU shoppers');
  await page.getByTestId('rule-name').first().press('Enter');
  await page.getByTestId('fallthrough').getByTestId('serve-kind').selectOption('rollout');
  await page.getByTestId('flag-tags').locator('input').fill('q4');
  await page.getByTestId('flag-tags').locator('input').press('Enter');
  await page.getByTestId('env-tab').first().click();
  await page.waitForTimeout(800);
  console.log(await page.getByTestId('save-state').textContent(), page.url());
} finally {
  await browser.close();
  await server.close();
}
console.log(messages.length ? messages.join('\n') : 'no console warnings or errors');
