// A by-hand check of compiled output against @openfeature/flagd-core (not run by cargo).
//
//   cargo test -p flagdeck-core compile::node_check -- --ignored   (writes /tmp/flagdeck-node-check)
//   cd <folder with @openfeature/flagd-core installed> && node <this file> [cases.jsonl ...]
//
// Each case is {"flag", "context", "at", "expected", "expectedValue"?, "doc"?}: the variant
// Flagdeck's semantics give (null: the code default), and the compiled file to load (default:
// flagd.json next to the cases). Files load with strict validation; Date.now is stubbed to `at`.
'use strict';
const fs = require('fs');
const path = require('path');
const { FlagdCore, MemoryStorage } = require(require.resolve('@openfeature/flagd-core', { paths: [process.cwd()] }));

const logger = { error() {}, warn() {}, info() {}, debug() {} };
const cores = new Map();
function coreFor(doc) {
  if (!cores.has(doc)) {
    const storage = new MemoryStorage(logger);
    storage.setConfigurations(fs.readFileSync(doc, 'utf8'), true); // throws if schema-invalid
    cores.set(doc, new FlagdCore(storage, logger));
  }
  return cores.get(doc);
}

// flagd-core checks the value's JavaScript type against the resolver's.
function typeOf(core, key) {
  const flag = core.getFlag(key);
  const first = flag ? flag.variants.values().next().value : undefined;
  return first === undefined ? 'string' : typeof first;
}

const SENTINEL = { none: 'no value (caller default)' };
const realNow = Date.now;
const files = process.argv.length > 2 ? process.argv.slice(2) : ['/tmp/flagdeck-node-check/cases.jsonl'];
let failures = 0;
let total = 0;
for (const file of files) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line);
    const core = coreFor(c.doc || path.join(path.dirname(file), 'flagd.json'));
    Date.now = () => c.at * 1000;
    const res = core.resolve(typeOf(core, c.flag), c.flag, SENTINEL, c.context, logger);
    Date.now = realNow;
    const got = res.value === SENTINEL ? null : res.variant;
    const valueOk = !('expectedValue' in c) || got === null || JSON.stringify(res.value) === JSON.stringify(c.expectedValue);
    total++;
    if (got !== c.expected || !valueOk) {
      failures++;
      if (failures <= 30) {
        console.log(`MISMATCH ${c.flag} at ${c.at} in ${c.doc || file} ${JSON.stringify(c.context)}: expected ${c.expected}, got ${got} (${res.reason}${res.errorCode ? ' ' + res.errorCode : ''})`);
      }
    }
  }
}
console.log(`${total - failures}/${total} cases agree`);
process.exit(failures ? 1 : 0);
