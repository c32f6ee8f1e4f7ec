#!/usr/bin/env bash
# The README's demo: sets up when the build is missing, then runs real tasks
# through flyte-execute, first as a developer would locally, then exactly as
# Flyte's engine runs a container (inputs.pb in, outputs.pb out), with local
# folders standing in for the object store.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bin/flyte-execute ] && [ -f build/lib/libexample_tasks.so ] || scripts/setup.sh
bin=build/bin/flyte-execute
lib=build/lib/libexample_tasks.so
protos=third_party/flyteidl/node_modules/@flyteorg/flyteidl/protos

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "$bin --list $lib   (first lines)"
"$bin" --list "$lib" | head -6

step "$bin --task $lib:add --input a=2 --input b=3"
"$bin" --task "$lib:add" --input a=2 --input b=3

step "$bin --task $lib:mean --input 'xs=[1.5, 2.5, 8]'"
"$bin" --task "$lib:mean" --input 'xs=[1.5, 2.5, 8]'

# Container mode: the engine's flags, files on local disk.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/out"
printf 'literals { key: "a" value { scalar { primitive { integer: 40 } } } }
literals { key: "b" value { scalar { primitive { integer: 2 } } } }\n' |
  protoc --encode=flyteidl.core.LiteralMap -I "$protos" flyteidl/core/literals.proto > "$work/in/inputs.pb"
step "$bin --inputs $work/in/inputs.pb --output-prefix $work/out --raw-output-data-prefix $work/raw \\
    --checkpoint-path {{.checkpointOutputPrefix}} --prev-checkpoint {{.prevCheckpointPrefix}} \\
    --resolver flyte -- task-library $lib task-name add"
FLYTE_INTERNAL_EXECUTION_ID=demo FLYTE_SDK_LOGGING_LEVEL=20 \
  "$bin" --inputs "$work/in/inputs.pb" --output-prefix "$work/out" --raw-output-data-prefix "$work/raw" \
  --checkpoint-path '{{.checkpointOutputPrefix}}' --prev-checkpoint '{{.prevCheckpointPrefix}}' \
  --resolver flyte -- task-library "$lib" task-name add
step "protoc --decode=flyteidl.core.LiteralMap < $work/out/outputs.pb"
protoc --decode=flyteidl.core.LiteralMap -I "$protos" flyteidl/core/literals.proto < "$work/out/outputs.pb"

step "a failing task leaves error.pb (and exits 0 in a container, as pyflyte-execute does)"
: > "$work/in/empty.pb"  # an empty LiteralMap: the task takes no inputs
"$bin" --inputs "$work/in/empty.pb" --output-prefix "$work/out-fail" --task "$lib:fail_recoverable" 2>/dev/null || true
protoc --decode=flyteidl.core.ErrorDocument -I "$protos" flyteidl/core/errors.proto < "$work/out-fail/error.pb"
