#!/usr/bin/env bash
# The differential test (DESIGN §5, §10): for generated projects, every case in every environment
# is evaluated three ways and the values and variants must agree:
#   native      flagdeck eval --project DIR --env ENV        (Flagdeck's own evaluation)
#   flagd-core  node flagd-core-eval.mjs dist/ENV.flagd.json  (@openfeature/flagd-core 4.0.1)
#   rust-flagd  flagdeck eval --flagd dist/ENV.flagd.json     (Flagdeck's flagd evaluator)
# native is compared with flagd-core and with rust-flagd.
#
#   tests/differential/run.sh [SEED] [PROJECTS] [CASES_PER_ENV]
#
# Defaults give about 150,000 cases per comparison. Exit 0 when everything agrees, 1 on any
# mismatch or failed step.
set -euo pipefail

SEED="${1:-1}"
PROJECTS="${2:-50}"
CASES_PER_ENV="${3:-1500}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# Overridable, to test this script's plumbing with stand-ins.
FLAGDECK="${FLAGDECK:-$TARGET/release/flagdeck}"
TESTGEN="${TESTGEN:-$TARGET/release/flagdeck-testgen}"

fail() {
  echo "differential: $*" >&2
  exit 1
}

if [ "${DIFFERENTIAL_NO_BUILD:-0}" != 1 ]; then
  echo "== building (release)"
  (cd "$ROOT" && cargo build --release --quiet -p flagdeck-cli -p flagdeck-testgen) || fail "cargo build failed"
fi

if [ ! -d "$HERE/node_modules/@openfeature/flagd-core" ]; then
  echo "== installing @openfeature/flagd-core (npm ci)"
  (cd "$HERE" && npm ci --no-audit --no-fund --silent) || fail "npm ci failed in $HERE"
fi

echo "== generating $PROJECTS projects, $CASES_PER_ENV cases each (seed $SEED)"
rm -rf "$OUT"
mkdir -p "$OUT"
"$TESTGEN" --seed "$SEED" --projects "$PROJECTS" --cases-per-env "$CASES_PER_ENV" --out "$OUT"

# Totals per comparison: "flagd-core" and "rust-flagd".
declare -A cases_by=([flagd-core]=0 [rust-flagd]=0)
declare -A mismatches_by=([flagd-core]=0 [rust-flagd]=0)
failed_steps=0

# Runs compare.mjs and adds its "N cases, M mismatches" line to the totals of `kind`.
compare() {
  local kind="$1" label="$2" a="$3" b="$4" cases="$5" report status=0
  report="$(node "$HERE/compare.mjs" "$a" "$b" --cases "$cases" --label "$label")" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "$report"
    failed_steps=$((failed_steps + 1))
    return
  fi
  local first n m
  first="$(printf '%s\n' "$report" | head -n 1)"
  n="$(printf '%s\n' "$first" | sed -E 's/.*: ([0-9]+) cases, ([0-9]+) mismatches$/\1/')"
  m="$(printf '%s\n' "$first" | sed -E 's/.*: ([0-9]+) cases, ([0-9]+) mismatches$/\2/')"
  cases_by[$kind]=$((cases_by[$kind] + n))
  mismatches_by[$kind]=$((mismatches_by[$kind] + m))
  if [ "$m" -gt 0 ]; then
    echo "$report"
  fi
}

# Runs one evaluator into a file; a crash counts as a failed step, not as agreement.
evaluate() {
  local label="$1" output="$2"
  shift 2
  if ! "$@" >"$output" 2>"$output.err"; then
    echo "$label failed:" >&2
    head -n 20 "$output.err" >&2
    failed_steps=$((failed_steps + 1))
    return 1
  fi
}

for project in "$OUT"/p*/; do
  project="${project%/}"
  name="$(basename "$project")"
  cases="$project/cases.jsonl"
  if ! "$FLAGDECK" build "$project" --out "$project/dist" >"$project/build.log" 2>&1; then
    echo "$name: flagdeck build failed (a generated project must be valid):" >&2
    head -n 20 "$project/build.log" >&2
    failed_steps=$((failed_steps + 1))
    continue
  fi
  envs="$(node -e 'console.log(require(process.argv[1]).environments.map((e) => e.key).join(" "))' "$project/flagdeck.json")"
  mkdir -p "$project/results"
  for env in $envs; do
    flagd_file="$project/dist/$env.flagd.json"
    results="$project/results/$env"
    evaluate "$name/$env native" "$results.native.jsonl" \
      "$FLAGDECK" eval --project "$project" --env "$env" --cases "$cases" || continue
    if evaluate "$name/$env flagd-core" "$results.flagd-core.jsonl" \
      node "$HERE/flagd-core-eval.mjs" "$flagd_file" "$cases"; then
      compare flagd-core "$name/$env native vs flagd-core" "$results.native.jsonl" "$results.flagd-core.jsonl" "$cases"
    fi
    if evaluate "$name/$env rust-flagd" "$results.rust-flagd.jsonl" \
      "$FLAGDECK" eval --flagd "$flagd_file" --cases "$cases"; then
      compare rust-flagd "$name/$env native vs rust-flagd" "$results.native.jsonl" "$results.rust-flagd.jsonl" "$cases"
    fi
  done
done

for kind in flagd-core rust-flagd; do
  echo "== native vs $kind: ${cases_by[$kind]} cases, ${mismatches_by[$kind]} mismatches"
done
total_mismatches=$((mismatches_by[flagd-core] + mismatches_by[rust-flagd]))
echo "== ${cases_by[flagd-core]} cases, $total_mismatches mismatches, $failed_steps failed steps"
[ "$total_mismatches" -eq 0 ] && [ "$failed_steps" -eq 0 ] && [ "${cases_by[flagd-core]}" -gt 0 ] || exit 1
