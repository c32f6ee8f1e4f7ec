#!/usr/bin/env bash
# Runs the whole test suite. On a fresh machine it runs scripts/setup.sh first
# (always: it is a no-op when nothing changed).
#
#   scripts/test.sh               Release build, all tests
#   scripts/test.sh --sanitize    ASan+UBSan build, all tests
#   extra arguments after the flags go to ctest (e.g. -R secrets)
set -euo pipefail
cd "$(dirname "$0")/.."

setup_args=()
build_dir=build
if [ "${1:-}" = "--sanitize" ]; then
  setup_args+=(--sanitize); build_dir=build-asan; shift
fi
scripts/setup.sh "${setup_args[@]+"${setup_args[@]}"}"

# intercept_tls_get_addr=0: LeakSanitizer crashes at exit after a dlopened
# library used a thread_local (google/sanitizers#1322).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The S3 tests run against a real S3-compatible server on 127.0.0.1
# (scripts/s3-server.sh), stopped again however ctest ends.
s3_server="$(pwd)/scripts/s3-server.sh"
s3_state="$(pwd)/$build_dir/s3-server"
export FLYTE_TEST_S3_ENDPOINT
FLYTE_TEST_S3_ENDPOINT=$("$s3_server" start "$s3_state")
trap '"$s3_server" stop "$s3_state"' EXIT
cd "$build_dir"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
