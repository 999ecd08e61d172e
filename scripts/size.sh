#!/usr/bin/env bash
# Prints the gzipped (-9) size of the app shell in dist/: each wasm, js and css file, and the total.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

shopt -s nullglob
files=(dist/*.wasm dist/*.js dist/*.css)
if ((${#files[@]} == 0)); then
  echo "no wasm, js or css files in dist/: build first" >&2
  exit 1
fi

total_raw=0
total_gz=0
printf '%-50s %10s %10s\n' "file" "bytes" "gzipped"
for file in "${files[@]}"; do
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-50s %10d %10d\n' "${file#dist/}" "$raw" "$gz"
done
printf '%-50s %10d %10d  (%d KB gzipped)\n' "total" "$total_raw" "$total_gz" $(((total_gz + 1023) / 1024))
