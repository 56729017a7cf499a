#!/usr/bin/env bash
# Set up, build the sample index on first run, and serve http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
index="${MTTQ_INDEX_DIR:-data/index}"
if [[ ! -f "$index/CURRENT" ]]; then
  echo "no index in $index yet: ingesting the sample corpus (samples/)"
  .venv/bin/mttq ingest samples --index "$index"
fi
exec .venv/bin/mttq serve --index "$index" "$@"
