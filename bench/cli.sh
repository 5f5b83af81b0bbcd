#!/usr/bin/env bash
# Whole-program timings of the CLI on a generated 10,000-flag / 1,000-segment / 3-environment
# project: `validate`, and `validate + build` (build validates first). Uses hyperfine when it is
# installed (apt-get install hyperfine), and GNU time for peak memory (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=${FLAGS:-10000}
segments=${SEGMENTS:-1000}
out=bench/out/large
cargo build --release -q -p flagdeck-cli -p flagdeck-testgen
rm -rf "$out"
./target/release/flagdeck-largegen --flags "$flags" --segments "$segments" --out "$out"
echo "project: $(find "$out" -name '*.json' | wc -l) files, $(cat "$out"/flagdeck.json "$out"/flags/*.json "$out"/segments/*.json | wc -c) bytes"
fd=./target/release/flagdeck
"$fd" validate "$out" >/dev/null
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs 10 "$fd validate $out" "$fd build $out"
else
  for cmd in validate build; do
    start=$(date +%s%N); "$fd" "$cmd" "$out" >/dev/null; end=$(date +%s%N)
    echo "$cmd: $(( (end - start) / 1000000 )) ms (one run; install hyperfine for medians)"
  done
fi
if [ -x /usr/bin/time ]; then
  for cmd in validate build; do
    /usr/bin/time -v "$fd" "$cmd" "$out" 2>&1 >/dev/null | awk -v c="$cmd" '/Maximum resident/ {printf "%s: peak memory %.1f MiB\n", c, $6/1024}'
  done
fi
echo "dist: $(du -ch "$out"/dist/*.flagd.json | tail -1)"
