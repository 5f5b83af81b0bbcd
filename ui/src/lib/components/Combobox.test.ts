import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Combobox from './Combobox.svelte';

afterEach(cleanup);

const items = ['country', 'companyId', 'plan', 'age'].map((v) => ({ value: v, label: v }));

describe('Combobox', () => {
  it('narrows the options as the user types and reports the pick', async () => {
    const picked: string[] = [];
    render(Combobox, { label: 'Attribute', items, testid: 'attr', onchange: (v: string) => picked.push(v) });
    const input = screen.getByTestId('attr');
    await fireEvent.keyDown(input, { key: 'c' });
    await fireEvent.input(input, { target: { value: 'co' } });
    await waitFor(() => expect(screen.getAllByTestId('attr-option').map((o) => o.dataset.value)).toEqual(['country', 'companyId']));
    const option = screen.getAllByTestId('attr-option')[1] as HTMLElement;
    await fireEvent.pointerDown(option, { pointerType: 'mouse', button: 0 });
    await fireEvent.pointerUp(option, { pointerType: 'mouse', button: 0 });
    await fireEvent.click(option);
    await waitFor(() => expect(picked).toEqual(['companyId']));
  });
});
