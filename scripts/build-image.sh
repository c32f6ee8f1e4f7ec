#!/usr/bin/env bash
# Builds the container images: flyte-execute:dev (compiler + SDK) and
# flyte-execute:latest (slim runtime). Needs a running container engine
# (docker or podman); says so clearly when there is none.
#   scripts/build-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-latest}
engine=""
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then
    engine=$candidate; break
  fi
done
if [ -z "$engine" ]; then
  cat >&2 <<'MSG'
build-image.sh: no container engine is running here.
  `docker` (or `podman`) must be installed AND its daemon reachable: `docker info` must succeed.
  On a machine with Docker: start the daemon (e.g. `sudo systemctl start docker`) and re-run.
  Nothing was built. The Dockerfile is docker/Dockerfile; the build needs only this repository.
MSG
  exit 3
fi
"$engine" build -f docker/Dockerfile --target dev -t "flyte-execute:dev" .
"$engine" build -f docker/Dockerfile -t "flyte-execute:$tag" .
echo "build-image.sh: built flyte-execute:$tag and flyte-execute:dev with $engine"
