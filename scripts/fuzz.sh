#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a
# bounded time, starting from the seed corpus in fuzz/corpus/<target>/.
# A crash leaves its input in build-fuzz/crashes/<target>-crash-<sha1> and
# fails the script; turn it into a regression test (README: "Fuzzing").
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 45, all targets)
#   scripts/fuzz.sh --long [TARGET...]                  release mode: 600 s per target
#                                                       (FUZZ_LONG_SECONDS overrides)
# Before a release run the long mode once (README "Fuzzing"): with JOBS=2 and
# four targets it takes about 20 minutes plus the build.
# Only the fuzz targets are built, and up to JOBS (default: nproc) targets run
# at once, so CI's `scripts/fuzz.sh 45` takes about ceil(targets/JOBS) * 45 s
# plus the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--long" ]; then
  seconds=${FUZZ_LONG_SECONDS:-600}
  shift
  if [ "$seconds" -lt 600 ]; then
    echo "fuzz.sh: --long with FUZZ_LONG_SECONDS=$seconds (below the 600 s a release needs)" >&2
  fi
else
  seconds=${1:-45}
  shift || true
fi
jobs=${JOBS:-$(nproc)}
command -v clang++ >/dev/null 2>&1 || NEED_CLANG=1
if [ -n "${NEED_CLANG:-}" ] || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed"; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi
scripts/setup.sh >/dev/null  # packages + protos
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  # shellcheck disable=SC2086  # FLYTE_CMAKE_ARGS is a list of flags (e.g. ccache launchers)
  CC=clang CXX=clang++ cmake -S . -B build-fuzz ${FLYTE_CMAKE_ARGS:-} -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLYTE_FUZZ=ON \
    -DFLYTE_BUILD_TESTS=OFF -DFLYTE_BUILD_EXAMPLES=OFF -DFLYTE_HEADER_ONLY_LOGGING=OFF >/dev/null
fi
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for source in fuzz/*_fuzz.cpp; do names+=("$(basename "$source" _fuzz.cpp)"); done
fi
targets=()
for name in "${names[@]}"; do targets+=("${name}_fuzz"); done
if ! cmake --build build-fuzz -j "$jobs" --target "${targets[@]}" > build-fuzz/build.log 2>&1; then
  grep -E '(error|warning): ' build-fuzz/build.log | grep -v 'is unused' >&2 || tail -40 build-fuzz/build.log >&2
  echo "fuzz.sh: build failed, log build-fuzz/build.log" >&2
  exit 1
fi
mkdir -p build-fuzz/crashes

run_one() {
  local name=$1 work="build-fuzz/corpus/$1"
  mkdir -p "$work"
  if ASAN_OPTIONS=detect_leaks=1 "build-fuzz/bin/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="build-fuzz/crashes/$name-" -print_final_stats=0 \
       "$work" "fuzz/corpus/$name" > "build-fuzz/$name.log" 2>&1; then
    echo "fuzz.sh: $name ok: $(grep -E '^#[0-9]+.*DONE' "build-fuzz/$name.log" | tail -1)"
  else
    echo "fuzz.sh: $name FAILED; input saved under build-fuzz/crashes/, log build-fuzz/$name.log" >&2
    tail -40 "build-fuzz/$name.log" >&2
    return 1
  fi
}

echo "fuzz.sh: ${names[*]} for ${seconds}s each, $jobs at a time"
pids=()
for name in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$name" &
  pids+=($!)
done
# `wait PID` returns that run's status even when it ended long ago.
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
