#!/usr/bin/env bash
# The README's first command: installs what is missing, builds the UI and the desktop app, and
# opens the app on the demo workspace (a local Git repository made from the example project).
# Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

echo "== building the UI"
[ -d ui/node_modules ] || ./scripts/ui-deps.sh
(cd ui && npm run build)

echo "== building the desktop app (release; the first build takes a few minutes)"
cargo build --release --locked -p flagdeck-desktop

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "There is no display here. Run it under a virtual one (xvfb-run -a $0), or use the browser"
  echo "host instead: cargo run --release -p flagdeck-cli -- serve"
  exit 1
fi
exec target/release/flagdeck-desktop --demo "$@"
