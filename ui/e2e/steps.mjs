// Steps several tests share, written as a person would do them.
import { byTestId, waitReady } from './harness.mjs';

/**
 * Gets from the printed address to the project's flags list: `flagdeck serve <dir>` registers
 * the folder, so the list may already be open, or the workspace is one click away; failing
 * that, the folder is opened by its path like a first-time user would.
 */
export async function openProjectWorkspace(page, projectDir) {
  await waitReady(page, 'shell');
  const list = byTestId(page, 'flag-list');
  const item = byTestId(page, 'workspace-item');
  const openPath = byTestId(page, 'ws-open-folder-path');
  await list.or(item.first()).or(openPath).first().waitFor({ timeout: 15_000 });
  if (await list.isVisible()) return;
  if ((await item.count()) > 0) {
    await item.first().click();
  } else {
    await openPath.fill(projectDir);
    await byTestId(page, 'ws-open-folder').click();
  }
  await list.waitFor({ timeout: 15_000 });
}

/** Opens the segments list and a segment's editor. */
export async function openSegment(page, key) {
  await byTestId(page, 'nav-segments').click();
  await byTestId(page, 'segment-row', { 'data-key': key }).click();
  await byTestId(page, 'segment-editor').waitFor();
}

/**
 * Waits as a person would between two edits: until the editor no longer says "Saving…", and
 * then a moment longer than the folder watcher's debounce (200 ms), so its echo of our own
 * write is done before the next edit. Quicker edits can be lost today: the watcher's refresh
 * may store a file it read just before a newer save (reported; flagdeck-app folder.rs).
 */
export async function pause(page) {
  await page.waitForFunction(
    () => ![...document.querySelectorAll('[data-testid="save-state"]')].some((el) => el.textContent?.includes('Saving')),
    undefined,
    { timeout: 10_000 },
  );
  await page.waitForTimeout(600);
}
