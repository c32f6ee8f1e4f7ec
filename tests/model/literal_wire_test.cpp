#include "flyte/model/literal_wire.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "flyte/model/flyte_type.hpp"

using namespace flyte;
using namespace std::chrono_literals;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;
using flyteidl::core::LiteralType;
using google::protobuf::util::MessageDifferencer;

namespace {

// ---- building bytes by hand (independent of the codec under test) -------------------------

std::string varint(std::uint64_t v) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteVarint64(v);
  coded.Trim();
  return out;
}
std::string tag(int field, int wire_type) {
  return varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type));
}
std::string len_field(int field, const std::string& body) {
  return tag(field, 2) + varint(body.size()) + body;
}
std::string varint_field(int field, std::uint64_t v) {
  return tag(field, 0) + varint(v);
}
// LiteralMap / Literal.map entry and a primitive literal.
std::string entry(const std::string& key, const std::string& literal) {
  return len_field(1, len_field(1, key) + len_field(2, literal));
}
std::string primitive_literal(const std::string& primitive) {
  return len_field(1, len_field(1, primitive));
}
std::string int_literal(std::int64_t v) {
  return primitive_literal(varint_field(1, static_cast<std::uint64_t>(v)));
}
std::string string_literal(const std::string& s) {
  return primitive_literal(len_field(3, s));
}
std::string collection_literal(const std::vector<std::string>& items) {
  std::string body;
  for (const auto& item : items) body += len_field(1, item);
  return len_field(2, body);
}

Literal literal_from_text(const std::string& text) {
  Literal literal;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &literal));
  return literal;
}

VariableTypes declare(std::initializer_list<std::pair<const char*, const char*>> names) {
  VariableTypes types;
  for (const auto& [name, type] : names) types.emplace_back(name, parse_flyte_type(type));
  return types;
}

// ---- the differential checks --------------------------------------------------------------

struct Outcome {
  std::optional<ValueMap> values;
  std::string error;  // ModelError text
  bool malformed = false;
};

// Values compare through their message encoding where possible, so NaN
// equals NaN; otherwise structurally.
bool same_values(const ValueMap& a, const ValueMap& b, const VariableTypes& types) {
  if (a == b) return true;
  try {
    return MessageDifferencer::Equals(to_literal_map(a, types), to_literal_map(b, types));
  } catch (const ModelError&) {
    return false;
  }
}

Outcome via_messages(const std::string& bytes, const VariableTypes& types,
                     const LiteralFetcher& fetch) {
  Outcome out;
  LiteralMap map;
  if (!map.ParseFromString(bytes)) {
    out.malformed = true;
    return out;
  }
  try {
    out.values = from_literal_map(map, types, fetch, "input");
  } catch (const ModelError& e) {
    out.error = e.what();
  }
  return out;
}

Outcome via_wire(const std::string& bytes, const VariableTypes& types,
                 const LiteralFetcher& fetch) {
  Outcome out;
  try {
    out.values = decode_literal_map(bytes, types, fetch, "input");
  } catch (const WireFormatError&) {
    out.malformed = true;
  } catch (const ModelError& e) {
    out.error = e.what();
  }
  return out;
}

// decode_literal_map(bytes) == from_literal_map(parse(bytes)): same values,
// same error text, malformed for the same bytes. Returns the outcome.
Outcome check_decode(const std::string& bytes, const VariableTypes& types,
                     const LiteralFetcher& fetch = {}) {
  const Outcome expected = via_messages(bytes, types, fetch);
  const Outcome actual = via_wire(bytes, types, fetch);
  INFO("bytes (" << bytes.size() << ")");
  REQUIRE(actual.malformed == expected.malformed);
  REQUIRE(actual.error == expected.error);
  REQUIRE(actual.values.has_value() == expected.values.has_value());
  if (expected.values) REQUIRE(same_values(*actual.values, *expected.values, types));
  return actual;
}

// parse(encode_literal_map(values)) == to_literal_map(values), at the same
// byte size, or the same error.
void check_encode(const ValueMap& values, const VariableTypes& types) {
  std::optional<LiteralMap> expected;
  std::string expected_error;
  try {
    expected = to_literal_map(values, types, "output");
  } catch (const ModelError& e) {
    expected_error = e.what();
  }
  std::string bytes;
  try {
    bytes = encode_literal_map(values, types, "output");
  } catch (const ModelError& e) {
    REQUIRE_FALSE(expected.has_value());
    REQUIRE(std::string(e.what()) == expected_error);
    return;
  }
  REQUIRE(expected.has_value());
  // Deep nesting is written as the message path writes it, even where
  // protobuf's default recursion limit would refuse to read it back.
  LiteralMap parsed;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  in.SetRecursionLimit(10000);
  REQUIRE(parsed.ParseFromCodedStream(&in));
  INFO(parsed.DebugString() << "---\n" << expected->DebugString());
  REQUIRE(MessageDifferencer::Equals(parsed, *expected));
  REQUIRE(bytes.size() == expected->ByteSizeLong());
}

// One sample per type family, with a value of that type.
struct Sample {
  const char* type;
  Value value;
};

std::vector<Sample> samples() {
  const Datetime when = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + 12h + 30min +
                        std::chrono::nanoseconds(123456789);
  return {
      {"integer", Value(-42)},
      {"integer", Value(std::numeric_limits<std::int64_t>::min())},
      {"integer", Value(0)},
      {"float", Value(2.5)},
      {"float", Value(-0.0)},
      {"float", Value(std::numeric_limits<double>::infinity())},
      {"string", Value("héllo, wörld")},
      {"string", Value("")},
      {"boolean", Value(true)},
      {"boolean", Value(false)},
      {"datetime", Value(when)},
      {"duration", Value(Duration(-1500ms))},
      {"none", Value()},
      {"file", Value(Blob{"s3://b/f.txt", "", BlobDimensionality::SINGLE})},
      {"file[csv]", Value(Blob{"s3://b/f.csv", "csv", BlobDimensionality::SINGLE})},
      {"directory", Value(Blob{"s3://b/d/", "", BlobDimensionality::MULTIPART})},
      {"binary", Value(Binary{std::string("\0\xff\x01", 3), "raw"})},
      {"dict", Value::object(Json{{"a", 1}, {"b", Json::array({1.5, "x", nullptr})}})},
      {"struct", Value::object(Json{{"k", Json{{"nested", true}}}, {"n", 3}})},
      {"structured_dataset[parquet]", Value(StructuredDataset{"s3://b/t", "parquet"})},
      {"list<integer>", Value(Value::List{1, -2, 300000000000})},
      {"list<integer>", Value(Value::List{})},
      {"list<float>", Value(Value::List{1.5, 2.0, -3.25})},
      {"list<string>", Value(Value::List{"a", "", "ünï"})},
      {"list<boolean>", Value(Value::List{true, false})},
      {"list<list<integer>>", Value(Value::List{Value::List{1, 2}, Value::List{}, Value::List{3}})},
      {"map<string>", Value(Value::Map{{"k1", "v1"}, {"", "empty key"}, {"ключ", "значение"}})},
      {"map<string>", Value(Value::Map{})},
      {"map<list<float>>", Value(Value::Map{{"a", Value::List{1.0}}, {"b", Value::List{}}})},
      {"list<map<boolean>>", Value(Value::List{Value::Map{{"x", true}}, Value::Map{}})},
      {"union<integer, string>", Value("text")},
      {"union<integer, string>", Value(7)},
      {"optional<string>", Value()},
      {"optional<string>", Value("set")},
      {"list<optional<integer>>", Value(Value::List{1, Value(), 3})},
      {"map<dict>", Value(Value::Map{{"d", Value::object(Json{{"z", 0}})}})},
      {"list<file>", Value(Value::List{Blob{"s3://x", "", BlobDimensionality::SINGLE}})},
      {"list<datetime>", Value(Value::List{when, when + 1s})},
      {"map<map<list<string>>>",
       Value(Value::Map{{"o", Value::Map{{"i", Value::List{"s", "t"}}}}})},
      {"list<union<boolean, list<integer>>>", Value(Value::List{true, Value::List{1, 2}})},
  };
}

}  // namespace

TEST_CASE("Wire decoding equals the message path for every type family") {
  for (const auto& sample : samples()) {
    INFO(sample.type);
    const VariableTypes types = declare({{"x", sample.type}, {"n", "integer"}});
    const ValueMap values{{"x", sample.value}, {"n", 5}};
    const std::string bytes = to_literal_map(values, types).SerializeAsString();
    const Outcome decoded = check_decode(bytes, types);
    REQUIRE(decoded.values.has_value());
    // And the wire encoding decodes the same on both paths.
    check_decode(encode_literal_map(values, types), types);
  }
}

TEST_CASE("Wire encoding parses to the message path's LiteralMap for every type family") {
  for (const auto& sample : samples()) {
    INFO(sample.type);
    const VariableTypes types = declare({{"x", sample.type}, {"n", "integer"}});
    check_encode({{"x", sample.value}, {"n", 5}}, types);
    // encode_literal alone is one Literal.
    Literal parsed;
    REQUIRE(parsed.ParseFromString(encode_literal(sample.value, types[0].second, "x")));
    REQUIRE(MessageDifferencer::Equals(parsed, to_literal(sample.value, types[0].second, "x")));
  }
}

TEST_CASE("Wire encoding gives the message path's errors") {
  const VariableTypes types = declare({{"xs", "list<integer>"}, {"m", "map<string>"}});
  const ValueMap good{{"xs", Value(Value::List{1, 2})}, {"m", Value(Value::Map{{"k", "v"}})}};
  check_encode(good, types);
  // A wrong element, deep inside: the message names xs[2].
  check_encode({{"xs", Value(Value::List{1, 2, "three"})}, {"m", Value(Value::Map{})}}, types);
  check_encode({{"xs", Value(Value::List{})}, {"m", Value(Value::Map{{"k", 1}})}}, types);
  check_encode({{"xs", Value("not a list")}, {"m", Value(Value::Map{})}}, types);
  // Missing and undeclared names.
  check_encode({{"xs", Value(Value::List{})}}, types);
  check_encode({{"xs", Value(Value::List{})}, {"m", Value(Value::Map{})}, {"extra", 1}}, types);
  check_encode({{"m", Value(Value::Map{})}, {"extra", 1}}, types);
  // A float accepts an integer value, as the converter does.
  check_encode({{"f", 3}}, declare({{"f", "float"}}));
  check_encode({{"fs", Value(Value::List{1, 2.5})}}, declare({{"fs", "list<float>"}}));
  // A value outside the fast path that fails inside a fast container.
  check_encode({{"l", Value(Value::List{Value(), 2})}}, declare({{"l", "list<none>"}}));
  CHECK_THROWS_WITH(
      encode_literal_map({{"xs", Value(Value::List{1, "x"})}}, declare({{"xs", "list<integer>"}})),
      Catch::Contains("output 'xs[1]'"));
}

TEST_CASE("Wire decoding gives the message path's errors for wrong types and names") {
  const VariableTypes types = declare({{"a", "integer"}, {"xs", "list<integer>"}});
  const std::string a = entry("a", int_literal(1));
  const std::string xs = entry("xs", collection_literal({int_literal(1), int_literal(2)}));
  check_decode(a + xs, types);
  // Wrong type at the top and deep in a list.
  check_decode(entry("a", string_literal("one")) + xs, types);
  const auto bad_xs =
      entry("xs", collection_literal({int_literal(1), int_literal(2), string_literal("3")}));
  CHECK(check_decode(a + bad_xs, types).error.find("input 'xs[2]'") != std::string::npos);
  // Missing, undeclared, and both.
  check_decode(a, types);
  check_decode(a + xs + entry("b", int_literal(1)), types);
  check_decode(xs + entry("b", int_literal(1)), types);
  // Several undeclared names: the first in key order is named (found by inputs_pb_fuzz).
  for (int run = 0; run < 20; ++run) {
    CHECK_THAT(check_decode(a + xs + entry("zz", int_literal(1)) + entry("", int_literal(1)) +
                                entry("extra", int_literal(1)),
                            types)
                   .error,
               Catch::Contains("holds input ''"));
  }
  check_decode("", types);
  check_decode("", {});
  // An error in the first literal and a missing second one: the first declared wins.
  check_decode(entry("a", string_literal("x")), types);
}

TEST_CASE("Wire decoding reads the message path's lenient forms") {
  // A float reads an integer literal, at the top and in a list.
  check_decode(entry("f", int_literal(3)), declare({{"f", "float"}}));
  check_decode(entry("fs", collection_literal(
                               {int_literal(3), primitive_literal(tag(2, 1) + std::string(8, 0))})),
               declare({{"fs", "list<float>"}}));
  // A union-wrapped value for a plain type.
  Literal wrapped = literal_from_text(
      "scalar { union { value { scalar { primitive { integer: 9 } } } type { simple: INTEGER } } "
      "}");
  check_decode(entry("i", wrapped.SerializeAsString()), declare({{"i", "integer"}}));
  // Msgpack bytes for a list (propeller's attribute access).
  const std::vector<std::uint8_t> packed = Json::to_msgpack(Json::array({1, 2, 3}));
  Literal msgpack;
  msgpack.mutable_scalar()->mutable_binary()->set_value(std::string(packed.begin(), packed.end()));
  msgpack.mutable_scalar()->mutable_binary()->set_tag("msgpack");
  check_decode(entry("xs", msgpack.SerializeAsString()), declare({{"xs", "list<integer>"}}));
  check_decode(entry("xs", collection_literal({msgpack.SerializeAsString()})),
               declare({{"xs", "list<list<integer>>"}}));
  // Hash and metadata next to a value.
  Literal annotated = literal_from_text(
      "scalar { primitive { string_value: \"s\" } } hash: \"h\" metadata { key: \"k\" value: "
      "\"v\" }");
  check_decode(entry("s", annotated.SerializeAsString()), declare({{"s", "string"}}));
  check_decode(entry("ss", collection_literal({annotated.SerializeAsString()})),
               declare({{"ss", "list<string>"}}));
}

TEST_CASE("Wire decoding follows protobuf's merge rules for repeated fields and oneofs") {
  const VariableTypes types = declare({{"i", "integer"}});
  const VariableTypes lists = declare({{"xs", "list<integer>"}});
  // Scalar given twice: merged; primitive oneof: the last one wins.
  check_decode(entry("i", primitive_literal(varint_field(1, 1)) + string_literal("x")), types);
  check_decode(entry("i", string_literal("x") + int_literal(2)), types);
  check_decode(entry("i", primitive_literal(varint_field(1, 1) + varint_field(1, 5))), types);
  check_decode(entry("i", primitive_literal(len_field(3, "x") + varint_field(1, 5))), types);
  check_decode(entry("i", primitive_literal(varint_field(1, 5) + len_field(3, "x"))), types);
  // Collection given twice: the lists are concatenated.
  check_decode(entry("xs", collection_literal({int_literal(1)}) +
                               collection_literal({int_literal(2), int_literal(3)})),
               lists);
  // A collection then a scalar (the oneof switches) and back.
  check_decode(entry("xs", collection_literal({int_literal(1)}) + int_literal(2)), lists);
  check_decode(entry("xs", int_literal(2) + collection_literal({int_literal(1)})), lists);
  // Top-level and map-literal keys given twice: the last entry wins whole.
  check_decode(entry("i", string_literal("bad")) + entry("i", int_literal(4)), types);
  check_decode(entry("i", int_literal(4)) + entry("i", string_literal("bad")), types);
  const VariableTypes maps = declare({{"m", "map<integer>"}});
  check_decode(entry("m", len_field(3, entry("k", int_literal(1)) + entry("k", int_literal(2)) +
                                           entry("j", int_literal(3)))),
               maps);
  check_decode(
      entry("m", len_field(3, entry("k", string_literal("x")) + entry("k", int_literal(2)))), maps);
  // Map entries in odd shapes: value before key, no key, no value, a key twice.
  const std::string one = int_literal(1);
  check_decode(len_field(1, len_field(2, one) + len_field(1, "i")), types);
  check_decode(len_field(1, len_field(2, one)), declare({{"", "integer"}}));
  check_decode(len_field(1, len_field(1, "i")), types);
  check_decode(len_field(1, len_field(1, "x") + len_field(1, "i") + len_field(2, one)), types);
  check_decode(entry("m", len_field(3, len_field(1, len_field(2, one) + len_field(1, "k")))), maps);
}

TEST_CASE("Wire decoding skips unknown fields where protobuf does and rejects what it rejects") {
  const VariableTypes types = declare({{"i", "integer"}, {"s", "string"}});
  const std::string body = entry("i", int_literal(7)) + entry("s", string_literal("x"));
  check_decode(body, types);
  // Unknown fields of every wire type, at every level.
  const std::string unknown = varint_field(15, 1) + len_field(14, "zz") + tag(13, 1) +
                              std::string(8, 'a') + tag(12, 5) + std::string(4, 'b') + tag(11, 3) +
                              varint_field(1, 2) + tag(11, 4);
  check_decode(body + unknown, types);
  check_decode(unknown + body, types);
  check_decode(entry("i", int_literal(7) + unknown) + entry("s", string_literal("x")), types);
  check_decode(
      entry("i", primitive_literal(varint_field(1, 7) + unknown)) + entry("s", string_literal("x")),
      types);
  check_decode(entry("i", len_field(1, len_field(1, varint_field(1, 7)) + unknown)) +
                   entry("s", string_literal("x")),
               types);
  // Broken: an end-group without a start, wire types 6 and 7, field number 0.
  check_decode(body + tag(9, 4), types);
  check_decode(body + tag(9, 6), types);
  check_decode(body + tag(9, 7) + "x", types);
  check_decode(body + varint_field(0, 1), types);
  // Non-minimal encodings of a tag, a length and a value.
  check_decode(std::string("\x8a\x00", 2) + body.substr(1), types);
  check_decode(entry("i", len_field(1, std::string("\x0a\x82\x00", 3) + varint_field(1, 7))),
               declare({{"i", "integer"}}));
  check_decode(
      entry("i", primitive_literal(tag(1, 0) + "\x87\x80\x80\x80\x80\x80\x80\x80\x80\x00")),
      declare({{"i", "integer"}}));
  // The right field number with the wrong wire type is an unknown field.
  check_decode(entry("i", primitive_literal(len_field(1, "abc"))), declare({{"i", "integer"}}));
  check_decode(entry("b", primitive_literal(tag(4, 1) + std::string(8, 1))),
               declare({{"b", "boolean"}}));
}

TEST_CASE("Wire decoding rejects invalid UTF-8 and truncated bytes as protobuf does") {
  const VariableTypes types = declare({{"s", "string"}, {"m", "map<string>"}});
  const std::string bad = "a\xff\xfe";
  check_decode(entry("s", string_literal(bad)) + entry("m", len_field(3, "")), types);
  check_decode(
      entry("s", string_literal("ok")) + entry("m", len_field(3, entry(bad, string_literal("v")))),
      types);
  check_decode(entry(bad, string_literal("ok")) + entry("m", len_field(3, "")), types);
  // Invalid UTF-8 after a value that does not fit: malformed wins.
  const Outcome outcome = check_decode(
      entry("s", int_literal(1)) + entry("m", len_field(3, entry("k", string_literal(bad)))),
      types);
  CHECK(outcome.malformed);
  // Every prefix of a valid map (most are truncated, a few are shorter valid maps).
  const VariableTypes all =
      declare({{"xs", "list<float>"}, {"m", "map<string>"}, {"b", "boolean"}});
  const std::string full = to_literal_map({{"xs", Value(Value::List{1.5, -2.0})},
                                           {"m", Value(Value::Map{{"key", "välue"}, {"k2", ""}})},
                                           {"b", true}},
                                          all)
                               .SerializeAsString();
  for (std::size_t n = 0; n <= full.size(); ++n) {
    INFO("prefix " << n);
    check_decode(full.substr(0, n), all);
  }
}

TEST_CASE("Wire decoding agrees with the message path on randomly corrupted bytes") {
  // A deterministic mini-fuzzer: every byte of a valid map is replaced by
  // random values, and random spans are dropped or duplicated.
  const VariableTypes types = declare({{"xs", "list<integer>"},
                                       {"m", "map<list<string>>"},
                                       {"f", "float"},
                                       {"u", "optional<boolean>"}});
  const std::string valid =
      to_literal_map({{"xs", Value(Value::List{1, -1, 1 << 20})},
                      {"m", Value(Value::Map{{"a", Value::List{"x", "yz"}}, {"b", Value::List{}}})},
                      {"f", 0.5},
                      {"u", true}},
                     types)
          .SerializeAsString();
  std::mt19937 random(20240501);
  std::uniform_int_distribution<int> byte(0, 255);
  int decoded = 0;
  for (std::size_t at = 0; at < valid.size(); ++at) {
    for (int round = 0; round < 6; ++round) {
      std::string bytes = valid;
      bytes[at] = static_cast<char>(byte(random));
      if (round % 2 == 1) {
        const std::size_t from = random() % bytes.size();
        const std::size_t len = random() % 8;
        if (round == 3) {
          bytes.erase(from, len);
        } else {
          bytes.insert(from, bytes.substr(from, len));
        }
      }
      INFO("position " << at << ", round " << round);
      if (check_decode(bytes, types).values) ++decoded;
    }
  }
  CHECK(decoded > 0);  // some corruptions still decode (e.g. changed digits)
}

TEST_CASE("Offloaded literals are fetched on the wire path as on the message path") {
  const VariableTypes types = declare({{"xs", "list<integer>"}, {"big", "list<string>"}});
  Literal pointer = literal_from_text(
      "offloaded_metadata { uri: \"s3://b/big.pb\" size_bytes: 99 inferred_type { "
      "collection_type { simple: STRING } } }");
  Literal int_pointer = literal_from_text(
      "offloaded_metadata { uri: \"s3://b/two.pb\" size_bytes: 9 inferred_type { simple: INTEGER "
      "} }");
  const std::string bytes =
      entry("xs", collection_literal({int_literal(1), int_pointer.SerializeAsString()})) +
      entry("big", pointer.SerializeAsString());
  const Literal stored = to_literal(Value(Value::List{"a", "b"}), parse_flyte_type("list<string>"));
  const Literal stored_int = to_literal(Value(2), parse_flyte_type("integer"));
  std::vector<std::string> fetched;
  LiteralFetcher fetch = [&](const std::string& uri) {
    fetched.push_back(uri);
    return uri == "s3://b/two.pb" ? stored_int : stored;
  };
  // Without a fetcher: the message path's error.
  check_decode(bytes, types);
  // With one: each path fetches each pointer once, in the same order.
  const Outcome outcome = check_decode(bytes, types, fetch);
  REQUIRE(outcome.values);
  CHECK(outcome.values->at("xs") == Value(Value::List{1, 2}));
  CHECK(fetched.size() == 4);
  // A failing fetch.
  LiteralFetcher failing = [](const std::string& uri) -> Literal {
    throw std::runtime_error("no such object " + uri);
  };
  check_decode(bytes, types, failing);
}

TEST_CASE("A failing decode fetches each offloaded literal once, also when it is re-run") {
  // The wire path hands errors to the message path, which decodes again:
  // the offloaded literal must not be downloaded (or a failed fetch retried)
  // a second time.
  const VariableTypes types = declare({{"big", "list<string>"}, {"n", "integer"}});
  Literal pointer = literal_from_text(
      "offloaded_metadata { uri: \"s3://b/big.pb\" size_bytes: 99 inferred_type { "
      "collection_type { simple: STRING } } }");
  const std::string bytes =
      entry("big", pointer.SerializeAsString()) + entry("n", string_literal("not a number"));
  const Literal stored = to_literal(Value(Value::List{"a", "b"}), parse_flyte_type("list<string>"));
  int calls = 0;
  LiteralFetcher fetch = [&](const std::string&) {
    ++calls;
    return stored;
  };
  CHECK_THROWS_WITH(decode_literal_map(bytes, types, fetch), Catch::Contains("input 'n'"));
  CHECK(calls == 1);

  int failing_calls = 0;
  LiteralFetcher failing = [&](const std::string& uri) -> Literal {
    ++failing_calls;
    throw std::runtime_error("no such object " + uri);
  };
  CHECK_THROWS_WITH(decode_literal_map(bytes, types, failing),
                    Catch::Contains("no such object s3://b/big.pb"));
  CHECK(failing_calls == 1);
}

TEST_CASE("Deeply nested literals are rejected exactly where protobuf stops parsing") {
  for (int levels = 20; levels <= 60; levels += 1) {
    INFO(levels << " levels");
    std::string type = "integer";
    Value value = 1;
    for (int i = 0; i < levels; ++i) {
      type = "list<" + type + ">";
      value = Value(Value::List{value});
    }
    const VariableTypes types{{"x", parse_flyte_type(type)}};
    // Built by hand: the message path may not be able to serialize what it cannot parse.
    std::string literal = int_literal(1);
    for (int i = 0; i < levels; ++i) literal = collection_literal({literal});
    check_decode(entry("x", literal), types);
    check_encode({{"x", value}}, types);
  }
}

TEST_CASE("Serialized outputs can be edited before framing") {
  const VariableTypes types = declare({{"o0", "list<integer>"}, {"o1", "string"}});
  const ValueMap values{{"o0", Value(Value::List{1, 2})}, {"o1", "text"}};
  auto entries = encode_literals(values, types);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].first == "o0");
  CHECK(entries[1].first == "o1");
  append_literal_metadata(entries[1].second, "artifact", "p/d/a:v1");
  append_literal_metadata(entries[1].second, "", "");
  LiteralMap expected = to_literal_map(values, types);
  (*(*expected.mutable_literals())["o1"].mutable_metadata())["artifact"] = "p/d/a:v1";
  (*(*expected.mutable_literals())["o1"].mutable_metadata())[""] = "";
  LiteralMap parsed;
  REQUIRE(parsed.ParseFromString(frame_literal_map(entries)));
  CHECK(MessageDifferencer::Equals(parsed, expected));
  CHECK(entries[1].second.size() == expected.literals().at("o1").ByteSizeLong());
  CHECK(frame_literal_map({}).empty());
}

TEST_CASE("Outputs holding invalid UTF-8 are refused, naming the value, on both paths") {
  // protobuf writes such strings but refuses to read them back, so the
  // engine would fail on outputs.pb with no hint of which output.
  const std::string bad = std::string("ok") + '\xff' + "tail";
  const std::vector<std::pair<ValueMap, VariableTypes>> cases = {
      {{{"s", Value(bad)}}, declare({{"s", "string"}})},
      {{{"xs", Value(Value::List{"fine", bad})}}, declare({{"xs", "list<string>"}})},
      {{{"m", Value(Value::Map{{bad, "v"}})}}, declare({{"m", "map<string>"}})},
      {{{"m", Value(Value::Map{{"k", Value(Value::List{bad})}})}},
       declare({{"m", "map<list<string>>"}})},
      {{{"f", Value(Blob{bad, "csv", BlobDimensionality::SINGLE})}}, declare({{"f", "file"}})},
  };
  for (const auto& [values, types] : cases) {
    INFO(types.front().first);
    check_encode(values, types);  // same error as the message path
    CHECK_THROWS_WITH(encode_literal_map(values, types, "output"),
                      Catch::Contains("not valid UTF-8") && Catch::Contains("byte 2 of 7 (0xff)") &&
                          Catch::Contains("binary"));
  }
  CHECK_THROWS_WITH(encode_literal_map(cases[1].first, cases[1].second, "output"),
                    Catch::Contains("output 'xs[1]'"));
  CHECK_THROWS_WITH(encode_literal_map(cases[3].first, cases[3].second, "output"),
                    Catch::Contains("output 'm[\"k\"][0]'"));
}

TEST_CASE("An output over protobuf's 2 GiB message limit is refused by name, before encoding") {
  // Written, it could never be read back (protobuf's sizes are ints).
  const VariableTypes types = declare({{"big", "string"}});
  ValueMap values;  // built in place: one 2 GiB string, not a copy of it
  values.emplace("big", Value(std::string((std::size_t{1} << 31) + 1, 'a')));
  CHECK_THROWS_WITH(encode_literal_map(values, types, "output"),
                    Catch::Contains("output 'big'") && Catch::Contains("2 GiB limit") &&
                        Catch::Contains("file or directory output"));
  CHECK_THROWS_WITH(encode_literal(values.at("big"), types.front().second, "big", "output"),
                    Catch::Contains("output 'big'") && Catch::Contains("2 GiB limit"));
}
