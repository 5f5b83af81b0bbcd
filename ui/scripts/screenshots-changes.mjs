// Screenshots of the Changes screens (issue 7) against the dev-only mock host, light and dark:
// `npm run build && node scripts/screenshots-changes.mjs` → test-artifacts/changes-*.png.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const OUT = 'test-artifacts';
const server = await preview({ preview: { port: 4181, strictPort: true }, logLevel: 'error' });
const base = 'http://127.0.0.1:4181/';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const shots = [
  ['changes', '?mock#/changes', async (page) => {
    await page.click('[data-testid=changes-draft][data-key=hero-image] [data-testid=changes-draft-check]');
  }],
  ['changes-request-dialog', '?mock#/changes', async (page) => {
    await page.click('[data-testid=changes-draft][data-key=hero-image] [data-testid=changes-draft-check]');
    await page.click('[data-testid=changes-draft][data-key=search-algorithm] [data-testid=changes-draft-check]');
    await page.click('[data-testid=changes-request-review]');
  }],
  ['changes-emergency-dialog', '?mock#/changes', async (page) => {
    await page.click('[data-testid=changes-draft][data-key=search-algorithm] [data-testid=changes-draft-check]');
    await page.click('[data-testid=changes-emergency]');
  }],
  ['change-open', '?mock#/changes/cr-7f3a', async (page) => {
    await page.click('[data-testid=change-line-toggle] >> nth=0');
  }],
  ['change-approved', '?mock#/changes/cr-2b91', async () => {}],
  ['change-approve-dialog', '?mock#/changes/cr-7f3a', async (page) => {
    await page.click('[data-testid=change-approve]');
    await page.fill('[data-testid=change-decision-comment]', 'Dashboards are green.');
  }],
  ['change-publish-confirm', '?mock#/changes/cr-2b91', async (page) => page.click('[data-testid=change-publish]')],
  ['change-published', '?mock#/changes/cr-0c55', async () => {}],
];

await mkdir(OUT, { recursive: true });
try {
  for (const theme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((t) => localStorage.setItem('flagdeck.theme', t), theme);
    await context.addInitScript(() => localStorage.setItem('flagdeck.workspace', '1'));
    for (const [name, path, act] of shots) {
      const page = await context.newPage();
      await page.goto(base + path);
      await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
      await page.waitForTimeout(600);
      await act(page);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/changes-${name}-${theme}.png` });
      await page.close();
    }
    await context.close();
  }
  console.log(`screenshots in ${OUT}/changes-*`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
