# The Rust SDK (sdk/rust/flyte-task) and its example (examples/rust): built
# with cargo, whose output stays under the build folder (CARGO_TARGET_DIR)
# and never in the source tree. --locked: the committed Cargo.lock files are
# the truth; --offline: a build needs no network (scripts/setup.sh runs
# `cargo fetch` first, should a crate ever get a dependency).
find_program(FLYTE_CARGO cargo HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin")
if(NOT FLYTE_CARGO)
  message(FATAL_ERROR
    "cargo not found: the Rust SDK's example and tests need cargo and rustc "
    "(https://rustup.rs). Install them, or configure with -DFLYTE_RUST=OFF.")
endif()
set(FLYTE_CARGO_TARGET_DIR ${CMAKE_BINARY_DIR}/cargo)
# rustup's cargo finds rustc, clippy and rustfmt beside itself.
get_filename_component(FLYTE_CARGO_BIN_DIR ${FLYTE_CARGO} DIRECTORY)
set(FLYTE_CARGO_ENV
  ${CMAKE_COMMAND} -E env CARGO_TARGET_DIR=${FLYTE_CARGO_TARGET_DIR}
  "PATH=${FLYTE_CARGO_BIN_DIR}:$ENV{PATH}")
