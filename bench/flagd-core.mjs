// Times @openfeature/flagd-core on the files `cargo bench -p flagdeck-core --bench flagd` leaves in
// target/bench-flagd/: loading (strict validation) and resolving flags, with the same 64 contexts
// the Rust bench cycles through. Usage, from the repository root after `npm ci` in
// tests/differential:
//   node bench/flagd-core.mjs FILE [FLAG ...]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/differential/package.json', import.meta.url));
const { FlagdCore, MemoryStorage } = require('@openfeature/flagd-core');

const [file, ...flagKeys] = process.argv.slice(2);
const logger = { error() {}, warn() {}, info() {}, debug() {} };
const text = readFileSync(file, 'utf8');

function load() {
  const storage = new MemoryStorage(logger);
  storage.setConfigurations(text, true);
  return new FlagdCore(storage, logger);
}

const loads = [];
let core;
for (let i = 0; i < 5; i++) {
  const t0 = process.hrtime.bigint();
  core = load();
  loads.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
loads.sort((a, b) => a - b);
console.log(`load ${file}: median ${loads[2].toFixed(1)} ms (min ${loads[0].toFixed(1)}, max ${loads[4].toFixed(1)}), ${core.getFlags().size} flags`);

// The contexts of benches/flagd.rs.
const countries = ['DE', 'FR', 'JP', 'US'];
const plans = ['pro', 'free'];
const contexts = Array.from({ length: 64 }, (_, i) => ({
  targetingKey: `user-${i}`,
  country: countries[i % 4],
  plan: plans[i % 2],
  email: i % 3 === 0 ? `qa-${i}@acme.com` : `user${i}@example.com`,
}));
for (const flag of flagKeys) {
  const f = core.getFlag(flag);
  const type = typeof f.variants.values().next().value;
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const n = 640_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) core.resolve(type, flag, false, contexts[i & 63], logger);
    rounds.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  rounds.sort((a, b) => a - b);
  console.log(`${flag}: median ${(rounds[2] / 1e6).toFixed(2)} M evaluations/s`);
}
