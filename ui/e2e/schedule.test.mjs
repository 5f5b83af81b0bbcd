// Issue 6, items 1 and 2 in the browser, in Europe/Berlin: a release owner adds a four-step
// rollout from a template in production (across the spring DST change), sees it saved as a draft
// with the exposure chart, gets a plain-word problem for a step moved into the past, undoes it;
// then the release calendar shows the steps and schedules another rollout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, pause } from './steps.mjs';

const KEY = 'onboarding-tour';
let app;

before(async () => {
  app = await startFlagdeck({ timezoneId: 'Europe/Berlin' });
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

const production = () => app.readJson(`flags/${KEY}.json`).environments?.production;
const DAY_MS = 86_400_000;
const utc = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The next spring clock change in Berlin (the last Sunday of March) whose Thursday is at least two
 * days away: that Thursday as YYYY-MM-DD, and the instants of 09:00 Berlin on Thursday, Friday
 * (CET, UTC+1), Monday, Tuesday and Wednesday (CEST, UTC+2). Computed, so the test never ages.
 */
function springChange() {
  for (let year = new Date().getUTCFullYear(); ; year++) {
    const sunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
    const thursday = Date.UTC(year, 2, sunday - 3, 8);
    if (thursday < Date.now() + 2 * DAY_MS) continue;
    const after = (days) => Date.UTC(year, 2, sunday + days, 7);
    return { year, date: utc(thursday).slice(0, 10), nine: [thursday, thursday + DAY_MS, after(1), after(2), after(3)].map(utc) };
  }
}
const spring = springChange();
const go = (page, hash) => page.evaluate((h) => { window.location.hash = h; }, hash);

test('a four-step template in production is saved as a draft, with the exposure chart', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  await go(page, `#/flags/${KEY}/production`);
  const schedule = byTestId(page, 'schedule');
  await schedule.waitFor();
  assert.equal(await byTestId(page, 'schedule-tz').textContent(), 'Europe/Berlin (CET)');
  // The example already has two steps (half an hour apart).
  const existing = production().schedule;
  assert.equal(existing.length, 2);
  assert.equal(await byTestId(page, 'schedule-step').count(), 2);

  // The Thursday before the spring clock change, 09:00 Berlin: Thu, Fri, then Mon and Tue after
  // the clocks go forward (an hour earlier in UTC).
  await byTestId(page, 'schedule-template').click();
  await byTestId(page, 'schedule-template-option', { 'data-template': 'four-step' }).check();
  await byTestId(page, 'schedule-template-start-date').fill(spring.date);
  await byTestId(page, 'schedule-template-start-time').fill('09:00');
  await screenshot(page, 'schedule-template-dialog');
  await byTestId(page, 'schedule-template-apply').click();
  await pause(page);

  const env = await eventually(production, (e) => (e?.schedule?.length ?? 0) === 6, { what: 'four more steps on disk' });
  assert.deepEqual(env.schedule.map((s) => s.at), [...existing.map((s) => s.at), ...spring.nine.slice(0, 4)]);
  assert.deepEqual(env.schedule[2].fallthrough, { rollout: [{ variation: 'on', weight: 10 }, { variation: 'off', weight: 90 }] });
  assert.deepEqual(env.schedule[4].fallthrough, { rollout: [{ variation: 'on', weight: 50 }, { variation: 'off', weight: 50 }] });
  assert.deepEqual(env.schedule[5].fallthrough, { variation: 'on' });
  assert.equal(await byTestId(page, 'save-state').textContent(), 'Saved as draft');
  await byTestId(page, 'unpublished-badge').waitFor();

  // The steps show in local time, and the chart has them.
  assert.equal(await byTestId(page, 'schedule-step').count(), 6);
  const third = byTestId(page, 'schedule-step', { 'data-index': 4 });
  assert.equal(await third.locator('[data-testid="schedule-step-date"]').inputValue(), spring.nine[2].slice(0, 10));
  assert.equal(await third.locator('[data-testid="schedule-step-time"]').inputValue(), '09:00');
  assert.equal(await third.locator('[data-testid="schedule-step-action"]').inputValue(), 'rollout');
  assert.equal(await third.locator('[data-testid="schedule-step-percent"][data-variation="on"]').inputValue(), '50');
  const chart = byTestId(page, 'exposure-chart');
  await chart.waitFor();
  assert.equal(await chart.getAttribute('data-steps'), '6');
  assert.equal(await chart.locator('path.line').count(), 2);
  assert.equal(await byTestId(page, 'schedule-problem').count(), 0);
  await chart.scrollIntoViewIfNeeded();
  await screenshot(page, 'schedule-four-steps-chart');

  // Change the second new step's rollout to 15 %: the rest follows, the file has it.
  const second = byTestId(page, 'schedule-step', { 'data-index': 3 });
  await second.locator('[data-testid="schedule-step-percent"][data-variation="on"]').fill('15');
  await second.locator('[data-testid="schedule-step-percent"][data-variation="on"]').press('Enter');
  await pause(page);
  await eventually(production, (e) => e?.schedule?.[3]?.fallthrough?.rollout?.[1]?.weight === 85, { what: 'the 15/85 rollout on disk' });

  // Move the first step into the past: a problem in words at that step.
  const first = byTestId(page, 'schedule-step', { 'data-index': 0 });
  await first.locator('[data-testid="schedule-step-date"]').fill('2020-01-06');
  await pause(page);
  const problem = byTestId(page, 'schedule-problem', { 'data-index': 0 });
  await problem.waitFor();
  assert.match(await problem.textContent(), /in the past \(Mon 6 Jan 2020, 10:00\)/);
  await eventually(production, (e) => e?.schedule?.[0]?.at === '2020-01-06T09:00:00Z', { what: 'the moved step on disk' });
  await first.scrollIntoViewIfNeeded();
  await screenshot(page, 'schedule-problem');

  // Undo takes the move back.
  await byTestId(page, 'undo').click();
  await eventually(production, (e) => e?.schedule?.[0]?.at === existing[0].at, { what: 'the undone move on disk' });
  await eventually(() => byTestId(page, 'schedule-problem').count(), (n) => n === 0, { what: 'the problem gone' });

  // The example's own schedule: a ramp inside a rule's serve, shown as a rule step in words.
  await go(page, '#/flags/mobile-payments/production');
  const ruleStep = byTestId(page, 'schedule-step', { 'data-index': 0 });
  await ruleStep.waitFor();
  assert.equal(await ruleStep.locator('[data-testid="schedule-step-action"]').inputValue(), 'rule');
  assert.match(await ruleStep.textContent(), /The rule ramps .* from 10% to 100%/);
  await ruleStep.scrollIntoViewIfNeeded();
  await screenshot(page, 'schedule-rule-ramp');
  assert.deepEqual(app.problems, []);
});

test('the release calendar shows the steps and schedules a rollout', async () => {
  const { page } = app;
  await go(page, '#/calendar');
  const calendar = byTestId(page, 'calendar');
  await calendar.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="calendar"]')?.getAttribute('data-state') !== 'loading');
  // To March, where the four steps are.
  const marchSteps = production().schedule.filter((s) => s.at.startsWith(`${spring.year}-03`)).length;
  for (let i = 0; i < 30 && !(await byTestId(page, 'calendar-title').textContent()).startsWith(`March ${spring.year}`); i++) {
    await byTestId(page, 'calendar-next').click();
  }
  await eventually(() => byTestId(page, 'calendar-entry', { 'data-flag': KEY, 'data-env': 'production' }).count(), (n) => n === marchSteps, { what: 'the four new steps (and the example\'s) in that March' });
  await screenshot(page, 'calendar-march');

  // Schedule a rollout of mobile-payments in production from the calendar.
  await byTestId(page, 'calendar-schedule').click();
  await byTestId(page, 'calendar-schedule-flag').selectOption('mobile-payments');
  await byTestId(page, 'calendar-schedule-env').selectOption('production');
  await byTestId(page, 'schedule-template-option', { 'data-template': 'gradual' }).check();
  await byTestId(page, 'schedule-template-start-date').fill(spring.date);
  await byTestId(page, 'schedule-template-start-time').fill('10:00');
  await page.waitForFunction(() => !document.querySelector('[data-testid="calendar-schedule-create"]')?.hasAttribute('disabled'));
  await byTestId(page, 'calendar-schedule-create').click();
  const target = () => app.readJson('flags/mobile-payments.json').environments?.production;
  const env = await eventually(target, (e) => (e?.schedule?.length ?? 0) === 6, { what: 'five more steps on disk' });
  assert.deepEqual(env.schedule.slice(1).map((s) => s.at), spring.nine.map((at) => utc(Date.parse(at) + 3_600_000)));
  await eventually(() => byTestId(page, 'calendar-entry', { 'data-flag': 'mobile-payments', 'data-env': 'production' }).count(), (n) => n === 5, { what: 'five new calendar entries' });
  await byTestId(page, 'calendar-entry', { 'data-flag': 'mobile-payments', 'data-env': 'production' }).first().click();
  await byTestId(page, 'flag-editor').waitFor();
  // The editor loads the flag after it shows: wait for its steps, as a person would.
  await eventually(() => byTestId(page, 'schedule-step').count(), (n) => n === 6, { what: 'the six steps in the flag editor' });
});
