#!/usr/bin/env node
// Evaluates cases against a flagd file with @openfeature/flagd-core, the way an OpenFeature SDK
// in flagd's in-process mode would.
//
//   node flagd-core-eval.mjs FLAGD_FILE CASES.jsonl > results.jsonl
//
// Each case line is {"flag", "context", "at"?}; each output line is
// {"flag", "value", "variant", "reason", "errorCode"}, in the same order. `value` and `variant` are
// null where flagd-core hands back the caller's default (disabled, unknown flag, error, no
// default variant): a private sentinel default tells that apart from every real value.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

/** flagd-core returns this very object when it has no value of its own. */
export const NO_VALUE = Object.freeze({ sentinel: 'flagdeck: no value' });

const silentLogger = { error() {}, warn() {}, info() {}, debug() {} };

/**
 * Loads a flagd file with STRICT schema validation. `new FlagdCore().setConfigurations(text, true)`
 * would silently drop the `true` (FLAGD-NOTES §1): strictness lives on MemoryStorage.
 * Throws with a readable message when the file is rejected.
 */
export function loadStrict(text) {
  const storage = new MemoryStorage(silentLogger);
  try {
    storage.setConfigurations(text, true);
  } catch (err) {
    throw new Error(`flagd-core rejected the file under strict validation: ${summarize(err.message)}`);
  }
  return { core: new FlagdCore(storage, silentLogger), types: variantTypes(text) };
}

/**
 * flagd-core's message embeds ajv's error list; under `anyOf` the deepest `instancePath` is
 * usually the useful one (FLAGD-NOTES §1), so it comes first, with the rest counted.
 */
function summarize(message) {
  const start = message.indexOf('[');
  let errors;
  try {
    errors = JSON.parse(message.slice(start));
  } catch {
    return message;
  }
  if (start < 0 || !Array.isArray(errors) || errors.length === 0) return message;
  const depth = (e) => String(e.instancePath ?? '').split('/').length;
  const deepest = [...errors].sort((a, b) => depth(b) - depth(a))[0];
  const allowed = deepest.params?.allowedValues ? ` (allowed: ${deepest.params.allowedValues.join(', ')})` : '';
  const others = errors.length > 1 ? ` [and ${errors.length - 1} more schema errors]` : '';
  return `${message.slice(0, start).trim()} ${deepest.instancePath || '/'}: ${deepest.message}${allowed}${others}`;
}

/** The JavaScript type of each flag's variant values: which resolve* method fits it. */
export function variantTypes(text) {
  const types = new Map();
  const flags = JSON.parse(text).flags ?? {};
  for (const [key, flag] of Object.entries(flags)) {
    const first = Object.values(flag.variants ?? {})[0];
    types.set(key, first === null || first === undefined ? 'boolean' : typeof first);
  }
  return types;
}

const RESOLVERS = {
  boolean: 'resolveBooleanEvaluation',
  string: 'resolveStringEvaluation',
  number: 'resolveNumberEvaluation',
  object: 'resolveObjectEvaluation',
};

/**
 * Evaluates one case at its instant: `$flagd.timestamp` is `floor(Date.now() / 1000)` and
 * flagd-core reads no other clock, so Date.now is stubbed for the duration of the call.
 */
export function evaluateCase({ core, types }, testCase) {
  const flag = String(testCase.flag);
  const method = RESOLVERS[types.get(flag) ?? 'boolean'] ?? RESOLVERS.boolean;
  const realNow = Date.now;
  const at = testCase.at ?? Math.floor(realNow() / 1000);
  Date.now = () => at * 1000;
  let result;
  try {
    result = core[method](flag, NO_VALUE, testCase.context ?? {});
  } finally {
    Date.now = realNow;
  }
  const hasValue = result.value !== NO_VALUE;
  return {
    flag,
    value: hasValue ? result.value : null,
    variant: hasValue ? (result.variant ?? null) : null,
    reason: result.reason ?? null,
    errorCode: result.errorCode ?? null,
  };
}

/** Parses JSON Lines, skipping blank lines; a malformed line is an error naming its number. */
export function readJsonLines(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const items = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${path}:${i + 1}: not JSON: ${err.message}`);
    }
  });
  return items;
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node flagd-core-eval.mjs FLAGD_FILE CASES.jsonl\n');
    return 2;
  }
  const [flagdFile, casesFile] = argv;
  let engine;
  let cases;
  try {
    engine = loadStrict(readFileSync(flagdFile, 'utf8'));
    cases = readJsonLines(casesFile);
  } catch (err) {
    process.stderr.write(`${flagdFile}: ${err.message}\n`);
    return 1;
  }
  // Written in chunks: one write per line would dominate the run time.
  let chunk = [];
  for (const testCase of cases) {
    chunk.push(JSON.stringify(evaluateCase(engine, testCase)));
    if (chunk.length === 5000) {
      process.stdout.write(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length > 0) process.stdout.write(chunk.join('\n') + '\n');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
