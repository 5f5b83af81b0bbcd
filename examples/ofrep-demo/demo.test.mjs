// The demo page in Chromium (playwright-core, the system's Chromium) against a real
// `flagdeck preview-server`: the banner shows the unpublished variation, the pinned flag is
// marked, and an edit to the project shows without reloading. Screenshots land in
// test-artifacts/ofrep-demo/ at the repository's root.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { repoRoot, setBanner, startPreviewServer, unpublishedProject } from '../../tests/ofrep/preview-server.mjs';
import { startDemoServer } from './serve.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'ofrep-demo');

let project;
let preview;
let demo;
let browser;

before(async () => {
  project = unpublishedProject('green');
  preview = await startPreviewServer(project.dir, { pins: ['max-cart-items=medium'] });
  demo = await startDemoServer(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await demo?.close();
  await preview?.stop();
  project?.cleanup();
});

test('the demo page shows the unpublished and the pinned variation, and follows edits', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${demo.url}/?ofrep=${encodeURIComponent(preview.url)}&user=designer-1`);
  await page.locator('#status[data-state="ready"]').waitFor({ timeout: 20_000 });

  const banner = page.getByTestId('demo-banner');
  assert.equal(await banner.getAttribute('data-variant'), 'green');
  assert.equal(await banner.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(67, 160, 71)');
  assert.match(await page.locator('#banner-detail').textContent(), /green \(#43a047\)/);
  const pinned = page.locator('tr[data-flag="max-cart-items"]');
  assert.match(await pinned.textContent(), /medium/);
  assert.equal(await pinned.locator('.pinned').count(), 1);
  await page.screenshot({ path: join(ARTIFACTS, 'unpublished-green.png') });

  // The designer's teammate edits the draft again: the page follows within its poll interval.
  setBanner(project.dir, 'blue');
  await page.locator('[data-testid="demo-banner"][data-variant="blue"]').waitFor({ timeout: 15_000 });
  assert.equal(await banner.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(30, 136, 229)');
  await page.screenshot({ path: join(ARTIFACTS, 'edited-blue.png') });
  assert.deepEqual(errors, []);
});
