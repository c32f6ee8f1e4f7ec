#!/usr/bin/env bash
# Benchmarks flyte-execute against the physical floor (bench/README.md). Never
# part of the test suite. Prints one table: whole-process cases (median wall,
# CPU, peak RSS, ratios to both baselines), then the micro benchmarks with
# their ratios to the baselines measured in the same run.
#
#   scripts/bench.sh            everything (under 10 minutes on 2 cores, even shared)
#   scripts/bench.sh --quick    fewer runs, for a smoke test
#
# Env: RUNS whole-process runs per case (default 300); JOBS build parallelism;
# BENCH_FILTER a Google Benchmark regex for micro_bench (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=${RUNS:-300}
min_time=0.5
for arg in "$@"; do
  case "$arg" in
    --quick) runs=${RUNS:-30}; min_time=0.05 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

JOBS=${JOBS:-2} scripts/setup.sh >/dev/null
cmake -S . -B build -DFLYTE_BUILD_BENCH=ON >/dev/null
cmake --build build -j "${JOBS:-2}" --target flyte-execute example_tasks bench_trivial_task \
  baseline_bare baseline_deps process_bench micro_bench >/dev/null
[ -x build/bin/micro_bench ] || { echo "bench.sh: micro_bench missing (install libbenchmark-dev)" >&2; exit 1; }

bin=$root/build/bin
lib=$root/build/lib
# Whole-process runs happen twice: on tmpfs (/dev/shm), where fsync is free and
# what is measured is our CPU and system-call cost, and on the disk under
# TMPDIR, where every fsync waits for the device (the floor then is the disk's).
disk=$(mktemp -d "${TMPDIR:-/tmp}/flyte-bench.XXXXXX")
shm=""
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/flyte-bench.XXXXXX)
trap 'rm -rf "$disk" ${shm:+"$shm"}' EXIT

task_args="--checkpoint-path {{.checkpointOutputPrefix}} --prev-checkpoint {{.prevCheckpointPrefix}}"
# Every case runs the same tiny C library: the baselines call its function,
# flyte-execute its `add` task. The C++ SDK case shows what a C++ task library
# (libstdc++ users, static constructors, more tasks) adds on top.
c_task="--resolver flyte -- task-library $lib/libbench_trivial_task.so task-name add"
cpp_task="--resolver flyte -- task-library $lib/libexample_tasks.so task-name add"

process_bench() {  # $1: work folder, $2: title
  local work=$1
  mkdir -p "$work/out-bare" "$work/out-deps" "$work/out-sup" "$work/out-inproc" "$work/out-cpp" \
    "$work/raw"
  "$bin/baseline_deps" --make-inputs "$work/inputs.pb"
  flyte() {  # $1: output folder, $2: extra flags, $3: the task
    echo "$bin/flyte-execute $2 --inputs $work/inputs.pb --output-prefix $work/$1" \
         "--raw-output-data-prefix $work/raw $task_args ${3:-$c_task}"
  }
  echo "## Whole process, $2: $runs interleaved runs per case"
  echo
  # A clean environment: no stray FLYTE_* or _FSEC_* variable changes what
  # runs; TMPDIR keeps flyte-execute's sandbox in the work folder.
  env -i PATH=/usr/bin:/bin HOME="$work" TMPDIR="$work" "$bin/process_bench" --runs "$runs" \
    --case bare "$bin/baseline_bare $work/inputs.pb $lib/libbench_trivial_task.so $work/out-bare" \
    --case deps "$bin/baseline_deps --inputs $work/inputs.pb --lib $lib/libbench_trivial_task.so --output-dir $work/out-deps" \
    --case flyte-execute "$(flyte out-sup "")" \
    --case "flyte-execute --in-process" "$(flyte out-inproc --in-process)" \
    --case "flyte-execute, C++ SDK task" "$(flyte out-cpp "" "$cpp_task")" \
    --baseline bare --baseline deps
  echo
  # The outputs are real: flyte-execute wrote them.
  [ -s "$work/out-sup/outputs.pb" ] && [ -s "$work/out-inproc/outputs.pb" ] &&
    [ -s "$work/out-cpp/outputs.pb" ] ||
    { echo "bench.sh: flyte-execute wrote no outputs.pb" >&2; exit 1; }
}

echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
echo
[ -n "$shm" ] && process_bench "$shm" "tmpfs (/dev/shm)"
process_bench "$disk" "disk ($(df --output=source "$disk" | tail -1), $(dirname "$disk"))"

work=$disk
echo "## In process (Google Benchmark)"
echo
"$bin/micro_bench" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_min_time="$min_time" \
  --benchmark_out="$work/micro.csv" --benchmark_out_format=csv >"$work/micro.txt" 2>&1 ||
  { cat "$work/micro.txt"; exit 1; }
# CSV columns: name,iterations,real_time,cpu_time,time_unit,... (header line first).
# Ratios use CPU time (the machine is shared; waiting for a core is not our
# cost), except for the checkpoint rows, whose baseline runs in a child `cp`
# process and whose cost is mostly I/O: those compare wall time.
awk -F, '
  /^name,/ { header = 1; next }
  !header || !/^"/ { next }
  { name = $1; gsub(/"/, "", name); sub(/^BM_/, "", name); sub(/\/.*/, "", name);
    real[name] = $3; cpu[name] = $4; unit[name] = $5; order[++n] = name }
  END {
    base["literal_int_collection_converter"] = "literal_int_collection_protobuf"
    base["literal_string_map_converter"] = "literal_string_map_protobuf"
    base["literal_int_collection_message_path"] = "literal_int_collection_protobuf"
    base["literal_string_map_message_path"] = "literal_string_map_protobuf"
    base["checkpoint_save"] = "cp_r"
    base["checkpoint_restore"] = "cp_r"
    base["cp_r_of_fresh_copy"] = "cp_r"
    base["checkpoint_save_restore"] = "cp_r_twice"
    base["cp_r_fsync"] = "cp_r"
    print "| benchmark | wall | CPU | baseline | ratio |"
    print "|---|---|---|---|---|"
    for (i = 1; i <= n; ++i) {
      name = order[i]; b = base[name]; ratio = ""
      if (b != "") {
        wall = (name ~ /^(checkpoint|cp_r)/)
        num = wall ? real[name] : cpu[name]; den = wall ? real[b] : cpu[b]
        if (den > 0) ratio = sprintf("%.2fx (%s)", num / den, wall ? "wall" : "CPU")
      }
      printf "| %s | %.4g %s | %.4g %s | %s | %s |\n", name, real[name], unit[name], cpu[name], unit[name], b, ratio
    }
  }' "$work/micro.csv"
