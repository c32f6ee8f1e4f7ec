#!/usr/bin/env bash
# The README's demo: sets up when the build is missing, then runs flyte-execute
# on an example. Extra arguments go to flyte-execute.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bin/flyte-execute ] || scripts/setup.sh
set -x
build/bin/flyte-execute --version
