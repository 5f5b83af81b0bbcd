import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CommitText from './CommitText.svelte';

afterEach(cleanup);

describe('CommitText', () => {
  it('commits once on Enter, keeps invalid text with its message, and reverts on Escape', async () => {
        const commits: string[] = [];
    render(CommitText, {
      value: '5', label: 'Max items', testid: 'field',
      validate: (t: string) => (Number.isFinite(Number(t)) ? null : 'Enter a number.'),
      oncommit: (t: string) => commits.push(t),
    });
    const input = screen.getByTestId('field') as HTMLInputElement;
    await fireEvent.focus(input);
    await fireEvent.input(input, { target: { value: '7' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(commits).toEqual(['7']);
    await fireEvent.input(input, { target: { value: 'seven' } });
    await fireEvent.blur(input);
    expect(input.value).toBe('seven');
    expect(screen.getByText('Enter a number.')).toBeTruthy();
    expect(commits).toEqual(['7']);
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe('5');
  });
});

describe('CommitText idle commit', () => {
  it('commits 600 ms after the last keystroke, not per keystroke', async () => {
    vi.useFakeTimers();
    try {
            const commits: string[] = [];
      render(CommitText, { value: '', label: 'Name', testid: 'name', oncommit: (t: string) => commits.push(t) });
      const input = screen.getByTestId('name');
      await fireEvent.focus(input);
      for (const text of ['N', 'Ne', 'New']) {
        await fireEvent.input(input, { target: { value: text } });
        vi.advanceTimersByTime(300);
      }
      expect(commits).toEqual([]);
      vi.advanceTimersByTime(300);
      expect(commits).toEqual(['New']);
    } finally {
      vi.useRealTimers();
    }
  });
});
