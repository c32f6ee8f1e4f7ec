#!/usr/bin/env bash
# Regenerates the committed seed corpora of the fuzz targets:
#   fuzz/corpus/inputs_pb/   from fuzz/seeds/inputs_pb/*.txtpb (LiteralMap text
#                            format, encoded with protoc)
#   fuzz/corpus/cli_value/   byte 0 = type index, byte 1 = wrapper, then text
#                            (see BASE_TYPES / wrap() in cli_value_fuzz.cpp)
#   fuzz/corpus/secret_name/ byte 0 = flags, bytes 1-2 = group/key lengths,
#                            then group, key, version (see secret_name_fuzz.cpp)
# Needs the flyteidl protos (scripts/setup.sh fetches them).
set -euo pipefail
cd "$(dirname "$0")/.."
protos=${FLYTEIDL_PROTO_DIR:-third_party/flyteidl/node_modules/@flyteorg/flyteidl/protos}

mkdir -p fuzz/corpus/inputs_pb fuzz/corpus/cli_value fuzz/corpus/secret_name
for seed in fuzz/seeds/inputs_pb/*.txtpb; do
  protoc -I "$protos" --encode=flyteidl.core.LiteralMap flyteidl/core/literals.proto \
    < "$seed" > "fuzz/corpus/inputs_pb/$(basename "$seed" .txtpb).pb"
done

# cli_value: NAME TYPE_INDEX WRAP TEXT
cli() { printf "\\x$(printf %02x "$2")\\x$(printf %02x "$3")%s" "$4" > "fuzz/corpus/cli_value/$1"; }
cli integer 0 0 '-42'
cli float 1 0 '2.5e3'
cli datetime 4 0 '2024-01-02T03:04:05.123+02:00'
cli duration 5 0 '1.500s'
cli binary 10 0 'AAEC/w=='
cli dict 11 0 '{"a": [1, 2.5, "x", null, true], "b": {"c": -3}}'
cli sd 14 0 '{"uri": "s3://b/df", "format": "parquet"}'
cli list_int 15 0 '[1, 2, 3]'
cli union 17 0 '3.5'
cli nested 20 0 '[{"a": "90s", "b": null}]'
cli map_union 21 0 '{"k": ["x", "y"], "t": true, "d": {"z": 1}}'
cli wrapped_list 0 1 '[1, -2]'
cli wrapped_optional 4 3 'null'
cli type_text 0 0 'list<map<union<integer, file[csv], optional<structured_dataset[parquet]>>>>'

# secret_name: NAME FLAGS GROUP KEY VERSION
secret() {
  printf "\\x$(printf %02x "$2")\\x$(printf %02x ${#3})\\x$(printf %02x ${#4})%s%s%s" "$3" "$4" "$5" \
    > "fuzz/corpus/secret_name/$1"
}
secret get 0 group key ''
secret get_version 2 group key v1
secret get_upper 0 GROUP KEY ''
secret file_path 4 a b ''
secret traversal 0 .. passwd ''
secret traversal_key 0 group ../../passwd ''
secret sibling 4 ../secrets-other key ''
secret check_any 6 my-group api_key ''
secret check_file 22 group ws ''
printf '\x00\x05\x03gr\x00upkey' > fuzz/corpus/secret_name/nul

# fuzz/corpus/listed_name/: object names as a storage listing gives them.
mkdir -p fuzz/corpus/listed_name
printf 'a/b.txt' > fuzz/corpus/listed_name/plain
printf '../x' > fuzz/corpus/listed_name/dotdot
printf 'sub/' > fuzz/corpus/listed_name/marker
printf 'a//b' > fuzz/corpus/listed_name/empty_segment
printf '..a/b..' > fuzz/corpus/listed_name/dots_in_names
