#!/usr/bin/env bash
# Builds the release into a folder ready to upload to any static host (default: publish/).
# The folder works at the root of a site or in any sub-folder of it: every address is relative.
#   scripts/publish.sh            # builds into publish/
#   scripts/publish.sh site/loam  # builds into site/loam/
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-publish}"

bash scripts/setup.sh
source scripts/env.sh

printf '\n==> Building the release\n'
trunk build --release --offline --dist "$out"

printf '\n==> Ready to upload: %s/\n' "$out"
ls -l "$out"
cat <<'TEXT'

The host must send .wasm files as application/wasm. Beside each text and wasm file lie .gz
and .br copies, for hosts that serve precompressed files. The app starts at the folder's
address with a trailing slash (https://example.org/loam/, not https://example.org/loam).
TEXT
