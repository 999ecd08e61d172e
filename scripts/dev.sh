#!/usr/bin/env bash
# Sets up the machine if needed, then serves Loam on http://127.0.0.1:8080 and rebuilds on change.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

printf '\n==> Serving Loam on http://127.0.0.1:8080 (Ctrl+C stops)\n'
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
