#!/bin/sh
# Writes deploy/classroom-db.env for `kubectl apply -k deploy/`: the password of the class poll's PostgreSQL
# (the StatefulSet in kubernetes.yaml) and the URL every replica uses to reach it. Never commit the file
# (deploy/.gitignore). An existing file is kept (a new password would not match the database's volume);
# pass --force to replace it.
set -eu
out="$(dirname "$0")/classroom-db.env"
if [ -e "$out" ] && [ "${1:-}" != "--force" ]; then
  echo "$out exists; keeping it (--force replaces it)" >&2
  exit 0
fi
umask 077
pw="$(openssl rand -hex 24)"
{
  printf 'POSTGRES_PASSWORD=%s\n' "$pw"
  printf 'CLASSROOM_DATABASE_URL=postgresql://classroom:%s@baclofen-classroom-db:5432/classroom\n' "$pw"
} > "$out"
echo "wrote $out"
