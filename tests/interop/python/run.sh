#!/usr/bin/env bash
# The flytekit interop suite: flytekit reads what flyte-execute writes.
#
#   tests/interop/python/run.sh BUILD_DIR [pytest args...]
#
# Creates (once per lock file) a venv BUILD_DIR/interop-venv with the pinned
# flytekit and pytest, installed with --require-hashes, then runs pytest on
# BUILD_DIR/bin/flyte-execute and the example libraries in BUILD_DIR/lib.
#
# Env: FLYTE_INTEROP_PY_LOCK  another hashed lock file (e.g. for another
#        flytekit version; see the README's "Tested against"); the venv is
#        rebuilt when the lock's hash changes.
#      FLYTE_INTEROP_PYTHON   the interpreter for the venv (default python3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "run.sh: usage: run.sh BUILD_DIR [pytest args...]" >&2; exit 2; }
build_dir=$(cd "$1" && pwd)
shift
lock=${FLYTE_INTEROP_PY_LOCK:-$here/requirements.lock}
[ -f "$lock" ] || { echo "run.sh: lock file '$lock' not found" >&2; exit 2; }
python=${FLYTE_INTEROP_PYTHON:-python3}
venv=$build_dir/interop-venv
stamp=$venv/.flyte-interop-stamp
key="$(sha256sum "$lock" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version)' | head -1)"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$key" ]; then
  echo "run.sh: creating $venv from $lock"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  log=$build_dir/interop-venv.pip.log
  if ! "$venv/bin/pip" install --disable-pip-version-check --no-input --require-hashes \
      -r "$lock" >"$log" 2>&1; then
    # Name what could not be installed: pip's own words, then the packages the
    # log mentions last (a registry that cannot be reached fails on the first).
    echo "run.sh: FAILED to install the interop Python packages from $lock (pip log: $log)" >&2
    grep -E "ERROR|Could not|No matching|Failed|hash" "$log" | tail -15 >&2 || tail -15 "$log" >&2
    pkg=$(grep -oE "(requirement|Collecting|Downloading) [A-Za-z0-9_.=-]+" "$log" | tail -1 | cut -d' ' -f2 || true)
    echo "run.sh: the last package pip tried was: ${pkg:-<none: pip could not start>}" >&2
    rm -rf "$venv"
    exit 1
  fi
  echo "$key" >"$stamp"
fi

export FLYTE_INTEROP_BUILD_DIR=$build_dir
cd "$here"
exec "$venv/bin/python" -m pytest "$@"
