// Screenshots of the schedule editor and the release calendar against the dev-only mock host,
// light and dark, 1280×800, in Europe/Berlin: `npm run build && node scripts/screenshots-schedule.mjs`
// → ../docs/screenshots/schedule-*.png and calendar-*.png. Look at them.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const OUT = '../docs/screenshots';
// Any free port: other helpers take screenshots on this machine too.
const server = await preview({ preview: { port: 4191, strictPort: false }, logLevel: 'error' });
const base = server.resolvedUrls?.local[0] ?? 'http://localhost:4191/';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const only = process.argv[2];

async function addTemplate(page, template) {
  await page.click('[data-testid=schedule-template]');
  await page.click(`[data-testid=schedule-template-option][data-template=${template}]`);
  await page.click('[data-testid=schedule-template-apply]');
  await page.waitForSelector('[data-testid=exposure-chart]');
}

/** Each shot: a name, a URL, what to do before the picture, and whether to show the whole page. */
const shots = [
  ['schedule-empty', '?mock#/flags/onboarding-tour/production', async (page) => {
    await page.locator('[data-testid=schedule]').scrollIntoViewIfNeeded();
  }],
  ['schedule-template-dialog', '?mock#/flags/onboarding-tour/production', async (page) => {
    await page.click('[data-testid=schedule-template]');
  }],
  ['schedule-four-steps', '?mock#/flags/onboarding-tour/production', async (page) => {
    await addTemplate(page, 'four-step');
    await page.locator('[data-testid=schedule]').scrollIntoViewIfNeeded();
  }],
  ['schedule-ramp-chart', '?mock#/flags/onboarding-tour/production', async (page) => {
    await addTemplate(page, 'workweek-ramp');
    await page.locator('[data-testid=exposure-chart]').scrollIntoViewIfNeeded();
  }],
  ['schedule-problems', '?mock#/flags/onboarding-tour/production', async (page) => {
    await addTemplate(page, 'four-step');
    await page.fill('[data-testid=schedule-step][data-index="1"] [data-testid=schedule-step-date]', '2026-11-20');
    await page.waitForSelector('[data-testid=schedule-problem]');
    await page.locator('[data-testid=schedule-step][data-index="1"]').scrollIntoViewIfNeeded();
  }],
  ['calendar-month', '?mock#/calendar', async () => {}],
  ['calendar-week', '?mock#/calendar', async (page) => {
    await page.click('[data-testid=calendar-mode][data-mode=week]');
    await page.click('[data-testid=calendar-next]');
  }],
  ['calendar-day', '?mock#/calendar', async (page) => {
    // Thursday 3 December 2026 (the mock's two steps less than an hour apart), from 21 November.
    await page.click('[data-testid=calendar-mode][data-mode=day]');
    for (let i = 0; i < 12; i++) await page.click('[data-testid=calendar-next]');
  }],
  ['calendar-schedule-dialog', '?mock#/calendar', async (page) => page.click('[data-testid=calendar-schedule]')],
];

await mkdir(OUT, { recursive: true });
try {
  for (const theme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' });
    await context.addInitScript((t) => localStorage.setItem('flagdeck.theme', t), theme);
    await context.addInitScript(() => localStorage.setItem('flagdeck.workspace', '1'));
    for (const [name, path, act, fullPage] of shots) {
      if (only && !name.startsWith(only)) continue;
      const page = await context.newPage();
      page.on('pageerror', (e) => console.log(name, 'page error', e.message));
      await page.goto(base + path);
      await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
      await page.waitForTimeout(500);
      await act(page);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/${name}${theme === 'dark' ? '-dark' : ''}.png`, fullPage: Boolean(fullPage) });
      await page.close();
    }
    await context.close();
  }
  console.log(`screenshots in ${OUT}/`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
