#!/usr/bin/env bash
# Starts or stops the S3-compatible server (s3rver, pinned by
# third_party/s3rver/package-lock.json) that the S3 tests run against.
#
#   scripts/s3-server.sh start [STATE_DIR]   start on 127.0.0.1, print the URL
#   scripts/s3-server.sh stop  [STATE_DIR]   stop it and delete its data
#
# STATE_DIR (default build/s3-server) receives `url` (http://127.0.0.1:PORT),
# `pid`, `log` and the server's data folder. The server accepts any
# credentials (the tests use S3RVER/S3RVER) and starts with the bucket
# `flyte-test` (override with FLYTE_TEST_S3_BUCKET). Port: $S3_SERVER_PORT,
# else a free one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cmd=${1:-}
state=${2:-$root/build/s3-server}
bucket=${FLYTE_TEST_S3_BUCKET:-flyte-test}
pkg="$root/third_party/s3rver"

stop() {
  if [ -f "$state/pid" ]; then
    pid=$(cat "$state/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$state/pid" "$state/url"
  fi
  rm -rf "$state/data"
}

case "$cmd" in
  start)
    command -v node >/dev/null || { echo "s3-server.sh: node is missing; run scripts/setup.sh" >&2; exit 1; }
    if [ ! -x "$pkg/node_modules/.bin/s3rver" ] ||
       [ "$pkg/package-lock.json" -nt "$pkg/node_modules/.package-lock.json" ]; then
      echo "s3-server.sh: installing s3rver (npm ci)" >&2
      (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
    mkdir -p "$state"
    stop
    port=${S3_SERVER_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
    mkdir -p "$state/data"
    # setsid: the server outlives this script and is stopped by its pid.
    # --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation
    # tokens with DES, which OpenSSL 3 (Node 17+) only has in that provider.
    NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" setsid "$pkg/node_modules/.bin/s3rver" -d "$state/data" -a 127.0.0.1 -p "$port" \
      --no-vhost-buckets --configure-bucket "$bucket" >"$state/log" 2>&1 < /dev/null &
    echo $! >"$state/pid"
    url="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
      if curl -s -o /dev/null "$url/"; then
        echo "$url" >"$state/url"; echo "$url"; exit 0
      fi
      kill -0 "$(cat "$state/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "s3-server.sh: s3rver did not answer on $url; its log ($state/log):" >&2
    cat "$state/log" >&2 || true
    stop; exit 1 ;;
  stop) stop ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
