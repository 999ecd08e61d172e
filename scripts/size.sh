#!/usr/bin/env bash
# Prints the gzipped (-9) size of the built app in dist/: the first download (the page's wasm,
# js and css, and boot.js) and, apart, the modules fetched only when needed (maths, converters,
# optimizer, sync).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

shopt -s nullglob
later=(dist/maths* dist/converters* dist/optimizer* dist/sync*)
first=()
for file in dist/*.wasm dist/*.js dist/*.css; do
  case "$file" in
    dist/maths* | dist/converters* | dist/optimizer* | dist/sync* | dist/sw.js) ;;
    *) first+=("$file") ;;
  esac
done
if ((${#first[@]} == 0)); then
  echo "no wasm, js or css files in dist/: build first" >&2
  exit 1
fi

report() {
  local title=$1
  shift
  local total_raw=0 total_gz=0
  printf '%s\n' "$title"
  for file in "$@"; do
    [[ $file == *.gz || $file == *.br ]] && continue
    raw=$(wc -c <"$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '  %-48s %10d %10d\n' "${file#dist/}" "$raw" "$gz"
  done
  printf '  %-48s %10d %10d  (%d KB gzipped)\n' "total" "$total_raw" "$total_gz" $(((total_gz + 1023) / 1024))
}

printf '%-50s %10s %10s\n' "" "bytes" "gzipped"
report "First download (the app shell):" "${first[@]}"
if ((${#later[@]} > 0)); then
  report "Fetched when needed (maths when a formula shows, converters on import or export, the optimizer when asked, sync when turned on):" "${later[@]}"
fi
