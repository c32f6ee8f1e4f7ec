#!/usr/bin/env bash
# The engine-side interop suite: flyteorg/flyte v1.16.8's own Go packages
# (flyteplugins' output reader, pod-failure classification and args renderer,
# flytestdlib storage, flytepropeller's offloading rule) judge what
# flyte-execute writes.
#
#   tests/interop/go/run.sh BUILD_DIR [go test args...]
#
# Uses BUILD_DIR/bin/flyte-execute and the example task libraries in
# BUILD_DIR/lib. Modules come from the Go module proxy, pinned by go.mod and
# go.sum (-mod=readonly: a stale go.sum is an error, never rewritten); the
# module and build caches are Go's defaults (GOMODCACHE, GOCACHE), outside the
# repository. A module that cannot be downloaded fails the suite, naming it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [go test args...]" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
shift

# The official Go distribution installs to /usr/local/go without touching PATH.
command -v go >/dev/null 2>&1 || [ ! -x /usr/local/go/bin/go ] || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "run.sh: 'go' is not on PATH (the module needs Go >= $(sed -n 's/^go //p' "$here/go.mod"))" >&2; exit 1; }
for f in "$build_dir/bin/flyte-execute" "$build_dir/lib/libexample_tasks.so" "$build_dir/lib/libexample_bad_abi.so"; do
  [ -e "$f" ] || { echo "run.sh: $f is missing (build the flyte-execute, example_tasks and example_bad_abi targets)" >&2; exit 1; }
done

cd "$here"
export GOFLAGS=-mod=readonly
export GOTOOLCHAIN=local
# Download first, so an unreachable proxy or a missing version is reported as
# such (go names the module and version) rather than as a compile error.
if ! go mod download; then
  echo "run.sh: a Go module could not be downloaded (go named it above; GOPROXY=$(go env GOPROXY))" >&2
  exit 1
fi

# The fault matrix, run again with its rows exported for
# fault_matrix_test.go (the engine's verdict on every row).
export FLYTE_FAULT_EXPORT_DIR="$build_dir/interop-fault-rows"
rm -rf "$FLYTE_FAULT_EXPORT_DIR"
mkdir -p "$FLYTE_FAULT_EXPORT_DIR"
[ -x "$build_dir/bin/integration_tests" ] || { echo "run.sh: $build_dir/bin/integration_tests is missing (build the integration_tests target)" >&2; exit 1; }
if ! "$build_dir/bin/integration_tests" 'faults*' >"$FLYTE_FAULT_EXPORT_DIR.log" 2>&1; then
  echo "run.sh: the fault matrix failed ($build_dir/bin/integration_tests 'faults*'); its output:" >&2
  tail -50 "$FLYTE_FAULT_EXPORT_DIR.log" >&2
  exit 1
fi

export FLYTE_EXECUTE="$build_dir/bin/flyte-execute"
export FLYTE_EXAMPLE_LIBS="$build_dir/lib"
exec go test -count=1 "$@" .
