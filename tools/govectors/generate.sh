#!/bin/sh
# Regenerate tests/data/go/*.json. See README.md.
# PYTHON must have the `tzdata` package (e.g. PYTHON=/path/to/venv/bin/python).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python3}" "$here/generate.py" "$@"
