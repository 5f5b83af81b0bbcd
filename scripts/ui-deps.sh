#!/usr/bin/env bash
# Installs the UI's npm packages as package-lock.json pins them. `npm ci` is tried first; when a
# registry mirror lags behind npmjs.org, the lock cannot list the platform builds of Rollup that
# the mirror does not have yet, and npm 11's `npm ci` refuses such a lock ("Missing: ... from
# lock file") although nothing the machine needs is missing. `npm install` then installs the same
# pinned versions and skips the absent optional builds.
set -euo pipefail
cd "$(dirname "$0")/../ui"
if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/flagdeck-npm-ci.log; then
  if grep -q 'from lock file' /tmp/flagdeck-npm-ci.log; then
    echo "ui-deps: npm ci refused the lock over optional platform builds; installing with npm install"
    npm install --no-audit --no-fund --loglevel=error
  else
    cat /tmp/flagdeck-npm-ci.log >&2
    exit 1
  fi
fi
