#!/usr/bin/env bash
# The benchmark-size project (10,000 flags, 1,000 segments, 3 environments): it validates, builds,
# and for every flag and environment the Rust flagd evaluator on the compiled file agrees with
# native evaluation on three contexts and two instants (180,000 cases). Catches what only size
# shows (an inlining budget once made the last flags of a large file fail).
# (@openfeature/flagd-core takes about a minute to load such a file, so it runs on the generated
# projects of tests/differential instead.)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/large-project
fd=target/release/flagdeck
cargo build --release --locked -q -p flagdeck-cli -p flagdeck-testgen
rm -rf "$out"
target/release/flagdeck-largegen --flags "${FLAGS:-10000}" --segments "${SEGMENTS:-1000}" --out "$out/project" >/dev/null
"$fd" validate "$out/project" >/dev/null
"$fd" build "$out/project" >/dev/null
node - "$out/project/dist/production.flagd.json" >"$out/cases.jsonl" <<'JS'
const fs = require('fs');
const flags = Object.keys(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).flags);
const contexts = [
  {},
  {targetingKey: 'user-42', country: 'DE', plan: 'pro', companyId: 'acme', age: 40, beta: true, appVersion: '3.1.0', signupAt: 1800000000},
  {targetingKey: 'qa-77', country: 'JP', plan: 'free', age: '40', beta: 'yes', appVersion: 'v2'},
];
for (const flag of flags) for (const context of contexts) for (const at of [1796115599, 1796720400])
  console.log(JSON.stringify({flag, context, at}));
JS
total=0
for env in development staging production; do
  "$fd" eval --project "$out/project" --env "$env" --cases "$out/cases.jsonl" >"$out/native-$env.jsonl"
  "$fd" eval --flagd "$out/project/dist/$env.flagd.json" --cases "$out/cases.jsonl" >"$out/flagd-$env.jsonl"
  node tests/differential/compare.mjs "$out/native-$env.jsonl" "$out/flagd-$env.jsonl" --label "large/$env"
  total=$((total + $(wc -l <"$out/cases.jsonl")))
done
echo "large project: $total cases agree"
