# Sourced by the other scripts: puts the tools that setup.sh installs first on PATH.
# Cargo's bin dir holds trunk and wasm-bindgen; node_modules/.bin holds wasm-opt (binaryen@132),
# which must win over any older system wasm-opt.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
