#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Flagdeck (the README's quick
# start and CI both call it). Needs root or sudo for apt; does nothing when all is present.
#   --test   also the packages only the tests use (keyring session, sshd, Xvfb, Chromium, ...)
#   --desktop-driver   also tauri-driver (the WebDriver bridge for the desktop window test)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

want_tests=false
want_driver=false
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=true ;;
    --desktop-driver) want_driver=true ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Build: a C compiler, pkg-config, OpenSSL's headers (git2's https and ssh link the system
# OpenSSL), WebKitGTK 4.1 for the Tauri window, git, Node for the UI.
packages=(build-essential pkg-config libssl-dev git libwebkit2gtk-4.1-dev librsvg2-dev)
# Running the window needs a display: Xvfb when there is none (CI, servers).
packages+=(xvfb xauth dbus)
if $want_tests; then
  # The OS keyring in a throw-away session, openssl for the https test's CA, sshd for the ssh
  # test, Chromium for the UI tests, WebKitWebDriver for the desktop test, ImageMagick for
  # screenshots of the real window.
  packages+=(openssl gnome-keyring keyutils openssh-server chromium webkit2gtk-driver imagemagick)
fi

missing=()
command -v node >/dev/null || missing+=(nodejs npm)
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== apt: ${missing[*]}"
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "install-deps: Rust (rustup, 1.95) is required: https://rustup.rs" >&2; exit 2; }

if $want_driver && ! command -v tauri-driver >/dev/null; then
  echo "== cargo install tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
