#!/usr/bin/env bash
# Runs a command inside a throw-away OS keyring: its own D-Bus session bus with gnome-keyring's
# Secret Service unlocked, and its own kernel session keyring (keyutils). Installs nothing; it
# needs the Debian packages dbus, gnome-keyring and keyutils.
#
#   scripts/with-keyring.sh cargo test -p flagdeck-sync --test keyring
#
# Inside, FLAGDECK_KEYRING_TESTS=1 tells the keyring integration tests that a real keyring is
# there (without it they print that they are skipped).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi
for tool in dbus-run-session keyctl gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool is missing (apt-get install dbus gnome-keyring keyutils)" >&2
    exit 2
  fi
done

if [[ "${1:-}" != "--inside" ]]; then
  # A new session bus (dbus-run-session), then a new anonymous kernel session keyring
  # (keyctl session -), then this script again to start gnome-keyring inside both.
  exec dbus-run-session -- keyctl session - "$0" --inside "$@"
fi
shift

# The keyring's files live in a temporary folder, never in the user's own ~/.local/share/keyrings
# (whose login keyring this must neither create nor try to unlock).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 "$scratch/data" "$scratch/runtime"

# gnome-keyring reads the login keyring's password from stdin: the empty line creates a login
# keyring with an empty password, unlocked, so nothing ever prompts.
echo '' | XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null

# Not exec: the trap removes the scratch folder afterwards. gnome-keyring-daemon exits when the
# session bus that dbus-run-session started goes away.
export FLAGDECK_KEYRING_TESTS=1
"$@"
