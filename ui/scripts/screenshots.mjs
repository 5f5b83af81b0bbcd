// Screenshots of the main screens against the dev-only mock host, light and dark, at 1280×800:
// `npm run build && node scripts/screenshots.mjs` → test-artifacts/*.png. Look at them.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const OUT = 'test-artifacts';
const server = await preview({ preview: { port: 4179, strictPort: true }, logLevel: 'error' });
const base = 'http://127.0.0.1:4179/';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** Each shot: a URL and what to do before the picture. */
const shots = [
  ['welcome', '?mock=empty', async () => {}],
  ['flags', '?mock#/flags', async () => {}],
  ['flags-search', '?mock#/flags', async (page) => {
    await page.keyboard.press('/');
    await page.keyboard.type('checkout');
  }],
  ['flags-filter-killed', '?mock#/flags', async (page) => {
    await page.click('[data-testid=filter-env-state]');
    await page.click('[data-testid=filter-env-state-option][data-value=killed]');
  }],
  ['new-flag', '?mock#/flags', async (page) => {
    await page.click('[data-testid=new-flag]');
    await page.fill('[data-testid=new-flag-name]', 'Dark mode');
    await page.click('[data-testid=new-flag-type]');
  }],
  ['flags-10k', '?mock=10000#/flags', async () => {}],
  ['segments', '?mock#/segments', async () => {}],
  ['workspaces', '?mock#/workspaces', async () => {}],
  ['clone-progress', '?mock#/workspaces', async (page) => {
    await page.fill('[data-testid=ws-clone-url]', 'https://git.example.com/acme/flags.git');
    await page.click('[data-testid=ws-clone]');
    await page.waitForSelector('[data-testid=ws-progress]');
    await page.waitForTimeout(500);
  }],
  ['remove-confirm', '?mock#/workspaces', async (page) => page.click('text=Remove')],
  ['welcome-clone', '?mock=empty', async (page) => page.click('text=Clone from a Git URL')],
  ['workspace-picker', '?mock#/flags', async (page) => page.click('[data-testid=workspace-picker]')],
  ['error-toast', '?mock&fail=undo#/flags', async (page) => {
    await page.click('h1');
    await page.keyboard.press('Control+z');
  }],
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
