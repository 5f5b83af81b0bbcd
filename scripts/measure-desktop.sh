#!/usr/bin/env bash
# Desktop measurements (docs/BENCHMARKS.md, "Desktop app"): cold start to first paint, window
# open to the flags list of a 10,000-flag workspace, and idle memory of all the app's processes,
# as medians of RUNS fresh starts (default 5) under Xvfb with a throw-away keyring.
#
#   cargo build --release -p flagdeck-desktop -p flagdeck-testgen
#   scripts/measure-desktop.sh [RUNS]
#
# Builds nothing itself (like scripts/test-desktop.sh): FLAGDECK_DESKTOP_BIN or
# target/release/flagdeck-desktop, target/release/flagdeck-largegen, and ui/dist.
# FLAGS and SEGMENTS change the workspace's size (default 10,000 and 1,000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-5}
target=${CARGO_TARGET_DIR:-$root/target}
largegen=$target/release/flagdeck-largegen
export FLAGDECK_DESKTOP_BIN=${FLAGDECK_DESKTOP_BIN:-$target/release/flagdeck-desktop}
export TAURI_DRIVER=${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}
for file in "$largegen" "$FLAGDECK_DESKTOP_BIN" "$TAURI_DRIVER" ui/dist/index.html; do
  if [[ ! -e "$file" ]]; then
    echo "$0: $file is missing (cargo build --release -p flagdeck-desktop -p flagdeck-testgen; build the UI)" >&2
    exit 2
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"

# The workspace's remote: the generated project committed to a bare repository (untimed).
"$largegen" --flags "${FLAGS:-10000}" --segments "${SEGMENTS:-1000}" --out "$work/project" >/dev/null
git -C "$work/project" -c init.defaultBranch=main init -q
git -C "$work/project" add -A
git -C "$work/project" -c user.name=Bench -c user.email=bench@example.com commit -q -m "large project"
git clone -q --bare "$work/project" "$work/large.git"

xvfb-run -a -s "-screen 0 1440x900x24" "$root/scripts/with-keyring.sh" \
  node tests/desktop/measure.mjs --runs "$runs" --remote "file://$work/large.git"
