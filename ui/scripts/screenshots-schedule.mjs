// Screenshots of the schedule editor and the release calendar against the dev-only mock host,
// light and dark, 1280×800, in Europe/Berlin: `npm run build && node scripts/screenshots-schedule.mjs`
// → ../docs/screenshots/schedule-*.png and calendar-*.png. Look at them.
import { shoot } from './shoot.mjs';

const OUT = '../docs/screenshots';
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

await shoot(shots, { out: OUT, timezoneId: 'Europe/Berlin', settle: 500, after: 400, only, file: (name, theme) => `${name}${theme === 'dark' ? '-dark' : ''}.png` });
