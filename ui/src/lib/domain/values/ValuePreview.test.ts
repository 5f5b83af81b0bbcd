import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ValuePreview from './ValuePreview.svelte';

afterEach(cleanup);

describe('ValuePreview', () => {
  it('shows a colour as a swatch with its code', () => {
    render(ValuePreview, { value: '#ff6b35' });
    expect(screen.getByRole('img', { name: 'Colour #ff6b35' })).toBeTruthy();
    expect(screen.getByText('#ff6b35')).toBeTruthy();
  });

  it('shows an image lazily with alt text, and says so when it cannot load', async () => {
    render(ValuePreview, { value: 'https://cdn.example/a.png', label: 'Summer hero' });
    const img = screen.getByAltText('Summer hero') as HTMLImageElement;
    expect(img.getAttribute('loading')).toBe('lazy');
    await fireEvent.error(img);
    expect(screen.getByText(/Image could not be loaded/)).toBeTruthy();
  });

  it('renders objects as tables whose cells use the same previews', () => {
    render(ValuePreview, { value: { accent: '#1f5fbf', plans: [{ key: 'pro', price: 19 }] }, label: 'Pricing' });
    const previews = screen.getAllByTestId('value-preview').map((p) => p.dataset.kind);
    expect(previews).toEqual(['object', 'color', 'array', 'object', 'text', 'number']);
    expect(screen.getByRole('rowheader', { name: 'accent' })).toBeTruthy();
  });
});
