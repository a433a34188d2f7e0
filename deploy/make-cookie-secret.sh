#!/bin/sh
# Writes deploy/cookie-secret.env for `kubectl apply -k deploy/`: the cookie secret every replica shares
# (XSRF tokens issued by one replica stay valid on another). Never commit the file (deploy/.gitignore).
# An existing file is kept (replacing it logs everyone out of their XSRF tokens); pass --force to replace it.
set -eu
out="$(dirname "$0")/cookie-secret.env"
if [ -e "$out" ] && [ "${1:-}" != "--force" ]; then
  echo "$out exists; keeping it (--force replaces it)" >&2
  exit 0
fi
umask 077
printf 'STREAMLIT_SERVER_COOKIE_SECRET=%s\n' "$(openssl rand -hex 32)" > "$out"
echo "wrote $out"
