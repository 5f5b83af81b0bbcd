#!/usr/bin/env node
// Compares two evaluators' results line by line: `value` (deep equality, key order ignored) and
// `variant`. Reasons are not compared: flagd reports a rollout as TARGETING_MATCH where Flagdeck
// says SPLIT, and both are right.
//
//   node compare.mjs A.jsonl B.jsonl [--cases CASES.jsonl] [--label TEXT]
//
// Prints "N cases, M mismatches" and the first 20 mismatches; exits 1 on any mismatch, 2 on bad
// input.

import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import { readJsonLines } from './flagd-core-eval.mjs';

const SHOWN = 20;

/** The mismatches between two result lists, each `{line, a, b}` (1-based line numbers). */
export function mismatches(a, b) {
  const found = [];
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !sameOutcome(x, y)) {
      found.push({ line: i + 1, a: x ?? null, b: y ?? null });
    }
  }
  return found;
}

function sameOutcome(x, y) {
  return x.flag === y.flag && isDeepStrictEqual(x.value ?? null, y.value ?? null) && (x.variant ?? null) === (y.variant ?? null);
}

function parseArgs(argv) {
  const args = { files: [], cases: null, label: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cases') args.cases = argv[++i];
    else if (argv[i] === '--label') args.label = argv[++i];
    else args.files.push(argv[i]);
  }
  return args;
}

function main(argv) {
  const args = parseArgs(argv);
  if (args.files.length !== 2) {
    process.stderr.write('usage: node compare.mjs A.jsonl B.jsonl [--cases CASES.jsonl] [--label TEXT]\n');
    return 2;
  }
  const [pathA, pathB] = args.files;
  let a, b, cases;
  try {
    a = readJsonLines(pathA);
    b = readJsonLines(pathB);
    cases = args.cases ? readJsonLines(args.cases) : [];
  } catch (err) {
    process.stderr.write(`compare: ${err.message}\n`);
    return 2;
  }
  const found = mismatches(a, b);
  const prefix = args.label ? `${args.label}: ` : '';
  console.log(`${prefix}${Math.max(a.length, b.length)} cases, ${found.length} mismatches`);
  if (a.length !== b.length) {
    console.log(`  ${pathA} has ${a.length} lines, ${pathB} has ${b.length}`);
  }
  for (const m of found.slice(0, SHOWN)) {
    console.log(`  line ${m.line}:`);
    if (cases[m.line - 1]) console.log(`    case: ${JSON.stringify(cases[m.line - 1])}`);
    console.log(`    ${pathA}: ${JSON.stringify(m.a)}`);
    console.log(`    ${pathB}: ${JSON.stringify(m.b)}`);
  }
  if (found.length > SHOWN) console.log(`  ... and ${found.length - SHOWN} more`);
  return found.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
