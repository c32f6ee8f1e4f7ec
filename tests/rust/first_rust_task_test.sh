#!/usr/bin/env bash
# Runs the README's "Your first Rust task (five minutes)" verbatim: its sh
# block, in a checkout whose build/ is BUILD_DIR, with a fresh HOME. That is an
# out-of-tree crate depending on the SDK by path (examples/my-first-rust-task
# copied to ~ and pointed at sdk/rust/flyte-task with `cargo add --path`),
# built with cargo and run through flyte-execute. The section's rust block
# must be examples/my-first-rust-task/src/lib.rs, byte for byte.
#   first_rust_task_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

section=$(awk '/^## Your first Rust task \(five minutes\)$/ {on = 1; next} /^## / {on = 0} on' \
  "$source_dir/README.md")
block() { printf '%s\n' "$section" | awk -v lang="$1" '$0 == "```" lang {on = 1; next} /^```$/ {if (on) exit} on'; }
script=$(block sh)
[ -n "$script" ] || { echo "README.md: no sh block in 'Your first Rust task (five minutes)'" >&2; exit 1; }
diff -u "$source_dir/examples/my-first-rust-task/src/lib.rs" <(block rust) ||
  { echo "README.md's rust block differs from examples/my-first-rust-task/src/lib.rs" >&2; exit 1; }

# A checkout as the reader has it: the sources, and the build in build/.
mkdir -p "$work/checkout" "$work/home"
for entry in "$source_dir"/*; do ln -s "$entry" "$work/checkout/"; done
rm "$work/checkout/build" 2>/dev/null || true
ln -s "$build_dir" "$work/checkout/build"

# A fresh HOME, but the same Rust toolchain (rustup keeps it under the old one).
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export HOME="$work/home" CARGO_NET_OFFLINE=true
unset CARGO_TARGET_DIR
out=$(cd "$work/checkout" && bash -euo pipefail -c "$script" 2>&1) || {
  printf '%s\n' "$out"; echo "the README's commands failed" >&2; exit 1; }
printf '%s\n' "$out"

grep -qF 'greet(name: string) -> (greeting: string)' <<<"$out"
grep -qF 'count_words(lines: list<string>) -> (counts: map<integer>)' <<<"$out"
grep -qF '"greeting": "Hello, World!"' <<<"$out"
tr -d ' \n' <<<"$out" | grep -qF '"counts":{"a":1,"b":2}'
# The copy depends on this checkout's SDK by path (cargo add writes it
# relative to the crate), not on the template's ../../sdk.
crate="$HOME/my-first-rust-task"
dep=$(sed -n 's/^flyte-task = {.*path = "\([^"]*\)".*/\1/p' "$crate/Cargo.toml")
[ -n "$dep" ] || { echo "no path dependency on flyte-task in $crate/Cargo.toml" >&2; exit 1; }
case "$dep" in /*) ;; *) dep="$crate/$dep" ;; esac
[ "$(cd "$dep" && pwd -P)" = "$(cd "$source_dir/sdk/rust/flyte-task" && pwd -P)" ] ||
  { echo "flyte-task resolves to $dep, not this checkout's SDK" >&2; exit 1; }
test -f "$HOME/my-first-rust-task/target/release/libmy_rust_tasks.so"
echo "first Rust task: OK"
