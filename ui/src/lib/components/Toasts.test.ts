import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Toasts from './Toasts.svelte';

afterEach(cleanup);

describe('Toasts', () => {
  it('shows errors with the toast TestId, their detail, and dismisses them', async () => {
    const dismissed: number[] = [];
    render(Toasts, {
      toasts: [
        { id: 1, kind: 'error', text: "You're offline", detail: 'No route to host', code: 'offline' },
        { id: 2, kind: 'info', text: 'Saved' },
      ],
      ondismiss: (id: number) => dismissed.push(id),
    });
    const errors = screen.getAllByTestId('toast');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.getAttribute('role')).toBe('alert');
    expect(errors[0]?.textContent).toContain('No route to host');
    expect(screen.getByText('Saved')).toBeTruthy();
    await fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss' })[0] as HTMLElement);
    expect(dismissed).toEqual([1]);
  });
});
