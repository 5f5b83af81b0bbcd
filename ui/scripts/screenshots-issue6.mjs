// Screenshots of the issue-6 screens (personas, preview, preview server, rebucketing impact)
// against the dev-only mock host, light and dark, at 1280×800:
// `npm run build && node scripts/screenshots-issue6.mjs` → ../docs/screenshots/*.png. Look at them.
import { shoot } from './shoot.mjs';

const OUT = '../docs/screenshots';

const shots = [
  ['personas', '?mock#/personas', async () => {}],
  ['personas-editor', '?mock#/personas/anna-de-pro', async (page) => {
    await page.waitForSelector('[data-testid=persona-attr][data-attr=plan]');
  }],
  ['personas-problem', '?mock#/personas/bob-us-free', async (page) => {
    await page.fill('[data-testid=persona-attr][data-attr=appVersion]', '2.1');
    await page.keyboard.press('Enter');
  }],
  ['personas-new', '?mock#/personas', async (page) => {
    await page.click('[data-testid=new-persona]');
    await page.fill('[data-testid=new-persona-name]', 'Chloé (France, Free)');
  }],
  ['preview', '?mock#/preview', async (page) => {
    await page.waitForSelector('[data-testid=preview-row]');
  }],
  ['preview-next-week-changes', '?mock#/preview', async (page) => {
    await page.waitForSelector('[data-testid=preview-row]');
    await page.click('[data-testid=preview-at-next-week]');
    await page.check('[data-testid=preview-changes-only]');
    await page.waitForTimeout(400);
    await page.locator('[data-testid=preview-explain]').first().click();
  }],
  ['preview-context', '?mock#/preview', async (page) => {
    await page.waitForSelector('[data-testid=preview-row]');
    await page.click('text=Edit context');
    await page.selectOption('[data-testid=persona-attr][data-attr=plan]', 'free');
    await page.waitForTimeout(400);
  }],
  ['preview-server', '?mock#/preview', async (page) => {
    await page.waitForSelector('[data-testid=preview-row]');
    await page.click('[data-testid=preview-server-start]');
    await page.waitForSelector('[data-testid=preview-server-url]');
    await page.selectOption('[data-testid=preview-server-pin][data-flag=banner-color]', 'green').catch(() => {});
    await page.click('text=How to point your app at it');
  }],
  ['preview-10k', '?mock=10000#/preview', async (page) => {
    await page.waitForSelector('[data-testid=preview-row]', { timeout: 30_000 });
    await page.fill('[data-testid=preview-search]', 'generated 99');
  }],
  ['rebucket', '?mock#/flags/search-algorithm', async (page) => {
    await page.click('[data-testid=rebucket-run]');
    await page.waitForSelector('[data-testid=rebucket-share]');
    await page.locator('[data-testid=rebucket-impact]').scrollIntoViewIfNeeded();
  }],
];

await shoot(shots, { out: OUT, timezoneId: 'Europe/Berlin' });
