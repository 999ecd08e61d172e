#!/usr/bin/env bash
# Sets up the machine if needed, then runs every check: formatting, lints (native and wasm),
# native tests, a release build, the size of the built app, and the end-to-end browser tests.
# Keeps going after a failed step so one run shows everything; exits non-zero if any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

failed=()
last_step_ok=no

# step NAME COMMAND...: runs COMMAND, records a failure instead of stopping.
step() {
  local name="$1"
  shift
  printf '\n==> %s\n' "$name"
  if "$@"; then
    printf '    ok: %s\n' "$name"
    last_step_ok=yes
  else
    printf '    FAILED: %s\n' "$name"
    failed+=("$name")
    last_step_ok=no
  fi
}

step "cargo fmt --check" cargo fmt --check
step "clippy (native)" cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown -- -D warnings
step "cargo test" cargo test
step "trunk build --release" trunk build --release --offline

if [[ "$last_step_ok" == yes ]]; then
  step "gzipped size of dist/" bash scripts/size.sh
  step "end-to-end tests" node --test --test-concurrency=1 tests/e2e/
else
  printf '\n==> skipping the size report and the end-to-end tests: the build failed\n'
  failed+=("end-to-end tests (not run)")
fi

if ((${#failed[@]} > 0)); then
  printf '\n%d step(s) failed:\n' "${#failed[@]}"
  printf '  - %s\n' "${failed[@]}"
  exit 1
fi
printf '\nAll checks passed.\n'
