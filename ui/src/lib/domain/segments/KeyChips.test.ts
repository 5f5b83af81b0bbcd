import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import KeyChips from './KeyChips.svelte';
import { type AddResult, addKeys, removeKey } from './keyList';

/** Renders the chips over a plain array, as the controller would keep it. */
function setup(initial: string[]) {
  const state = { keys: [...initial] };
  const view = render(KeyChips, {
    props: {
      id: 'inc',
      label: 'Include',
      hint: 'Keys',
      keys: state.keys,
      testid: 'segment-include',
      onadd: (text: string): AddResult => {
        const result = addKeys(state.keys, text);
        state.keys = result.next;
        void view.rerender({ keys: state.keys });
        return result;
      },
      onremove: (key: string) => {
        state.keys = removeKey(state.keys, key);
        void view.rerender({ keys: state.keys });
      },
    },
  });
  const input = view.getByLabelText('Include', { selector: 'input' }) as HTMLInputElement;
  const chips = () => [...view.container.querySelectorAll('li.chip')].map((li) => li.getAttribute('data-key'));
  return { view, input, chips, state };
}

afterEach(cleanup);

describe('KeyChips', () => {
  it('adds the typed key on Enter and clears the field', async () => {
    const { input, chips } = setup(['user-1']);
    await fireEvent.input(input, { target: { value: 'user-2' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(chips()).toEqual(['user-1', 'user-2']);
    expect(input.value).toBe('');
  });

  it('says why a duplicate was refused', async () => {
    const { view, input, chips } = setup(['user-1']);
    await fireEvent.input(input, { target: { value: 'user-1' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(chips()).toEqual(['user-1']);
    expect(view.getByRole('status').textContent).toBe('user-1 is already in the list, so it was not added again.');
  });

  it('turns a paste of many keys into many chips', async () => {
    const { input, chips } = setup([]);
    const clipboardData = { getData: () => 'a\nb, c' };
    await fireEvent.paste(input, { clipboardData });
    expect(chips()).toEqual(['a', 'b', 'c']);
  });

  it('removes a chip with its button, and the last one with Backspace in the empty field', async () => {
    const { view, input, chips } = setup(['a', 'b', 'c']);
    await fireEvent.click(view.getByRole('button', { name: 'Remove b' }));
    expect(chips()).toEqual(['a', 'c']);
    await fireEvent.keyDown(input, { key: 'Backspace' });
    expect(chips()).toEqual(['a']);
  });
});
