#!/usr/bin/env bash
# The Rust crates' own checks, as ctest runs them (CARGO_TARGET_DIR and PATH
# come from tests/rust/CMakeLists.txt):
#   cargo_check.sh test   SOURCE_DIR   cargo test of the SDK (unit tests, doc
#                                      tests, the ABI layout check against task.h,
#                                      the fake-host tests) and cargo doc -D warnings
#   cargo_check.sh clippy SOURCE_DIR   clippy -D warnings on every crate
#   cargo_check.sh fmt    SOURCE_DIR   rustfmt --check on every crate
set -euo pipefail
mode=$1
src=$2
crates=(sdk/rust/flyte-task examples/rust examples/my-first-rust-task)
case "$mode" in
  test)
    cargo test --locked --offline --manifest-path "$src/sdk/rust/flyte-task/Cargo.toml"
    # The crate's documentation is where its safety rules live: no broken links.
    RUSTDOCFLAGS="-D warnings" cargo doc --locked --offline --no-deps --quiet \
      --manifest-path "$src/sdk/rust/flyte-task/Cargo.toml" ;;
  clippy)
    for c in "${crates[@]}"; do
      cargo clippy --locked --offline --all-targets --manifest-path "$src/$c/Cargo.toml" -- -D warnings
    done ;;
  fmt)
    for c in "${crates[@]}"; do
      cargo fmt --check --manifest-path "$src/$c/Cargo.toml"
    done ;;
  *) echo "cargo_check.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
echo "cargo $mode: OK"
