// Micro benchmarks of literal conversion: decoding + re-encoding a LiteralMap
// the way the runtime does (literal_wire.hpp: bytes -> Values -> bytes, the
// "converter" cases) against protobuf's own parse + serialize of the same
// bytes. The difference is what our Value model costs on top of the wire
// format. The "message_path" cases are the previous production path (parse,
// from_literal_map, to_literal_map, serialize), kept for before/after.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "flyte/model/flyte_type.hpp"
#include "flyte/model/literal_converter.hpp"
#include "flyte/model/literal_wire.hpp"
#include "flyteidl/core/literals.pb.h"

namespace {

using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;

constexpr int kCollectionSize = 1'000'000;
constexpr int kMapSize = 100'000;

struct Payload {
  std::string bytes;
  flyte::VariableTypes types;
};

const Payload& int_collection() {
  static const Payload payload = [] {
    LiteralMap map;
    auto* items = (*map.mutable_literals())["xs"].mutable_collection()->mutable_literals();
    items->Reserve(kCollectionSize);
    for (int i = 0; i < kCollectionSize; ++i) {
      items->Add()->mutable_scalar()->mutable_primitive()->set_integer(
          static_cast<std::int64_t>(i) * 7919 - 4'000'000'000LL);
    }
    return Payload{map.SerializeAsString(), {{"xs", flyte::parse_flyte_type("list<integer>")}}};
  }();
  return payload;
}

const Payload& string_map() {
  static const Payload payload = [] {
    LiteralMap map;
    auto* entries = (*map.mutable_literals())["m"].mutable_map()->mutable_literals();
    for (int i = 0; i < kMapSize; ++i) {
      (*entries)["key-" + std::to_string(i)]
          .mutable_scalar()
          ->mutable_primitive()
          ->set_string_value("value number " + std::to_string(i));
    }
    return Payload{map.SerializeAsString(), {{"m", flyte::parse_flyte_type("map<string>")}}};
  }();
  return payload;
}

void protobuf_round_trip(benchmark::State& state, const Payload& payload) {
  for (auto _ : state) {
    LiteralMap map;
    if (!map.ParseFromString(payload.bytes)) state.SkipWithError("parse failed");
    std::string out;
    map.SerializeToString(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.bytes.size()));
}

// The production path: the wire codec.
void converter_round_trip(benchmark::State& state, const Payload& payload) {
  for (auto _ : state) {
    const flyte::ValueMap values = flyte::decode_literal_map(payload.bytes, payload.types);
    const std::string out = flyte::encode_literal_map(values, payload.types, "output");
    if (out.size() != payload.bytes.size()) state.SkipWithError("round trip changed the size");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.bytes.size()));
}

// The message path: protobuf message trees on both sides.
void message_path_round_trip(benchmark::State& state, const Payload& payload) {
  for (auto _ : state) {
    LiteralMap map;
    if (!map.ParseFromString(payload.bytes)) state.SkipWithError("parse failed");
    const flyte::ValueMap values = flyte::from_literal_map(map, payload.types);
    const LiteralMap encoded = flyte::to_literal_map(values, payload.types, "output");
    std::string out;
    encoded.SerializeToString(&out);
    if (out.size() != payload.bytes.size()) state.SkipWithError("round trip changed the size");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.bytes.size()));
}

// The halves alone, to show where the time goes: wire decode and encode,
// and the message path's from_literal_map / to_literal_map on a parsed map.
void decode_only(benchmark::State& state, const Payload& payload) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(flyte::decode_literal_map(payload.bytes, payload.types));
  }
}

void encode_only(benchmark::State& state, const Payload& payload) {
  const flyte::ValueMap values = flyte::decode_literal_map(payload.bytes, payload.types);
  for (auto _ : state) {
    benchmark::DoNotOptimize(flyte::encode_literal_map(values, payload.types, "output"));
  }
}

void message_decode_only(benchmark::State& state, const Payload& payload) {
  LiteralMap map;
  map.ParseFromString(payload.bytes);
  for (auto _ : state) {
    benchmark::DoNotOptimize(flyte::from_literal_map(map, payload.types));
  }
}

void message_encode_only(benchmark::State& state, const Payload& payload) {
  LiteralMap map;
  map.ParseFromString(payload.bytes);
  const flyte::ValueMap values = flyte::from_literal_map(map, payload.types);
  for (auto _ : state) {
    benchmark::DoNotOptimize(flyte::to_literal_map(values, payload.types, "output"));
  }
}

// protobuf's serialize alone (of a parsed map).
void serialize_only(benchmark::State& state, const Payload& payload) {
  LiteralMap map;
  map.ParseFromString(payload.bytes);
  for (auto _ : state) {
    std::string out;
    map.SerializeToString(&out);
    benchmark::DoNotOptimize(out.data());
  }
}

// protobuf's parse alone: what building the message tree costs.
void parse_only(benchmark::State& state, const Payload& payload) {
  for (auto _ : state) {
    LiteralMap map;
    map.ParseFromString(payload.bytes);
    benchmark::DoNotOptimize(map.literals().size());
  }
}

void BM_literal_int_collection_parse_only(benchmark::State& state) {
  parse_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_parse_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_serialize_only(benchmark::State& state) {
  serialize_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_serialize_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_decode_only(benchmark::State& state) {
  decode_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_decode_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_encode_only(benchmark::State& state) {
  encode_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_encode_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_message_decode_only(benchmark::State& state) {
  message_decode_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_message_decode_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_message_encode_only(benchmark::State& state) {
  message_encode_only(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_message_encode_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_parse_only(benchmark::State& state) {
  parse_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_parse_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_serialize_only(benchmark::State& state) {
  serialize_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_serialize_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_decode_only(benchmark::State& state) {
  decode_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_decode_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_encode_only(benchmark::State& state) {
  encode_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_encode_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_message_decode_only(benchmark::State& state) {
  message_decode_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_message_decode_only)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_message_encode_only(benchmark::State& state) {
  message_encode_only(state, string_map());
}
BENCHMARK(BM_literal_string_map_message_encode_only)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_protobuf(benchmark::State& state) {
  protobuf_round_trip(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_protobuf)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_converter(benchmark::State& state) {
  converter_round_trip(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_converter)->Unit(benchmark::kMillisecond);

void BM_literal_int_collection_message_path(benchmark::State& state) {
  message_path_round_trip(state, int_collection());
}
BENCHMARK(BM_literal_int_collection_message_path)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_protobuf(benchmark::State& state) {
  protobuf_round_trip(state, string_map());
}
BENCHMARK(BM_literal_string_map_protobuf)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_converter(benchmark::State& state) {
  converter_round_trip(state, string_map());
}
BENCHMARK(BM_literal_string_map_converter)->Unit(benchmark::kMillisecond);

void BM_literal_string_map_message_path(benchmark::State& state) {
  message_path_round_trip(state, string_map());
}
BENCHMARK(BM_literal_string_map_message_path)->Unit(benchmark::kMillisecond);

}  // namespace
