// Screenshots of the issue-7 sync screens (header sync status, conflicts, audit log, settings)
// against the dev-only mock host, light and dark, at 1280×800:
// `npm run build && node scripts/screenshots-sync.mjs` → ../docs/screenshots/*.png. Look at them.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const OUT = '../docs/screenshots';
const server = await preview({ preview: { port: 4182, strictPort: true }, logLevel: 'error' });
const base = 'http://127.0.0.1:4182/';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function dismissToasts(page) {
  for (const button of await page.locator('button[aria-label=Dismiss]').all()) await button.click().catch(() => {});
}

/** The mock's first sync finds two conflicts and opens the conflicts screen. */
async function syncIntoConflicts(page) {
  await page.click('[data-testid=sync-now]');
  await page.waitForSelector('[data-testid=conflict-list]');
  await dismissToasts(page);
}

const shots = [
  ['sync-running', '?mock#/flags', async (page) => {
    await page.click('[data-testid=sync-now]');
    await page.waitForSelector('[data-testid=sync-progress]');
    await page.waitForTimeout(500);
  }],
  ['sync-problem', '?mock#/flags', async (page) => {
    await syncIntoConflicts(page);
    await page.click('button[data-testid=sync-last]');
    await page.waitForSelector('[data-testid=sync-error]');
  }],
  ['conflicts', '?mock#/flags', syncIntoConflicts],
  ['conflicts-edit', '?mock#/flags', async (page) => {
    await syncIntoConflicts(page);
    await page.locator('[data-testid=conflict-take-theirs]').first().click();
    await page.locator('[data-testid=conflict-edit]').first().click();
    await page.fill('[data-testid=conflict-edit-value]', 'The redesigned checkout, one page, with Apple Pay');
  }],
  ['audit', '?mock#/audit', async (page) => {
    await page.waitForSelector('[data-testid=audit-row]');
  }],
  ['audit-filtered', '?mock#/audit', async (page) => {
    await page.waitForSelector('[data-testid=audit-row]');
    await page.selectOption('[data-testid=audit-filter-what]', 'change');
    await page.selectOption('[data-testid=audit-filter-env]', 'production');
  }],
  ['settings', '?mock&newUser#/settings', async (page) => {
    await page.waitForSelector('[data-testid=settings-identity-create]');
    await page.fill('[data-testid=settings-identity-name]', 'Dana Ruiz');
    await page.fill('[data-testid=settings-identity-email]', 'dana@');
    await page.click('[data-testid=settings-identity-create]');
  }],
  ['settings-identity', '?mock&newUser#/settings', async (page) => {
    await page.fill('[data-testid=settings-identity-name]', 'Dana Ruiz');
    await page.fill('[data-testid=settings-identity-email]', 'dana@example.com');
    await page.click('[data-testid=settings-identity-create]');
    await page.waitForSelector('[data-testid=settings-public-key]');
    await page.click('[data-testid=settings-register]');
    await page.waitForSelector('[data-testid=settings-registered]');
    await dismissToasts(page);
  }],
  ['settings-credentials', '?mock#/settings', async (page) => {
    await page.fill('[data-testid=settings-secret]', 'a-token');
    await page.click('[data-testid=settings-secret-save]');
    await page.click('[data-testid=settings-test-connection]');
    await page.waitForSelector('[data-testid=settings-test-result]');
    await dismissToasts(page);
    await page.locator('[data-testid=settings-credentials]').scrollIntoViewIfNeeded();
  }],
];

await mkdir(OUT, { recursive: true });
try {
  for (const theme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' });
    await context.addInitScript((t) => localStorage.setItem('flagdeck.theme', t), theme);
    await context.addInitScript(() => localStorage.setItem('flagdeck.workspace', '1'));
    for (const [name, path, act] of shots) {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.log(`${name}: page error ${e.message}`));
      await page.goto(base + path);
      await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
      await page.waitForTimeout(400);
      await act(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}/${name}-${theme}.png` });
      await page.close();
    }
    await context.close();
  }
  console.log(`screenshots in ${OUT}/`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
