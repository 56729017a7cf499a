#!/usr/bin/env bash
# Set up, build the sample index on first run, and serve http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The admin API (uploads, deletions) needs a key: make a random one on first run, keep it in
# .env (read by the server, ignored by git) and show it this once.
if [[ -z "${MTTQ_ADMIN_API_KEYS:-}" ]] && ! grep -qs '^MTTQ_ADMIN_API_KEYS=.' .env; then
  key="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
  if [[ -s .env && -n "$(tail -c1 .env)" ]]; then echo >> .env; fi
  (umask 077; echo "MTTQ_ADMIN_API_KEYS=$key" >> .env)
  echo "admin API key (X-API-Key header), kept in .env and shown only now: $key"
fi
index="${MTTQ_INDEX_DIR:-data/index}"
if [[ ! -f "$index/CURRENT" ]]; then
  echo "no index in $index yet: ingesting the sample corpus (samples/)"
  .venv/bin/mttq ingest samples --index "$index"
fi
exec .venv/bin/mttq serve --index "$index" "$@"
