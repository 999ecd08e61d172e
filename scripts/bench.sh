#!/usr/bin/env bash
# Sets up the machine if needed, builds the release app, then runs the benchmark against it:
# a generated 10,000-note library in headless Chromium, figures printed as a table.
# Arguments go to scripts/bench.mjs (e.g. --runs 3, --json results.json). Takes a few minutes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh
# Lighthouse is for the benchmark only, so the tests' install does not carry it.
if [[ ! -d node_modules/lighthouse ]]; then
  npm install --no-save --no-audit --no-fund lighthouse@12.2.3
fi

printf '\n==> trunk build --release\n'
trunk build --release --offline

printf '\n==> benchmark\n'
exec node scripts/bench.mjs "$@"
