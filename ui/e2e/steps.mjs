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
 * Waits until the editor no longer says "Saving…" before the next edit, as a person sees it.
 * No extra delay for the folder watcher: its echo of the app's own write is in line with the
 * saves (flagdeck-app keeps a save and its write-through, and the watcher's read and its draft
 * write, as one step), so quick edits are never lost.
 */
export async function pause(page) {
  await page.waitForFunction(
    () => ![...document.querySelectorAll('[data-testid="save-state"]')].some((el) => el.textContent?.includes('Saving')),
    undefined,
    { timeout: 10_000 },
  );
}
