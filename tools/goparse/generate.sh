#!/bin/sh
# Regenerate tests/data/go/cron_parse.json. See README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python3}" "$here/generate.py" "$@"
