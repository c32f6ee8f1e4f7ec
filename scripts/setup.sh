#!/usr/bin/env bash
# Installs everything flyte-execute needs on Debian 12, fetches the pinned
# flyteidl protos and builds. Idempotent: a second run only rebuilds what
# changed.
#
#   scripts/setup.sh              Release build in build/
#   scripts/setup.sh --sanitize   ASan+UBSan build in build-asan/
#
# Env: FLYTE_BUILD_DIR overrides the build folder; JOBS the parallelism;
# FLYTE_CMAKE_ARGS extra CMake arguments for the first configure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

sanitize=OFF
build_dir=${FLYTE_BUILD_DIR:-build}
build_type=Release
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=ON; build_dir=${FLYTE_BUILD_DIR:-build-asan}; build_type=RelWithDebInfo ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

# Debian packages: the libraries of the design card plus the tools the scripts
# use (npm for the protos and the S3 test server, clang for fuzzing). zlib1g-dev:
# its libz.a is linked statically (gzip of `flyte-execute package`, protobuf).
packages=(
  build-essential cmake pkg-config git ca-certificates
  libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libboost-filesystem-dev catch2
  libprotobuf-dev protobuf-compiler zlib1g-dev libcurl4-openssl-dev nlohmann-json3-dev libbenchmark-dev
  clang-format nodejs npm curl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with a Node.js that was not installed from Debian.
if [ ${#missing[@]} -gt 0 ] && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The official flyteidl protos, exactly as pinned by package-lock.json.
idl="$root/third_party/flyteidl"
if [ ! -f "$idl/node_modules/@flyteorg/flyteidl/protos/flyteidl/core/literals.proto" ] ||
   [ "$idl/package-lock.json" -nt "$idl/node_modules/.package-lock.json" ]; then
  echo "setup.sh: fetching flyteidl protos (npm ci)"
  (cd "$idl" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

jobs=${JOBS:-$(nproc)}
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  # Header-only spdlog/fmt saves start-up time in the shipped binary but costs
  # compile time in every file; the sanitizer build is for tests, not speed.
  logging_args=""
  [ "$sanitize" = ON ] && logging_args="-DFLYTE_HEADER_ONLY_LOGGING=OFF"
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DFLYTE_SANITIZE="$sanitize" \
    $logging_args ${FLYTE_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build_dir" -j "$jobs"
echo "setup.sh: built $build_dir/bin/flyte-execute"
