import { describe, expect, it } from 'vitest';
import type { AttributeInfo } from '../../bindings/AttributeInfo';
import {
  changeAttribute, changeGroup, changeOperator, coerce, isSemver, localInputToRfc3339, newLeaf,
  operandKind, operatorLabel, rfc3339ToLocalInput, shapeOf,
} from './operators';

const attr = (key: string, type: AttributeInfo['type'], operators: string[]): AttributeInfo => ({
  key, type, description: null, values: null, operators,
});
const country = attr('country', 'string', ['equals', 'in', 'starts_with', 'exists']);
const plan = attr('plan', 'string', ['equals', 'in', 'exists']);
const age = attr('age', 'number', ['equals', 'in', 'lt', 'gt', 'exists']);
const beta = attr('beta', 'boolean', ['is_true', 'is_false', 'exists']);

describe('labels', () => {
  it('says operators in plain words', () => {
    expect(operatorLabel('in')).toBe('is one of');
    expect(operatorLabel('starts_with')).toBe('starts with');
    expect(operatorLabel('before')).toBe('is before');
    expect(operatorLabel('semver_gte')).toBe('semver ≥');
    expect(operatorLabel('made_up')).toBe('made up');
  });
});

describe('operand kinds', () => {
  it('picks the editor by type and operator', () => {
    expect(operandKind('string', 'in')).toBe('list');
    expect(operandKind('number', 'gt')).toBe('number');
    expect(operandKind('datetime', 'before')).toBe('datetime');
    expect(operandKind('boolean', 'is_true')).toBe('none');
    expect(operandKind('string', 'exists')).toBe('none');
    expect(operandKind('semver', 'semver_lt')).toBe('semver');
  });
});

describe('defaults and changes', () => {
  it('starts a leaf with the first operator and an operand of its shape', () => {
    expect(newLeaf(country)).toEqual({ attribute: 'country', op: 'equals', value: '' });
    expect(newLeaf(beta)).toEqual({ attribute: 'beta', op: 'is_true' });
  });

  it('keeps the operator and values when the new attribute has the same type', () => {
    const leaf = { attribute: 'country', op: 'in', values: ['DE'] };
    expect(changeAttribute(leaf, plan, 'string')).toEqual({ attribute: 'plan', op: 'in', values: ['DE'] });
  });

  it('resets an operator the new type does not allow', () => {
    const leaf = { attribute: 'country', op: 'starts_with', value: 'D' };
    expect(changeAttribute(leaf, age, 'string')).toEqual({ attribute: 'age', op: 'equals', value: 0 });
  });

  it('drops values of the old type even when the operator is still allowed', () => {
    const leaf = { attribute: 'country', op: 'in', values: ['DE'] };
    expect(changeAttribute(leaf, age, 'string')).toEqual({ attribute: 'age', op: 'in', values: [] });
  });

  it('moves the operand between value and values', () => {
    expect(changeOperator({ attribute: 'country', op: 'equals', value: 'DE' }, 'in', 'string'))
      .toEqual({ attribute: 'country', op: 'in', values: ['DE'] });
    expect(changeOperator({ attribute: 'country', op: 'in', values: ['FR', 'DE'] }, 'equals', 'string'))
      .toEqual({ attribute: 'country', op: 'equals', value: 'FR' });
    expect(changeOperator({ attribute: 'country', op: 'equals', value: 'DE' }, 'exists', 'string'))
      .toEqual({ attribute: 'country', op: 'exists' });
  });

  it('coerces values to the attribute type', () => {
    expect(coerce('number', '42')).toBe(42);
    expect(coerce('number', 'forty')).toBeNull();
    expect(coerce('number', '')).toBeNull();
    expect(coerce('string', 7)).toBe('7');
    expect(coerce('boolean', 'true')).toBe(true);
    expect(coerce('string', { a: 1 })).toBeNull();
  });
});

describe('groups', () => {
  it('tells shapes apart', () => {
    expect(shapeOf({ all: [] })).toBe('all');
    expect(shapeOf({ segment: 'beta' })).toBe('segment');
    expect(shapeOf({ not: { segment: 'x' } })).toBe('not');
    expect(shapeOf({ attribute: 'a', op: 'exists' })).toBe('leaf');
  });

  it('switches between all, any and not keeping the parts', () => {
    const a = { segment: 'a' };
    const b = { segment: 'b' };
    expect(changeGroup({ all: [a, b] }, 'any')).toEqual({ any: [a, b] });
    expect(changeGroup({ all: [a] }, 'not')).toEqual({ not: a });
    expect(changeGroup({ any: [a, b] }, 'not')).toEqual({ not: { all: [a, b] } });
    expect(changeGroup({ not: a }, 'all')).toEqual({ all: [a] });
    expect(changeGroup({ not: { all: [a, b] } }, 'any')).toEqual({ any: [a, b] });
  });
});

describe('values', () => {
  it('checks strict semver', () => {
    expect(isSemver('2.0.0')).toBe(true);
    expect(isSemver('1.2.3-beta.1')).toBe(true);
    expect(isSemver('v1.2.3')).toBe(false);
    expect(isSemver('1.2')).toBe(false);
    expect(isSemver('1.2.3+build')).toBe(false);
  });

  it('round-trips datetimes as UTC with whole seconds', () => {
    expect(rfc3339ToLocalInput('2026-12-01T09:00:00Z')).toBe('2026-12-01T09:00:00');
    expect(localInputToRfc3339('2026-12-01T09:00')).toBe('2026-12-01T09:00:00Z');
    expect(localInputToRfc3339('2026-12-01T09:00:30')).toBe('2026-12-01T09:00:30Z');
    expect(localInputToRfc3339('nonsense')).toBeNull();
    expect(rfc3339ToLocalInput(42)).toBe('');
  });
});
