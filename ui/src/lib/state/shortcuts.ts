// Global keyboard shortcuts: undo/redo and `/` for search. They stay out of the way while the
// user types, so a text field keeps its own undo.
export type Shortcut = 'undo' | 'redo' | 'search' | null;

/** Whether keys typed at `target` belong to a text entry. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/** Which shortcut a key press is, if any. */
export function shortcutFor(event: KeyboardEvent): Shortcut {
  if (isTextEntry(event.target)) return null;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey && key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (mod && !event.altKey && !event.shiftKey && key === 'y') return 'redo';
  if (!mod && !event.altKey && event.key === '/') return 'search';
  return null;
}
