// Rebucketing impact against the mock host: the generated sample and an imported CSV (with its
// bad rows listed), in words per environment.
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { MockBackend } from '../../backend/mock';
import { FLAGS } from '../../backend/mockData';
import RebucketImpact from './RebucketImpact.svelte';

afterEach(cleanup);

const search = FLAGS.find((f) => f.key === 'search-algorithm');

function setup() {
  const backend = new MockBackend({ empty: false, extraFlags: 0, fail: null });
  if (!search) throw new Error('the mock data lost search-algorithm');
  return render(RebucketImpact, { props: { backend, workspaceId: 1, flag: search, envName: (k: string) => k.toUpperCase() } });
}

describe('RebucketImpact', () => {
  it('checks a generated sample and says who moves where, per environment', async () => {
    const view = setup();
    await fireEvent.click(view.getByTestId('rebucket-run'));
    await waitFor(() => expect(view.container.querySelector('[data-testid=rebucket-share][data-env=production]')).not.toBeNull(), { timeout: 5000 });
    const production = view.container.querySelector('[data-testid=rebucket-share][data-env=production]')?.textContent ?? '';
    expect(production).toMatch(/^\d+(\.\d)?% of people would get a different variation$/);
    expect(view.container.querySelector('[data-testid=rebucket-share][data-env=staging]')?.textContent).toBe('No one would get a different variation.');
    expect(view.getAllByTestId('rebucket-trigger').map((t) => t.textContent)).toEqual(['Production: weights of the default rollout changed']);
    expect(view.container.textContent).toMatch(/Keyword search → Semantic search: [\d,]+/);
    expect(view.container.textContent).toContain('10,000 contexts');
    expect(view.container.textContent).not.toContain('The draft changed since this check');

    if (!search) return;
    await view.rerender({ flag: { ...search, name: 'Search engine' } });
    expect(view.container.textContent).toContain('The draft changed since this check');
  });

  it('imports a CSV and lists its bad rows', async () => {
    const view = setup();
    const csv = 'targetingKey,plan\nu1,free\nu2,gold\nu3,pro\n';
    const input = view.getByTestId('rebucket-csv') as HTMLInputElement;
    // jsdom's File has no text(); browsers do.
    File.prototype.text ??= function (this: File) {
      return new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.readAsText(this);
      });
    };
    await fireEvent.change(input, { target: { files: [new File([csv], 'people.csv', { type: 'text/csv' })] } });
    await waitFor(() => expect(view.container.textContent).toContain('3 contexts'), { timeout: 5000 });
    expect(view.container.textContent).toContain("Row 3, column plan: 'gold' is not one of free, pro, enterprise");
    expect(view.container.textContent).toContain('people.csv');
  });
});
