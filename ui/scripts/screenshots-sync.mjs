// Screenshots of the issue-7 sync screens (header sync status, conflicts, audit log, settings)
// against the dev-only mock host, light and dark, at 1280×800:
// `npm run build && node scripts/screenshots-sync.mjs` → ../docs/screenshots/*.png. Look at them.
import { dismissToasts, shoot } from './shoot.mjs';

const OUT = '../docs/screenshots';

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

await shoot(shots, { out: OUT, timezoneId: 'Europe/Berlin' });
