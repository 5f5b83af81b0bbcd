// Self-test of the differential harness: `node --test tests/differential/`.
// A harness that cannot fail proves nothing, so these tests show that each of its guards bites.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagdCore } from '@openfeature/flagd-core';
import { NO_VALUE, evaluateCase, loadStrict } from './flagd-core-eval.mjs';
import { mismatches } from './compare.mjs';

const SCHEMA = 'https://flagd.dev/schema/v0/flags.json';

function flagdFile(flags) {
  return JSON.stringify({ $schema: SCHEMA, flags });
}

const rollout = (weights) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: {
    fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ...weights],
  },
});

test('strict validation accepts a valid file and rejects integer-less weights and bad states', () => {
  assert.doesNotThrow(() => loadStrict(flagdFile({ r: rollout([['on', 20500], ['off', 79500]]) })));
  assert.throws(
    () => loadStrict(flagdFile({ r: rollout([['on', 20.5], ['off', 79.5]]) })),
    /rejected the file under strict validation/,
  );
  const badState = { state: 'PAUSED', variants: { on: true }, defaultVariant: 'on' };
  assert.throws(() => loadStrict(flagdFile({ s: badState })), /\/flags\/s\/state/);
});

test('the lenient loader would have accepted the broken file (FLAGD-NOTES §1)', () => {
  const broken = flagdFile({ r: rollout([['on', 20.5], ['off', 79.5]]) });
  const lenient = new FlagdCore(undefined, { error() {}, warn() {}, info() {}, debug() {} });
  assert.doesNotThrow(() => lenient.setConfigurations(broken, true));
});

test('the sentinel default tells "no value" apart from real values, false included', () => {
  const engine = loadStrict(
    flagdFile({
      off: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      dead: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      none: {
        state: 'ENABLED',
        variants: { a: 'x', b: 'y' },
        targeting: { if: [{ '===': [{ var: 'plan' }, 'pro'] }, 'b', null] },
      },
      obj: { state: 'ENABLED', variants: { a: { deep: [1] } }, defaultVariant: 'a' },
    }),
  );
  assert.equal(typeof NO_VALUE, 'object');
  assert.deepEqual(evaluateCase(engine, { flag: 'off', context: {} }), {
    flag: 'off', value: false, variant: 'off', reason: 'STATIC', errorCode: null,
  });
  const disabled = evaluateCase(engine, { flag: 'dead', context: {} });
  assert.equal(disabled.value, null);
  assert.equal(disabled.variant, null);
  assert.equal(disabled.reason, 'DISABLED');
  const unknown = evaluateCase(engine, { flag: 'nope', context: {} });
  assert.deepEqual([unknown.value, unknown.variant, unknown.errorCode], [null, null, 'FLAG_NOT_FOUND']);
  assert.deepEqual([evaluateCase(engine, { flag: 'none', context: {} }).value], [null]);
  assert.equal(evaluateCase(engine, { flag: 'none', context: { plan: 'pro' } }).value, 'y');
  assert.deepEqual(evaluateCase(engine, { flag: 'obj', context: {} }).value, { deep: [1] });
});

test('the case instant drives $flagd.timestamp, and Date.now is restored', () => {
  const at = 1_796_115_600; // 2026-12-01T09:00:00Z
  const engine = loadStrict(
    flagdFile({
      step: {
        state: 'ENABLED',
        variants: { before: 'before', after: 'after' },
        defaultVariant: 'before',
        targeting: { if: [{ '>=': [{ var: '$flagd.timestamp' }, at] }, 'after', 'before'] },
      },
    }),
  );
  const realNow = Date.now;
  assert.equal(evaluateCase(engine, { flag: 'step', context: {}, at: at - 1 }).value, 'before');
  assert.equal(evaluateCase(engine, { flag: 'step', context: {}, at }).value, 'after');
  assert.equal(evaluateCase(engine, { flag: 'step', context: {}, at: at + 1 }).value, 'after');
  assert.equal(Date.now, realNow);
});

test('compare finds value, variant and length differences, ignoring key order and reasons', () => {
  const line = (value, variant, reason = 'STATIC') => ({ flag: 'f', value, variant, reason, errorCode: null });
  assert.deepEqual(mismatches([line({ a: 1, b: 2 }, 'x', 'SPLIT')], [line({ b: 2, a: 1 }, 'x', 'TARGETING_MATCH')]), []);
  assert.equal(mismatches([line(1, 'x')], [line(2, 'x')]).length, 1);
  assert.equal(mismatches([line(1, 'x')], [line(1, 'y')]).length, 1);
  assert.equal(mismatches([line(null, null)], [line(false, 'off')]).length, 1);
  assert.equal(mismatches([line(1, 'x')], []).length, 1);
});
