import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttributeInfo } from '../../bindings/AttributeInfo';
import ConditionBuilder from './ConditionBuilder.svelte';

const attributes: AttributeInfo[] = [
  { key: 'country', type: 'string', description: null, values: ['DE', 'FR'], operators: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with', 'exists', 'not_exists'] },
  { key: 'age', type: 'number', description: null, values: null, operators: ['equals', 'not_equals', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte', 'exists', 'not_exists'] },
  { key: 'signupAt', type: 'datetime', description: null, values: null, operators: ['before', 'after', 'exists', 'not_exists'] },
];
const segments = [{ key: 'beta-testers', name: 'Beta testers' }];

function options(select: HTMLElement): string[] {
  return within(select).getAllByRole('option').map((o) => (o as HTMLOptionElement).value);
}

afterEach(cleanup);

describe('ConditionBuilder', () => {
  it('offers lt and gt but not starts_with for a number attribute', () => {
    render(ConditionBuilder, { condition: { attribute: 'age', op: 'gt', value: 18 }, attributes, segments, path: '/when', onchange: () => {} });
    const ops = options(screen.getByTestId('condition-operator'));
    expect(ops).toContain('lt');
    expect(ops).toContain('gt');
    expect(ops).not.toContain('starts_with');
    expect(screen.getByRole('option', { name: 'is more than' })).toBeTruthy();
  });

  it('resets an operator the newly picked attribute type does not allow', async () => {
    const onchange = vi.fn();
    render(ConditionBuilder, { condition: { attribute: 'country', op: 'starts_with', value: 'D' }, attributes, segments, path: '/when', onchange });
    await fireEvent.change(screen.getByTestId('condition-attribute'), { target: { value: 'age' } });
    expect(onchange).toHaveBeenCalledWith({ attribute: 'age', op: 'equals', value: 0 });
  });

  it('edits datetimes as UTC and stores RFC 3339', async () => {
    const onchange = vi.fn();
    render(ConditionBuilder, { condition: { attribute: 'signupAt', op: 'after', value: '2026-06-01T00:00:00Z' }, attributes, segments, path: '/when', onchange });
    const input = screen.getByTestId('condition-value') as HTMLInputElement;
    expect(input.value).toMatch(/^2026-06-01T00:00(:00)?$/);
    await fireEvent.change(input, { target: { value: '2026-12-01T09:30' } });
    expect(onchange).toHaveBeenCalledWith({ attribute: 'signupAt', op: 'after', value: '2026-12-01T09:30:00Z' });
  });

  it('wraps a single condition into "all" when another is added, with paths and errors', async () => {
    const onchange = vi.fn();
    const errors = new Map([['/rules/0/when/all/1', "Segment 'gone' does not exist."]]);
    render(ConditionBuilder, {
      condition: { all: [{ attribute: 'age', op: 'exists' }, { segment: 'gone' }] }, attributes, segments, path: '/rules/0/when', onchange, errors,
    });
    const nodes = screen.getAllByTestId('condition').map((n) => n.dataset.path);
    expect(nodes).toEqual(['/rules/0/when', '/rules/0/when/all/0', '/rules/0/when/all/1']);
    expect(screen.getByTestId('field-error').dataset.field).toBe('/rules/0/when/all/1');
    expect(screen.queryByTestId('condition-value')).toBeNull();
    await fireEvent.click(screen.getByTestId('add-condition'));
    expect(onchange).toHaveBeenCalledWith({ all: [{ attribute: 'age', op: 'exists' }, { segment: 'gone' }, { attribute: 'country', op: 'equals', value: '' }] });
  });

  it('starts from "everyone" and adds a first condition', async () => {
    const onchange = vi.fn();
    render(ConditionBuilder, { condition: null, attributes, segments, path: '/when', onchange });
    await fireEvent.click(screen.getByTestId('add-condition'));
    expect(onchange).toHaveBeenCalledWith({ attribute: 'country', op: 'equals', value: '' });
  });
});
