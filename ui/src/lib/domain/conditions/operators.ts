// What the condition builder says and stores for each operator (FORMAT.md "Conditions"): plain
// words for the pickers, which editor the operand needs, and how to carry a value over when the
// attribute or operator changes. Pure: the components only render what these return.
import type { AttributeInfo } from '../../bindings/AttributeInfo';
import type { AttributeType } from '../../bindings/AttributeType';
import type { Condition } from '../../bindings/Condition';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

const LABELS: Record<string, string> = {
  equals: 'is',
  not_equals: 'is not',
  in: 'is one of',
  not_in: 'is not one of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  lt: 'is less than',
  lte: 'is at most',
  gt: 'is more than',
  gte: 'is at least',
  is_true: 'is true',
  is_false: 'is false',
  semver_eq: 'semver =',
  semver_neq: 'semver ≠',
  semver_lt: 'semver <',
  semver_lte: 'semver ≤',
  semver_gt: 'semver >',
  semver_gte: 'semver ≥',
  semver_caret: 'semver ^ (same major, ≥)',
  semver_tilde: 'semver ~ (same minor, ≥)',
  before: 'is before',
  after: 'is after',
  exists: 'is set',
  not_exists: 'is not set',
};

/** The operator in plain words ("is one of"); an unknown one shows as written. */
export function operatorLabel(op: string): string {
  return LABELS[op] ?? op.replaceAll('_', ' ');
}

/** "number", "text"… for the attribute picker. */
export function typeLabel(type: AttributeType): string {
  return { string: 'text', number: 'number', boolean: 'yes/no', semver: 'version', datetime: 'date & time' }[type];
}

/** Which editor an operand needs. */
export type OperandKind = 'none' | 'list' | 'text' | 'number' | 'boolean' | 'semver' | 'datetime';

const NO_OPERAND = new Set(['exists', 'not_exists', 'is_true', 'is_false']);

export function operandKind(type: AttributeType | undefined, op: string): OperandKind {
  if (NO_OPERAND.has(op)) return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  switch (type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'semver':
      return 'semver';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

/** A new leaf on `attribute`: its first operator with an empty operand of the right shape. */
export function newLeaf(attribute: AttributeInfo): Condition {
  const op = attribute.operators[0] ?? 'exists';
  return withOperand({ attribute: attribute.key, op }, attribute.type, undefined);
}

/** Sets the operand field the operator needs, carrying `previous` over when it still fits. */
function withOperand(leaf: Condition, type: AttributeType | undefined, previous: Condition | undefined): Condition {
  const kind = operandKind(type, leaf.op ?? '');
  const next: Condition = { attribute: leaf.attribute ?? null, op: leaf.op ?? null };
  const fromOne = previous?.value;
  const fromMany = previous?.values ?? (fromOne !== undefined && fromOne !== null ? [fromOne] : []);
  if (kind === 'none') return next;
  if (kind === 'list') {
    next.values = fromMany.map((v) => coerce(type, v)).filter((v): v is JsonValue => v !== null);
    return next;
  }
  const candidate = fromOne ?? fromMany[0] ?? null;
  next.value = candidate === null ? defaultValue(kind) : (coerce(type, candidate) ?? defaultValue(kind));
  return next;
}

function defaultValue(kind: OperandKind): JsonValue {
  if (kind === 'number') return 0;
  if (kind === 'boolean') return true;
  return '';
}

/** A value as the attribute's type stores it in the file, or null when it cannot be. */
export function coerce(type: AttributeType | undefined, value: JsonValue): JsonValue | null {
  switch (type) {
    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value) ? value : null;
      if (typeof value === 'string' && value.trim() !== '') {
        const n = Number(value.trim());
        return Number.isFinite(n) ? n : null;
      }
      return null;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return null;
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return null;
  }
}

/** The leaf after picking another attribute: a type change resets an operator it no longer allows. */
export function changeAttribute(leaf: Condition, attribute: AttributeInfo, previousType: AttributeType | undefined): Condition {
  const op = leaf.op ?? '';
  const sameType = previousType === attribute.type;
  const keepOp = attribute.operators.includes(op);
  const next = { ...leaf, attribute: attribute.key, op: keepOp ? op : (attribute.operators[0] ?? 'exists') };
  return withOperand(next, attribute.type, sameType ? leaf : undefined);
}

/** The leaf after picking another operator: the operand moves between `value` and `values`. */
export function changeOperator(leaf: Condition, op: string, type: AttributeType | undefined): Condition {
  return withOperand({ ...leaf, op }, type, leaf);
}

/** Strict SemVer 2.0 without build metadata, as the format accepts. */
export function isSemver(text: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(text) && text.length <= 256;
}

/** RFC 3339 UTC (whole seconds) → the value of an `<input type="datetime-local">`, read as UTC. */
export function rfc3339ToLocalInput(value: JsonValue | null | undefined): string {
  if (typeof value !== 'string') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return date.toISOString().slice(0, 19);
}

/** A datetime-local input's value, taken as UTC → RFC 3339 with whole seconds ("…T09:00:00Z"). */
export function localInputToRfc3339(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!match) return null;
  const iso = `${match[1]}T${match[2]}:${match[3]}:${match[4] ?? '00'}Z`;
  return Number.isNaN(new Date(iso).getTime()) ? null : iso;
}

/** Which shape a condition has. */
export type ConditionShape = 'leaf' | 'segment' | 'all' | 'any' | 'not';

export function shapeOf(condition: Condition): ConditionShape {
  if (condition.all) return 'all';
  if (condition.any) return 'any';
  if (condition.not) return 'not';
  if (condition.segment !== undefined && condition.segment !== null) return 'segment';
  return 'leaf';
}

/** Switches a group between all / any / not, keeping its parts. */
export function changeGroup(condition: Condition, to: 'all' | 'any' | 'not'): Condition {
  const parts = condition.all ?? condition.any ?? (condition.not ? [condition.not] : []);
  if (to === 'not') {
    const only = parts.length === 1 ? parts[0] : { all: parts };
    return { not: only ?? { all: [] } };
  }
  const inner = condition.not;
  const list = inner ? (inner.all ?? [inner]) : parts;
  return to === 'all' ? { all: list } : { any: list };
}
