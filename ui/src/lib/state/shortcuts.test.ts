import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts';

function press(init: KeyboardEventInit, target: HTMLElement = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { ...init, bubbles: true });
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('shortcutFor', () => {
  it('maps Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z', () => {
    expect(shortcutFor(press({ key: 'z', ctrlKey: true }))).toBe('undo');
    expect(shortcutFor(press({ key: 'z', metaKey: true }))).toBe('undo');
    expect(shortcutFor(press({ key: 'Z', ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(shortcutFor(press({ key: '/' }))).toBe('search');
  });

  it('leaves text fields their own undo', () => {
    const input = document.createElement('input');
    expect(shortcutFor(press({ key: 'z', ctrlKey: true }, input))).toBeNull();
    expect(shortcutFor(press({ key: '/' }, document.createElement('textarea')))).toBeNull();
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(shortcutFor(press({ key: 'z', ctrlKey: true }, box))).toBe('undo');
  });
});
