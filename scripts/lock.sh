#!/usr/bin/env bash
# Regenerate requirements-lock.txt (exact versions CI installs) from the compatible ranges in pyproject.toml.
# Run after changing a dependency; commit both files together.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check uv
python -m uv pip compile pyproject.toml --extra dashboard --extra test --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu -o requirements-lock.txt
