// Screenshots of the Changes screens (issue 7) against the dev-only mock host, light and dark:
// `npm run build && node scripts/screenshots-changes.mjs` → test-artifacts/changes-*.png.
import { shoot } from './shoot.mjs';

const OUT = 'test-artifacts';

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

await shoot(shots, { out: OUT, settle: 600, after: 400, file: (name, theme) => `changes-${name}-${theme}.png` });
