// Screenshots of the main screens against the dev-only mock host, light and dark, at 1280×800:
// `npm run build && node scripts/screenshots.mjs` → test-artifacts/*.png. Look at them.
import { shoot } from './shoot.mjs';

const OUT = 'test-artifacts';

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

await shoot(shots, { out: OUT });
