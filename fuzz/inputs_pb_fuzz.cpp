// Fuzzes inputs.pb decoding: arbitrary bytes are parsed as a flyteidl
// LiteralMap and decoded against a fixed interface that covers every type
// family the converter handles (scalars, blobs, binary, dict/struct, lists,
// maps, unions, optionals, structured datasets, nesting).
//
// Expected failures: protobuf rejecting the bytes (ParseFromArray returns
// false) and ModelError from the converter. Any other exception escaping is a
// bug (libFuzzer reports it as a crash), as is a crash or sanitizer report.
//
// Every value that decodes must re-encode (to_literal / to_literal_map) and
// the round trip must be stable: decode(encode(v)) encodes to the same
// literal again (compared with MessageDifferencer, NaN equal to NaN), and the
// encoded literal must survive serialization (what outputs.pb needs).
//
// The wire codec (literal_wire.hpp, what the runtime uses) is checked
// against that message path on every input: decode_literal_map(bytes) must
// give the same values, the same error message, or WireFormatError exactly
// when protobuf rejects the bytes; encode_literal_map must parse to what
// to_literal_map builds.
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "flyte/model/flyte_type.hpp"
#include "flyte/model/literal_converter.hpp"
#include "flyte/model/literal_wire.hpp"

namespace {

using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;

const flyte::VariableTypes& interface_types() {
  static const flyte::VariableTypes types = [] {
    const std::pair<const char*, const char*> declared[] = {
        {"i", "integer"},
        {"f", "float"},
        {"s", "string"},
        {"b", "boolean"},
        {"dt", "datetime"},
        {"du", "duration"},
        {"n", "none"},
        {"file", "file[csv]"},
        {"anyfile", "file"},
        {"dir", "directory"},
        {"bin", "binary"},
        {"d", "dict"},
        {"st", "struct"},
        {"sd", "structured_dataset[parquet]"},
        {"xs", "list<integer>"},
        {"fs", "list<float>"},
        {"m", "map<string>"},
        {"mm", "map<list<optional<datetime>>>"},
        {"u", "union<integer, string, list<float>>"},
        {"uf", "union<file, file[csv], directory>"},
        {"o", "optional<string>"},
        {"od", "optional<dict>"},
        {"ld", "list<dict>"},
        {"nested", "list<map<union<duration, boolean, none>>>"},
    };
    flyte::VariableTypes out;
    for (const auto& [name, type] : declared) out.emplace_back(name, flyte::parse_flyte_type(type));
    return out;
  }();
  return types;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "inputs_pb_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

bool same_literal(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

// Re-encodes a decoded value and checks that decoding and encoding again
// gives the same literal. A decoded value that cannot be encoded is a bug.
void check_round_trip(const flyte::Value& value, const flyteidl::core::LiteralType& type,
                      const std::string& name) {
  Literal first;
  try {
    first = flyte::to_literal(value, type, name);
  } catch (const flyte::ModelError& e) {
    fail("a decoded value does not encode", e.what());
  }
  // What the runtime writes must be readable by the engine (proto3 strings
  // must be UTF-8, which protobuf enforces when parsing).
  Literal reparsed;
  if (!reparsed.ParseFromString(first.SerializeAsString())) {
    fail("an encoded value does not survive serialization", first.DebugString());
  }
  Literal second;
  try {
    second = flyte::to_literal(flyte::from_literal(first, type, name), type, name);
  } catch (const flyte::ModelError& e) {
    fail("an encoded value does not decode", first.DebugString() + e.what());
  }
  if (!same_literal(first, second)) {
    fail("round trip is not stable", first.DebugString() + "---\n" + second.DebugString());
  }
}

// The wire path against the message path for one interface: same values
// (compared through their encoding, so NaN equals NaN) or the same error;
// and the wire encoding of the values parses to the message encoding.
void check_wire_path(std::string_view bytes, bool parsed, const LiteralMap& literals,
                     const flyte::VariableTypes& types) {
  std::optional<flyte::ValueMap> expected;
  std::string expected_error;
  if (parsed) {
    try {
      expected = flyte::from_literal_map(literals, types);
    } catch (const flyte::ModelError& e) {
      expected_error = e.what();
    }
  }
  std::optional<flyte::ValueMap> actual;
  try {
    actual = flyte::decode_literal_map(bytes, types);
  } catch (const flyte::WireFormatError& e) {
    if (parsed) fail("the wire path rejects bytes protobuf parses", e.what());
    return;
  } catch (const flyte::ModelError& e) {
    if (!parsed) fail("the wire path reads bytes protobuf rejects", e.what());
    if (expected) fail("the wire path fails where the message path decodes", e.what());
    if (expected_error != e.what()) {
      fail("the two paths fail differently", expected_error + "\n---\n" + e.what());
    }
    return;
  }
  if (!parsed) fail("the wire path decodes bytes protobuf rejects", "");
  if (!expected) fail("the wire path decodes what the message path rejects", expected_error);
  LiteralMap from_messages, from_wire;
  try {
    from_messages = flyte::to_literal_map(*expected, types, "input");
    from_wire = flyte::to_literal_map(*actual, types, "input");
  } catch (const flyte::ModelError& e) {
    fail("a decoded map does not encode", e.what());
  }
  if (!same_literal(from_messages, from_wire)) {
    fail("the two paths decode different values",
         from_messages.DebugString() + "---\n" + from_wire.DebugString());
  }
  LiteralMap wire_encoded;
  if (!wire_encoded.ParseFromString(flyte::encode_literal_map(*actual, types, "input"))) {
    fail("the wire encoding does not parse", from_messages.DebugString());
  }
  if (!same_literal(wire_encoded, from_messages)) {
    fail("the wire encoding differs from the message encoding",
         wire_encoded.DebugString() + "---\n" + from_messages.DebugString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  LiteralMap literals;
  const bool parsed = literals.ParseFromArray(data, static_cast<int>(size));
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto& types = interface_types();
  // The full interface, and the subset of it the bytes name (when they parse).
  check_wire_path(bytes, parsed, literals, types);
  if (!parsed) return 0;
  {
    flyte::VariableTypes named;
    for (const auto& [name, type] : types) {
      if (literals.literals().count(name)) named.emplace_back(name, type);
    }
    check_wire_path(bytes, parsed, literals, named);
  }

  // One literal at a time, so inputs that hold only some of the names still
  // reach the decoder for each type.
  flyte::VariableTypes present;
  for (const auto& [name, type] : types) {
    const auto it = literals.literals().find(name);
    if (it == literals.literals().end()) continue;
    present.emplace_back(name, type);
    try {
      const flyte::Value value = flyte::from_literal(it->second, type, name);
      check_round_trip(value, type, name);
    } catch (const flyte::ModelError&) {
    }
  }

  // The whole map against the interface subset it names (undeclared extra
  // names must be rejected), then the full interface (missing names must be).
  const flyte::VariableTypes* subsets[] = {&present, &types};
  for (const flyte::VariableTypes* subset : subsets) {
    try {
      const flyte::ValueMap values = flyte::from_literal_map(literals, *subset);
      LiteralMap encoded;
      try {
        encoded = flyte::to_literal_map(values, *subset, "input");
      } catch (const flyte::ModelError& e) {
        fail("a decoded map does not encode", e.what());
      }
      LiteralMap again;
      try {
        again = flyte::to_literal_map(flyte::from_literal_map(encoded, *subset), *subset, "input");
      } catch (const flyte::ModelError& e) {
        fail("an encoded map does not decode", encoded.DebugString() + e.what());
      }
      if (!same_literal(encoded, again)) {
        fail("map round trip is not stable", encoded.DebugString() + "---\n" + again.DebugString());
      }
    } catch (const flyte::ModelError&) {
    }
  }
  return 0;
}
