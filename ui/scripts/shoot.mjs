// The screenshot scripts' shared runner: the built UI (`npm run build`) served by vite's preview
// on a free port, the dev-only mock host (`?mock`), Debian's Chromium at 1280×800, every shot in
// the light and then the dark theme. Each script is a list of shots.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

/**
 * A shot: [name, path after the server's address, act(page) before the picture, fullPage?].
 * Options: `out` (folder), `file(name, theme)` (its file name), `timezoneId`, `settle` and
 * `after` (ms waited before and after `act`), `only` (a prefix of the names to take).
 */
export async function shoot(shots, { out, file = (name, theme) => `${name}-${theme}.png`, timezoneId, settle = 400, after = 300, only } = {}) {
  const server = await preview({ preview: { port: 0 }, logLevel: 'error' });
  const base = server.resolvedUrls?.local[0] ?? `http://localhost:${server.httpServer.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(out, { recursive: true });
  try {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...(timezoneId ? { timezoneId } : {}) });
      await context.addInitScript((t) => localStorage.setItem('flagdeck.theme', t), theme);
      await context.addInitScript(() => localStorage.setItem('flagdeck.workspace', '1'));
      for (const [name, path, act, fullPage] of shots) {
        if (only && !name.startsWith(only)) continue;
        const page = await context.newPage();
        page.on('pageerror', (e) => console.log(`${name}: page error ${e.message}`));
        await page.goto(base + path);
        await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
        await page.waitForTimeout(settle);
        await act(page);
        await page.waitForTimeout(after);
        await page.screenshot({ path: `${out}/${file(name, theme)}`, fullPage: Boolean(fullPage) });
        await page.close();
      }
      await context.close();
    }
    console.log(`screenshots in ${out}/`);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
  }
}

/** Closes every toast, so it does not cover the screen in the picture. */
export async function dismissToasts(page) {
  for (const button of await page.locator('button[aria-label=Dismiss]').all()) await button.click().catch(() => {});
}
