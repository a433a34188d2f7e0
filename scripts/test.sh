#!/usr/bin/env bash
# The README's test command: installs what the tests need (the exact versions of requirements-lock.txt), then
# checks formatting, lint and types and runs every test (model, app, class poll and browser tests).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k withdrawal`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
python -m pip install --quiet --disable-pip-version-check --no-deps -e .

# Browser tests drive Debian's chromium with Playwright (never `playwright install`); the class poll's
# PostgreSQL tests start a throw-away cluster with Debian's postgresql binaries (initdb, pg_ctl); the
# deployment tests (tests/deploy) run Debian's nginx in front of the real server.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "note: ${need[*]} not installed and cannot be installed here; their tests will be skipped" \
      "(chromium: browser tests; postgresql: the class poll's PostgreSQL tests; nginx: deployment tests)" >&2
  fi
fi

python -m ruff format --check .
python -m ruff check .
python -m mypy
python -m pytest "$@"
