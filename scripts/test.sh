#!/usr/bin/env bash
# The README's test command: installs what the tests need, then lints and runs every test
# (model, app and browser tests). Extra arguments go to pytest, e.g. `bash scripts/test.sh -k withdrawal`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Browser tests drive Debian's chromium with Playwright (never `playwright install`); the deployment tests
# (tests/deploy) run Debian's nginx in front of the real server.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: ${missing[*]} not installed and cannot be installed here; their tests will be skipped" >&2
  fi
fi

python -m ruff check .
python -m pytest "$@"
