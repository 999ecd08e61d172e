#!/usr/bin/env bash
# Prints the size of the built app in dist/, gzipped (level 9) and with Brotli (-q 11): a first
# visit's download (the page, the first visit's module, css and boot.js) and, apart, what comes
# later: the whole app (fetched by the service worker after the first paint, or when a first visit
# goes on to another page) and the modules fetched only when needed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

shopt -s nullglob
first=(dist/index.html dist/boot.js dist/loam-*.js dist/loam-*.wasm dist/app-*.css)
later=(dist/loam_full* dist/maths* dist/converters* dist/optimizer* dist/sync*)
if ((${#first[@]} < 4)); then
  echo "no app in dist/: build first" >&2
  exit 1
fi

# Both as the benchmark measures them (Node's zlib; GNU gzip -9 makes the module about 4 KB
# smaller than zlib's level 9).
gzip_size() {
  node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(z.gzipSync(b, { level: 9 }).length)' "$1"
}

brotli_size() {
  node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length)' "$1"
}

# Totals of the last report, for the budget below.
total_gz=0
total_br=0

report() {
  local title=$1
  shift
  local total_raw=0
  total_gz=0
  total_br=0
  printf '%s\n' "$title"
  for file in "$@"; do
    [[ $file == *.gz || $file == *.br ]] && continue
    raw=$(wc -c <"$file")
    gz=$(gzip_size "$file")
    br=$(brotli_size "$file")
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    total_br=$((total_br + br))
    printf '  %-40s %10d %10d %10d\n' "${file#dist/}" "$raw" "$gz" "$br"
  done
  printf '  %-40s %10d %10d %10d  (%d KB gzipped, %d KB Brotli)\n' "total" "$total_raw" "$total_gz" "$total_br" \
    $(((total_gz + 1023) / 1024)) $(((total_br + 1023) / 1024))
}

printf '%-42s %10s %10s %10s\n' "" "bytes" "gzipped" "Brotli"
report "A first visit's download:" "${first[@]}"
first_gz=$total_gz
first_br=$total_br
if ((${#later[@]} > 0)); then
  report "Fetched later (the whole app after the first paint or for any other page; maths when a formula shows, converters on import or export, the optimizer when asked, sync when turned on):" "${later[@]}"
fi

# A first visit's download stays within what a phone on a slow connection can take quickly
# (issue 20): 400 KB gzipped, 320 KB with Brotli. What grows it most is code a first visit's
# pages link without using (see src/ui/parts.rs and src/app/mod.rs, StateParts).
budget_gz=$((400 * 1024))
budget_br=$((320 * 1024))
if ((first_gz > budget_gz || first_br > budget_br)); then
  echo "A first visit's download is $first_gz bytes gzipped and $first_br with Brotli, over its budget of $budget_gz and $budget_br." >&2
  exit 1
fi
echo "A first visit's download: $first_gz bytes gzipped and $first_br with Brotli, within its budget of $budget_gz and $budget_br."
