#!/usr/bin/env bash
# The whole test suite: the UI's checks and unit tests, formatting, lints, unit/property/
# integration tests, schema and bindings drift, the differential test against
# @openfeature/flagd-core, the UI in Chromium against `flagdeck serve`, the OFREP preview server
# (OpenAPI conformance, OpenFeature SDKs, the demo page), the real desktop window
# under Xvfb, and the README's quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n== %s  (at %ss)\n' "$*" "$SECONDS"; }

# The UI is built first: the desktop shell embeds ui/dist at compile time, and so does
# `flagdeck serve`.
step "ui: npm packages, svelte-check + tsc, eslint, vitest, build"
./scripts/ui-deps.sh
(cd ui && npm run check && npm run lint && npm test && npm run build)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

# In a throw-away OS keyring (gnome-keyring and keyutils in their own D-Bus and kernel
# sessions), so the keyring tests run in the same pass: a separate `cargo test -p ...` per
# keyring test rebuilt dependencies with other features and cost CI minutes.
step "cargo test (unit, property, CLI integration, JSON Schema drift; the real OS keyring)"
./scripts/with-keyring.sh cargo test --workspace --locked

step "npm ci (differential test dependencies)"
(cd tests/differential && npm ci --no-audit --no-fund --loglevel=error)

step "node --test (the differential harness proves it can fail)"
node --test tests/differential/

step "edge cases (written by cargo test): @openfeature/flagd-core and the Rust flagd evaluator vs the oracle"
cargo build --release --locked -q -p flagdeck-cli
edge=target/edge-cases
node tests/differential/flagd-core-eval.mjs "$edge/flagd.json" "$edge/cases.jsonl" >"$edge/flagd-core.jsonl"
node tests/differential/compare.mjs "$edge/expected.jsonl" "$edge/flagd-core.jsonl"
target/release/flagdeck eval --flagd "$edge/flagd.json" --cases "$edge/cases.jsonl" >"$edge/rust-flagd.jsonl"
node tests/differential/compare.mjs "$edge/expected.jsonl" "$edge/rust-flagd.jsonl"

step "differential test: native vs @openfeature/flagd-core vs the Rust flagd evaluator"
./tests/differential/run.sh "${DIFF_SEED:-1}" "${DIFF_PROJECTS:-60}" "${DIFF_CASES:-1200}"

step "the benchmark-size project: 10,000 flags, native vs the Rust flagd evaluator"
./tests/large/run.sh

step "ui end to end: Playwright with Chromium against flagdeck serve (in a throw-away keyring: the governance flow signs)"
cargo build --locked -q -p flagdeck-cli
(cd ui && FLAGDECK_BIN="$root/target/debug/flagdeck" ../scripts/with-keyring.sh npm run e2e)

step "OFREP preview server: answers vs the OpenAPI file, a real OpenFeature SDK, the demo page in Chromium"
(cd tests/ofrep && npm ci --no-audit --no-fund --loglevel=error)
(cd examples/ofrep-demo && npm ci --no-audit --no-fund --loglevel=error)
FLAGDECK_BIN="$root/target/debug/flagdeck" node --test tests/ofrep/
(cd examples/ofrep-demo && FLAGDECK_BIN="$root/target/debug/flagdeck" node --test)

step "desktop: the real window under Xvfb, driven by tauri-driver"
cargo build --locked -q -p flagdeck-desktop
./scripts/test-desktop.sh

step "quick start (README)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fd="$root/target/release/flagdeck"
"$fd" init "$tmp/acme" --example
"$fd" validate "$tmp/acme"
"$fd" build "$tmp/acme"
"$fd" build "$tmp/acme" --check
"$fd" eval --project "$tmp/acme" --env production --flag new-checkout \
  --context '{"targetingKey": "user-42", "country": "DE"}' --at 2026-12-05T10:00:00Z --explain >/dev/null

printf '\nall test steps passed in %ss\n' "$SECONDS"
