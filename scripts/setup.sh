#!/usr/bin/env bash
# Installs everything Loam needs to build and test, on a fresh Debian machine that has
# rustup, cargo, node and npm. Safe to run again: each step is skipped when already done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

trunk_version="0.21.14"

say() { printf '\n==> %s\n' "$*"; }
skip() { printf '    skip: %s\n' "$*"; }

# Another shell may already be compiling one of the tools; wait for it instead of compiling twice.
wait_for_other_install() {
  local crate="$1"
  command -v pgrep >/dev/null || return 0
  while pgrep -f "^[^ ]*cargo install $crate( |$)" >/dev/null; do
    skip "another 'cargo install $crate' is running; waiting for it to finish"
    sleep 20
  done
}

say "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  skip "already installed"
else
  rustup target add wasm32-unknown-unknown
fi

say "trunk $trunk_version"
wait_for_other_install trunk
if command -v trunk >/dev/null && [[ "$(trunk --version)" == "trunk $trunk_version" ]]; then
  skip "$(trunk --version) is installed"
else
  echo "    installing with cargo; the first install compiles for about 15 minutes"
  cargo install trunk --version "$trunk_version" --locked
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly, or the build fails.
wasm_bindgen_version="$(awk '
  $0 == "name = \"wasm-bindgen\"" { found = 1; next }
  found && /^version = / { gsub(/version = |"/, ""); print; exit }
' Cargo.lock)"
if [[ -z "$wasm_bindgen_version" ]]; then
  echo "could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
say "wasm-bindgen-cli $wasm_bindgen_version (the version in Cargo.lock)"
wait_for_other_install wasm-bindgen-cli
if command -v wasm-bindgen >/dev/null &&
  [[ "$(wasm-bindgen --version)" == "wasm-bindgen $wasm_bindgen_version" ]]; then
  skip "$(wasm-bindgen --version) is installed"
else
  echo "    installing with cargo; this compiles for about 5 minutes"
  # No --locked: the CLI's own lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

say "npm packages (binaryen for wasm-opt, playwright-core, axe-core, flexsearch for the benchmark, @y/websocket-server with yjs for the sync tests)"
if [[ -f package-lock.json ]]; then
  if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then
    skip "node_modules is up to date with package-lock.json"
  else
    npm ci --no-audit --no-fund
  fi
else
  npm install --no-audit --no-fund
fi
echo "    wasm-opt: $(command -v wasm-opt) ($(wasm-opt --version))"

say "Chromium and chromium-driver"
if [[ -x /usr/bin/chromium ]]; then
  skip "/usr/bin/chromium is present"
elif [[ -n "${LOAM_SKIP_CHROMIUM:-}" ]]; then
  skip "LOAM_SKIP_CHROMIUM is set: only building, not testing"
else
  sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo apt-get install -y chromium chromium-driver
fi

say "cargo fetch (so that builds can run with --offline)"
cargo fetch

say "Setup done"
