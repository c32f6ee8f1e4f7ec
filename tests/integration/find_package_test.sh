#!/usr/bin/env bash
# Installs flyte-execute into a temporary prefix, builds examples/my-first-task
# out of tree with find_package(flyte_execute), and runs its task through the
# installed binary: what a task author does, verbatim.
#   find_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/my-first-task" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
lib="$work/build/libmy_tasks.so"
"$work/prefix/bin/flyte-execute" --list "$lib" | grep -q 'greet(name: string) -> (greeting: string)'
out=$("$work/prefix/bin/flyte-execute" --task "$lib:greet" --input name=World)
echo "$out"
echo "$out" | grep -q '"greeting": "Hello, World!"'
out=$("$work/prefix/bin/flyte-execute" --task "$lib:count_words" --input 'lines=["a b", "b"]')
echo "$out" | tr -d ' \n' | grep -q '"counts":{"a":1,"b":2}'
test -f "$work/prefix/include/flyte/task.h" && test -f "$work/prefix/include/flyte/task.hpp"
test -f "$work/prefix/lib/pkgconfig/flyte-task.pc"
# pkg-config finds the headers of this prefix (not /usr/local), and still
# after the prefix is moved: the .pc file is relative to itself.
pc_check() {
  local prefix=$1 cflags
  cflags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags flyte-task)
  case "$cflags" in
    "-I$prefix/"*) ;;
    *) echo "pkg-config --cflags flyte-task gave '$cflags', not a path under $prefix" >&2; exit 1 ;;
  esac
  printf '#include <flyte/task.h>\nint main(void) { return 0; }\n' >"$work/pc_check.c"
  # shellcheck disable=SC2086  # cflags is a word list
  cc $cflags -fsyntax-only "$work/pc_check.c"
}
pc_check "$work/prefix"
mv "$work/prefix" "$work/moved"
pc_check "$work/moved"
mv "$work/moved" "$work/prefix"  # the README steps below use the installed prefix

# README "Register your task", verbatim, from the folder holding build/: every
# command but flytectl (a cluster; the Go interop suite checks the archive
# with flytectl's own code).
register=$(awk '/^## Register your task/{in_section=1} in_section && /^```sh/{in_block=1; next}
  in_block && /^```/{exit} in_block' "$source_dir/README.md")
test -n "$register"
listing=$(cd "$work" && PATH="$work/prefix/bin:$PATH" bash -euo pipefail -c \
  "$(echo "$register" | grep -v '^flytectl ')")
echo "$listing"
echo "$listing" | grep -qx '0_my_tasks.greet_1.pb'
echo "$listing" | grep -qx '1_my_tasks.count_words_1.pb'
echo "find_package: OK"
