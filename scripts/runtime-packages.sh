#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries a binary needs,
# one per line. The container image's runtime stage installs exactly these.
#   scripts/runtime-packages.sh build/bin/flyte-execute
#
# Two sources: what the binary links (ldd), and the libraries flyte-execute
# loads with dlopen only when needed, which ldd cannot see (libcurl, for
# s3:// URIs: lib/include/flyte/io/curl_library.hpp).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
dlopened=(libcurl.so.4)
{
  for bin in "$@"; do
    ldd "$bin" | awk '/=> \//{print $3}'
  done
  for soname in "${dlopened[@]}"; do
    path=$(ldconfig -p | awk -v s="$soname" '$1 == s {print $NF; exit}')
    [ -n "$path" ] || { echo "$0: $soname (loaded with dlopen) is not installed" >&2; exit 1; }
    echo "$path"
  done
} | sort -u | while read -r lib; do
  dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
done | cut -d: -f1 | sort -u
