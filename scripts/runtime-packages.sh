#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries a binary needs,
# one per line. The container image's runtime stage installs exactly these.
#   scripts/runtime-packages.sh build/bin/flyte-execute
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
for bin in "$@"; do
  ldd "$bin" | awk '/=> \//{print $3}'
done | sort -u | while read -r lib; do
  dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
done | cut -d: -f1 | sort -u
