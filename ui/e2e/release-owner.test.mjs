// Issue 6's "done when", as a release owner does it in the browser (Europe/Berlin), on a project
// whose origin is a real bare Git repository that keeps dist/: from the release calendar,
// schedule a four-step rollout of mobile-payments in production starting tomorrow; see the steps
// in the calendar and the exposure chart on the flag; preview what Anna gets a week from now
// (the draft turns her "off" into "on"); then Sync now, and find the schedule in the committed
// flag file and compiled into dist/production.flagd.json as `$flagd.timestamp` conditions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, eventually, screenshot, startFlagdeck } from './harness.mjs';
import { openProjectWorkspace, pause } from './steps.mjs';

const FLAG = 'mobile-payments';
const PERSONA = 'anna-de-pro';
const DAY_MS = 86_400_000;
let app;

before(async () => {
  app = await startFlagdeck({ timezoneId: 'Europe/Berlin', withRemote: true });
});
after(async () => {
  if (app && app.problems.length > 0) console.log(`browser problems:\n${app.problems.join('\n')}`);
  await app?.stop();
});

/** `YYYY-MM-DD` and `YYYY-MM-DDTHH:mm` of an instant, in Berlin (the browser's zone here). */
function berlin(ms) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}` };
}

const production = () => app.readJson(`flags/${FLAG}.json`).environments.production;
const go = (page, hash) => page.evaluate((h) => { window.location.hash = h; }, hash);

test('a release owner schedules a four-step rollout from the calendar, previews next week, and publishes', async () => {
  const { page } = app;
  await page.goto(app.url);
  await openProjectWorkspace(page, app.projectDir);
  const before = production().schedule ?? [];

  // 1. The calendar: "Schedule a rollout", four steps, starting tomorrow at 09:00.
  await byTestId(page, 'nav-calendar').click();
  const calendar = byTestId(page, 'calendar');
  await calendar.waitFor();
  await byTestId(page, 'calendar-schedule').click();
  await byTestId(page, 'calendar-schedule-flag').selectOption(FLAG);
  await byTestId(page, 'calendar-schedule-env').selectOption('production');
  await byTestId(page, 'schedule-template-option', { 'data-template': 'four-step' }).check();
  await byTestId(page, 'schedule-template-start-date').fill(berlin(Date.now() + DAY_MS).date);
  await byTestId(page, 'schedule-template-start-time').fill('09:00');
  await screenshot(page, 'release-owner-1-schedule-dialog');
  await page.waitForFunction(() => !document.querySelector('[data-testid="calendar-schedule-create"]')?.hasAttribute('disabled'));
  await byTestId(page, 'calendar-schedule-create').click();

  // The draft on disk: four new steps, 10 % → 25 % → 50 % → everyone, all in the future.
  const env = await eventually(production, (e) => (e.schedule?.length ?? 0) === before.length + 4, { what: 'four new steps on disk' });
  const added = env.schedule.filter((s) => !before.some((b) => b.at === s.at));
  assert.equal(added.length, 4);
  assert.deepEqual(added.map((s) => s.fallthrough?.rollout?.find((r) => r.variation === 'on')?.weight ?? (s.fallthrough?.variation === 'on' ? 100 : null)), [10, 25, 50, 100]);
  const times = added.map((s) => Date.parse(s.at));
  assert.ok(times.every((t) => t > Date.now()), 'every step is in the future');
  assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]), 'the steps are in order');
  assert.ok(times.every((t) => berlin(t).minute.endsWith('T09:00')), 'every step at 09:00 Berlin time');

  // 2. The calendar shows the new steps as unpublished, on their days.
  const entries = byTestId(page, 'calendar-entry', { 'data-flag': FLAG, 'data-env': 'production' });
  await eventually(() => entries.count(), (n) => n >= 1, { what: 'the new steps in the calendar' });
  const shownDays = new Set(await page.locator('[data-testid="calendar"] [data-date]').evaluateAll((cells) => cells.map((c) => c.dataset.date)));
  for (const t of times.filter((t) => shownDays.has(berlin(t).date))) {
    const day = page.locator(`[data-testid="calendar"] [data-date="${berlin(t).date}"]`);
    assert.equal(await day.locator(`[data-testid="calendar-entry"][data-flag="${FLAG}"][data-unpublished="true"]`).count(), 1, `a step on ${berlin(t).date}`);
  }
  await screenshot(page, 'release-owner-2-calendar');

  // 3. Through to the flag: the steps in local time and the exposure chart.
  await entries.first().click();
  await byTestId(page, 'flag-editor').waitFor();
  await byTestId(page, 'schedule').waitFor();
  await eventually(() => byTestId(page, 'schedule-step').count(), (n) => n === before.length + 4, { what: 'every step in the editor' });
  const chart = byTestId(page, 'exposure-chart');
  await chart.waitFor();
  assert.equal(await chart.getAttribute('data-steps'), String(before.length + 4));
  await chart.scrollIntoViewIfNeeded();
  await screenshot(page, 'release-owner-3-exposure-chart');

  // 4. Preview Anna a week from now: published, she gets "off"; with the draft, "on".
  await byTestId(page, 'nav-preview').click();
  await byTestId(page, 'preview').waitFor();
  await byTestId(page, 'preview-persona').selectOption(PERSONA);
  const nextWeek = Date.now() + 7 * DAY_MS;
  assert.ok(nextWeek > times[3], 'a week from now, all four steps have happened');
  const at = byTestId(page, 'preview-at');
  await at.fill(berlin(nextWeek).minute);
  await at.press('Enter');
  const cell = byTestId(page, 'preview-cell', { 'data-key': FLAG, 'data-env': 'production' });
  const changed = cell.locator('[data-testid="preview-changed"]');
  await byTestId(page, 'preview-search').fill('mobile');
  await eventually(() => byTestId(page, 'preview-row').count(), (n) => n === 1, { what: 'the one row' });
  await changed.waitFor({ timeout: 10_000 });
  assert.equal(await cell.locator('[data-testid="preview-variant"]').innerText(), 'off', 'published: the fallthrough serves off');
  assert.match(await changed.innerText(), /off\s*→\s*on/);
  await cell.locator('[data-testid="preview-explain"]').click();
  await screenshot(page, 'release-owner-4-preview-next-week');

  // 5. Publish: Sync now commits and pushes the draft; the origin has the schedule and dist/.
  await go(page, `#/flags/${FLAG}/production`);
  await byTestId(page, 'unpublished-badge').waitFor();
  await pause(page);
  await byTestId(page, 'sync-now').click();
  const committed = await eventually(() => JSON.parse(app.readRemote(`flags/${FLAG}.json`)), (f) => (f.environments.production.schedule?.length ?? 0) === before.length + 4, { timeout: 20_000, what: 'the schedule in the pushed flag file' });
  assert.deepEqual(committed.environments.production.schedule, env.schedule);
  const flagd = JSON.parse(app.readRemote('dist/production.flagd.json'));
  const targeting = JSON.stringify(flagd.flags[FLAG].targeting);
  for (const t of times) assert.ok(targeting.includes(String(t / 1000)), `the step at ${new Date(t).toISOString()} is compiled`);
  assert.ok(targeting.includes('$flagd.timestamp'), 'the steps are compared with $flagd.timestamp');
  await byTestId(page, 'unpublished-badge').waitFor({ state: 'detached', timeout: 10_000 });
  await screenshot(page, 'release-owner-5-published');
  assert.deepEqual(app.problems, []);
});
