#!/usr/bin/env bash
# clang-format on every tracked C/C++ file (.clang-format at the root), and
# rustfmt on the Rust crates (rustfmt.toml at the root).
#   scripts/format.sh           reformat in place
#   scripts/format.sh --check   list unformatted files and fail (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || scripts/setup.sh >/dev/null
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
mapfile -t crates < <(git ls-files '*Cargo.toml' | xargs -r -n1 dirname)
if [ ${#crates[@]} -gt 0 ] && ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  command -v cargo >/dev/null 2>&1 ||
    { echo "format.sh: cargo (rustfmt) is needed for the Rust crates: see scripts/setup.sh" >&2; exit 1; }
fi
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  for c in "${crates[@]}"; do
    cargo fmt --check --manifest-path "$c/Cargo.toml" >/dev/null 2>&1 || bad+=("$c (cargo fmt)")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'not formatted (run scripts/format.sh):\n'; printf '  %s\n' "${bad[@]}"
    exit 1
  fi
  echo "format: ${#files[@]} files and ${#crates[@]} crates clean"
else
  clang-format -i "${files[@]}"
  for c in "${crates[@]}"; do cargo fmt --manifest-path "$c/Cargo.toml"; done
fi
