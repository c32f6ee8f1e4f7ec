#!/usr/bin/env bash
# Sets up and runs the interop suites: flytekit (tests/interop/python) and the
# engine's Go packages (tests/interop/go) against build/bin/flyte-execute.
# scripts/test.sh runs the same suites through ctest (label interop).
#
#   scripts/interop.sh              both suites
#   scripts/interop.sh python|go    one of them
#   extra arguments go to pytest / go test
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=$(pwd)/${FLYTE_BUILD_DIR:-build}
suites=(python go)
case "${1:-}" in python|go) suites=("$1"); shift ;; esac
status=0
for suite in "${suites[@]}"; do
  echo "interop.sh: $suite"
  "tests/interop/$suite/run.sh" "$build_dir" "$@" || status=1
done
exit $status
