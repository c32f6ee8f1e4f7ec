#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a
# bounded time, starting from the seed corpus in fuzz/corpus/<target>/.
# A crash leaves its input in build-fuzz/crashes/ and fails the script; turn
# it into a regression test (add the input to the target's unit tests).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 45)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
command -v clang++ >/dev/null 2>&1 || NEED_CLANG=1
if [ -n "${NEED_CLANG:-}" ] || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed"; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi
scripts/setup.sh >/dev/null  # packages + protos
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLYTE_FUZZ=ON \
    -DFLYTE_BUILD_TESTS=OFF -DFLYTE_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build build-fuzz -j "${JOBS:-$(nproc)}" 2>&1 | grep -E '(error|warning): ' | grep -v 'is unused' || true
mkdir -p build-fuzz/crashes
status=0
for target in build-fuzz/bin/*_fuzz; do
  name=$(basename "$target" _fuzz)
  work="build-fuzz/corpus/$name"
  mkdir -p "$work"
  echo "fuzz.sh: $name for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="build-fuzz/crashes/$name-" -print_final_stats=0 "$work" "fuzz/corpus/$name" \
       > "build-fuzz/$name.log" 2>&1; then
    echo "fuzz.sh: $name FAILED; input saved under build-fuzz/crashes/, log build-fuzz/$name.log" >&2
    tail -40 "build-fuzz/$name.log" >&2
    status=1
  else
    grep -E '^#[0-9]+.*DONE' "build-fuzz/$name.log" | tail -1 || true
  fi
done
exit $status
