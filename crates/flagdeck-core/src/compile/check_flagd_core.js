// A by-hand check of compiled output against @openfeature/flagd-core (not run by cargo).
//
//   cargo test -p flagdeck-core compile::node_check -- --ignored      (writes the fixture)
//   cd <folder with @openfeature/flagd-core installed> && node <this file> [fixture dir]
//
// The fixture (default /tmp/flagdeck-node-check) holds flagd.json, compiled by Flagdeck, and
// cases.jsonl: {"flag", "context", "at", "expected"} with the variant Flagdeck's semantics give
// (null: the code default). Each case runs with Date.now stubbed to `at` and strict validation.
'use strict';
const fs = require('fs');
const path = require('path');
const { FlagdCore, MemoryStorage } = require(require.resolve('@openfeature/flagd-core', { paths: [process.cwd()] }));

const dir = process.argv[2] || '/tmp/flagdeck-node-check';
const text = fs.readFileSync(path.join(dir, 'flagd.json'), 'utf8');
const logger = { error() {}, warn() {}, info() {}, debug() {} };
const storage = new MemoryStorage(logger);
storage.setConfigurations(text, true); // throws a ParseError if the file is schema-invalid
const core = new FlagdCore(storage, logger);

const SENTINEL = 'no value (caller default)';
const realNow = Date.now;
let failures = 0;
let total = 0;
for (const line of fs.readFileSync(path.join(dir, 'cases.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  Date.now = () => c.at * 1000;
  const res = core.resolveStringEvaluation(c.flag, SENTINEL, c.context, logger);
  Date.now = realNow;
  const got = res.value === SENTINEL ? null : res.variant;
  total++;
  if (got !== c.expected || res.errorCode) {
    failures++;
    if (failures <= 30) {
      console.log(`MISMATCH ${c.flag} at ${c.at} ${JSON.stringify(c.context)}: expected ${c.expected}, got ${got} (${res.reason}${res.errorCode ? ' ' + res.errorCode : ''})`);
    }
  }
}
console.log(`${total - failures}/${total} cases agree`);
process.exit(failures ? 1 : 0);
