#include "flyte/model/literal_converter.hpp"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "flyte/model/flyte_type.hpp"

using namespace flyte;
using namespace std::chrono_literals;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;
using flyteidl::core::LiteralType;

namespace {

// The tests build literals with protobuf's own parsers, independent of the
// converter under test.
LiteralMap literal_map_from_json(const std::string& json) {
  LiteralMap map;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &map);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return map;
}

Literal literal_from_text(const std::string& text) {
  Literal literal;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &literal));
  return literal;
}

// Deliberately a separate, naive base64 encoder (RFC 4648 with padding).
std::string base64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = (bytes[i] << 16) | (i + 1 < bytes.size() ? bytes[i + 1] << 8 : 0) |
                            (i + 2 < bytes.size() ? bytes[i + 2] : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

Datetime utc(int y, unsigned m, unsigned d, int hh, int mm, int ss, std::int64_t ns = 0) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
         std::chrono::nanoseconds(ns);
}

VariableTypes interface_of(std::initializer_list<std::pair<const char*, const char*>> vars) {
  VariableTypes out;
  for (const auto& [name, type] : vars) out.emplace_back(name, parse_flyte_type(type));
  return out;
}

}  // namespace

TEST_CASE("Every type round trips through to_literal and from_literal") {
  const Json object = Json::parse(R"({"a": 1, "b": [true, "x", 2.5, null], "c": {"d": "e"}})");
  const std::vector<std::pair<std::string, Value>> cases = {
      {"integer", Value(-42)},
      {"integer", Value(std::numeric_limits<std::int64_t>::max())},
      {"float", Value(2.5)},
      {"float", Value(-std::numeric_limits<double>::infinity())},
      {"string", Value("héllo\nworld")},
      {"boolean", Value(true)},
      {"datetime", Value(utc(2024, 1, 2, 3, 4, 5, 123456789))},
      {"datetime", Value(utc(1969, 12, 31, 23, 59, 59, 1))},
      {"duration", Value(Duration(-1500ms))},
      {"duration", Value(Duration(90s))},
      {"none", Value()},
      {"file", Value(Blob{"s3://bucket/a.txt", "", BlobDimensionality::SINGLE})},
      {"file[csv]", Value(Blob{"/tmp/x.csv", "csv", BlobDimensionality::SINGLE})},
      {"directory", Value(Blob{"s3://bucket/dir/", "", BlobDimensionality::MULTIPART})},
      {"dict", Value::object(object)},
      {"dict", Value::object(Json::parse(R"({"k": {"nested": [1, 2, {"x": -3}]}})"))},
      {"struct", Value::object(object)},
      {"binary", Value(Binary{std::string("\0\x01\xff", 3), "custom"})},
      {"structured_dataset[parquet]", Value(StructuredDataset{"s3://b/df", "parquet"})},
      {"list<integer>", Value(Value::List{1, 2, 3})},
      {"list<integer>", Value(Value::List{})},
      {"map<string>", Value(Value::Map{{"a", "x"}, {"b", "y"}})},
      {"list<map<list<float>>>",
       Value(Value::List{Value::Map{{"k", Value::List{1.5, 2.5}}}, Value::Map{}})},
      {"union<integer, string>", Value("text")},
      {"union<integer, string>", Value(7)},
      {"optional<string>", Value()},
      {"optional<string>", Value("set")},
      {"list<optional<file>>",
       Value(Value::List{Value(), Blob{"s3://b/f", "", BlobDimensionality::SINGLE}})},
  };
  for (const auto& [type_text, value] : cases) {
    INFO(type_text << " " << value.type_name());
    const LiteralType type = parse_flyte_type(type_text);
    const Literal literal = to_literal(value, type, "v");
    CHECK(from_literal(literal, type, "v") == value);
    // and through bytes, as the engine would carry it
    Literal reparsed;
    REQUIRE(reparsed.ParseFromString(literal.SerializeAsString()));
    CHECK(from_literal(reparsed, type, "v") == value);
  }

  const Value nan = from_literal(
      to_literal(Value(std::numeric_limits<double>::quiet_NaN()), parse_flyte_type("float")),
      parse_flyte_type("float"));
  CHECK(std::isnan(nan.as<double>()));
}

TEST_CASE("Literals are written in the wire forms flytekit writes") {
  const Literal i = to_literal(Value(5), parse_flyte_type("integer"));
  CHECK(i.scalar().primitive().integer() == 5);

  const Literal none = to_literal(Value(), parse_flyte_type("none"));
  CHECK(none.scalar().has_none_type());

  const Literal dt =
      to_literal(Value(utc(1969, 12, 31, 23, 59, 59, 500000000)), parse_flyte_type("datetime"));
  CHECK(dt.scalar().primitive().datetime().seconds() == -1);
  CHECK(dt.scalar().primitive().datetime().nanos() == 500000000);

  const Literal d = to_literal(Value(Duration(-1500ms)), parse_flyte_type("duration"));
  CHECK(d.scalar().primitive().duration().seconds() == -1);
  CHECK(d.scalar().primitive().duration().nanos() == -500000000);

  const Json object = {{"a", 1}, {"b", "two"}};
  const Literal dict = to_literal(Value::object(object), parse_flyte_type("dict"));
  REQUIRE(dict.scalar().has_binary());
  CHECK(dict.scalar().binary().tag() == "msgpack");
  const std::vector<std::uint8_t> expected_bytes = Json::to_msgpack(object);
  CHECK(dict.scalar().binary().value() ==
        std::string(expected_bytes.begin(), expected_bytes.end()));

  const Literal generic = to_literal(Value::object(object), parse_flyte_type("struct"));
  REQUIRE(generic.scalar().has_generic());
  CHECK(generic.scalar().generic().fields().at("a").number_value() == 1.0);
  CHECK(generic.scalar().generic().fields().at("b").string_value() == "two");

  const Literal blob = to_literal(Value(Blob{"s3://b/d", "", BlobDimensionality::MULTIPART}),
                                  parse_flyte_type("directory[csv]"));
  CHECK(blob.scalar().blob().uri() == "s3://b/d");
  CHECK(blob.scalar().blob().metadata().type().format() == "csv");
  CHECK(blob.scalar().blob().metadata().type().dimensionality() ==
        flyteidl::core::BlobType::MULTIPART);

  const Literal u = to_literal(Value("x"), parse_flyte_type("union<integer, string>"));
  REQUIRE(u.scalar().has_union_());
  CHECK(u.scalar().union_().value().scalar().primitive().string_value() == "x");
  CHECK(u.scalar().union_().type().simple() == flyteidl::core::STRING);
  CHECK(u.scalar().union_().type().structure().tag() == "str");

  const Literal sd = to_literal(Value(StructuredDataset{"s3://b/df", ""}),
                                parse_flyte_type("structured_dataset[parquet]"));
  CHECK(sd.scalar().structured_dataset().uri() == "s3://b/df");
  CHECK(sd.scalar().structured_dataset().metadata().structured_dataset_type().format() ==
        "parquet");
}

TEST_CASE("A union picks the first variant a value fits, exact kinds before conversions") {
  // 3 is an integer: it must not become the float variant just because floats accept ints.
  const Literal exact = to_literal(Value(3), parse_flyte_type("union<float, integer>"));
  CHECK(exact.scalar().union_().type().simple() == flyteidl::core::INTEGER);
  CHECK(exact.scalar().union_().value().scalar().primitive().integer() == 3);
  // With no integer variant, the int is written as a float.
  const Literal converted = to_literal(Value(3), parse_flyte_type("optional<float>"));
  CHECK(converted.scalar().union_().value().scalar().primitive().float_value() == 3.0);
  // First fitting variant wins when two fit exactly.
  const Literal first =
      to_literal(Value::object({{"a", 1}}), parse_flyte_type("union<dict, struct>"));
  CHECK(first.scalar().union_().value().scalar().has_binary());
}

TEST_CASE("A LiteralMap from protobuf's JSON parser decodes to native values") {
  const Json dict = {{"name", "flyte"}, {"n", 3}, {"xs", {1.5, 2.5}}, {"ok", true}};
  const std::string dict_b64 = base64(Json::to_msgpack(dict));
  const LiteralMap inputs = literal_map_from_json(R"json({"literals": {
    "i":   {"scalar": {"primitive": {"integer": "-9007199254740993"}}},
    "s":   {"scalar": {"primitive": {"stringValue": "hello"}}},
    "f":   {"scalar": {"primitive": {"floatValue": 0.25}}},
    "b":   {"scalar": {"primitive": {"boolean": true}}},
    "dt":  {"scalar": {"primitive": {"datetime": "2024-01-02T03:04:05.123456789Z"}}},
    "du":  {"scalar": {"primitive": {"duration": "1.500s"}}},
    "n":   {"scalar": {"noneType": {}}},
    "fi":  {"scalar": {"blob": {"metadata": {"type": {"format": "csv"}}, "uri": "s3://b/data.csv"}}},
    "di":  {"scalar": {"blob": {"metadata": {"type": {"dimensionality": "MULTIPART"}}, "uri": "s3://b/dir"}}},
    "xs":  {"collection": {"literals": [
             {"scalar": {"primitive": {"integer": "1"}}},
             {"scalar": {"primitive": {"integer": "2"}}}]}},
    "m":   {"map": {"literals": {
             "a": {"collection": {"literals": [{"scalar": {"primitive": {"stringValue": "x"}}}]}},
             "b": {"collection": {"literals": []}}}}},
    "d":   {"scalar": {"binary": {"value": ")json" +
                                                  dict_b64 + R"json(", "tag": "msgpack"}}},
    "g":   {"scalar": {"generic": {"a": 1, "b": [true, "x"], "c": {"d": 2.5}, "e": null}}},
    "u":   {"scalar": {"union": {"value": {"scalar": {"primitive": {"stringValue": "abc"}}},
                                 "type": {"simple": "STRING", "structure": {"tag": "str"}}}}},
    "o":   {"scalar": {"union": {"value": {"scalar": {"noneType": {}}},
                                 "type": {"simple": "NONE", "structure": {"tag": "none"}}}}},
    "sd":  {"scalar": {"structuredDataset": {"uri": "s3://b/df",
             "metadata": {"structuredDatasetType": {"format": "parquet"}}}}},
    "raw": {"scalar": {"binary": {"value": "AAEC/w==", "tag": "bytes"}}}
  }})json");
  const VariableTypes types = interface_of({{"i", "integer"},
                                            {"s", "string"},
                                            {"f", "float"},
                                            {"b", "boolean"},
                                            {"dt", "datetime"},
                                            {"du", "duration"},
                                            {"n", "none"},
                                            {"fi", "file[csv]"},
                                            {"di", "directory"},
                                            {"xs", "list<integer>"},
                                            {"m", "map<list<string>>"},
                                            {"d", "dict"},
                                            {"g", "struct"},
                                            {"u", "union<integer, string>"},
                                            {"o", "optional<integer>"},
                                            {"sd", "structured_dataset"},
                                            {"raw", "binary"}});
  const ValueMap values = from_literal_map(inputs, types);

  CHECK(values.at("i").as<std::int64_t>() == -9007199254740993);
  CHECK(values.at("s").as<std::string>() == "hello");
  CHECK(values.at("f").as<double>() == 0.25);
  CHECK(values.at("b").as<bool>() == true);
  CHECK(values.at("dt").as<Datetime>() == utc(2024, 1, 2, 3, 4, 5, 123456789));
  CHECK(values.at("du").as<Duration>() == Duration(1500ms));
  CHECK(values.at("n").is_none());
  CHECK(values.at("fi").as<Blob>() == Blob{"s3://b/data.csv", "csv", BlobDimensionality::SINGLE});
  CHECK(values.at("di").as<Blob>() == Blob{"s3://b/dir", "", BlobDimensionality::MULTIPART});
  CHECK(values.at("xs") == Value(Value::List{1, 2}));
  CHECK(values.at("m") == Value(Value::Map{{"a", Value::List{"x"}}, {"b", Value::List{}}}));
  CHECK(values.at("d").as<Json>() == dict);
  CHECK(values.at("g").as<Json>() ==
        Json::parse(R"({"a": 1, "b": [true, "x"], "c": {"d": 2.5}, "e": null})"));
  CHECK(values.at("u").as<std::string>() == "abc");
  CHECK(values.at("o").is_none());
  CHECK(values.at("sd").as<StructuredDataset>() == StructuredDataset{"s3://b/df", "parquet"});
  CHECK(values.at("raw").as<Binary>() == Binary{std::string("\x00\x01\x02\xff", 4), "bytes"});
  CHECK(values.size() == types.size());
}

TEST_CASE("Literals written as protobuf text decode to native values") {
  CHECK(from_literal(literal_from_text("scalar { primitive { integer: 12 } }"),
                     parse_flyte_type("integer")) == Value(12));
  CHECK(from_literal(literal_from_text("scalar { primitive { datetime { seconds: 86400 nanos: 5 } "
                                       "} }"),
                     parse_flyte_type("datetime")) == Value(utc(1970, 1, 2, 0, 0, 0, 5)));
  CHECK(from_literal(
            literal_from_text("scalar { primitive { duration { seconds: -2 nanos: -250000000 "
                              "} } }"),
            parse_flyte_type("duration")) == Value(Duration(-2250ms)));
  // The older dict form: a generic Struct, read for the dict type too.
  CHECK(from_literal(literal_from_text(R"(scalar { generic { fields { key: "k" value { list_value {
                       values { number_value: 1 } values { number_value: 1.5 } } } } } })"),
                     parse_flyte_type("dict"))
            .as<Json>() == Json::parse(R"({"k": [1, 1.5]})"));
  // A float type reads an integer literal, as flytekit does.
  CHECK(from_literal(literal_from_text("scalar { primitive { integer: 4 } }"),
                     parse_flyte_type("float")) == Value(4.0));
  // A union written by flytekit (tag "int") or a bare variant literal.
  const LiteralType opt_int = parse_flyte_type("optional<integer>");
  CHECK(from_literal(
            literal_from_text(R"(scalar { union { value { scalar { primitive { integer: 8 } } }
                       type { simple: INTEGER structure { tag: "int" } } } })"),
            opt_int) == Value(8));
  // ...and one written by flyte-execute before it used flytekit's tags ("integer").
  CHECK(from_literal(
            literal_from_text(R"(scalar { union { value { scalar { primitive { integer: 7 } } }
                       type { simple: INTEGER structure { tag: "integer" } } } })"),
            opt_int) == Value(7));
  CHECK(from_literal(literal_from_text("scalar { primitive { integer: 9 } }"), opt_int) ==
        Value(9));
  CHECK(from_literal(literal_from_text("scalar { none_type {} }"), opt_int).is_none());
}

TEST_CASE("A union literal is read by its tag before its shape") {
  // Two variants of the same shape but different formats: the tag decides.
  const LiteralType type = parse_flyte_type("union<file, file[csv]>");
  Literal literal = to_literal(Value(Blob{"s3://b/x.csv", "csv", BlobDimensionality::SINGLE}),
                               parse_flyte_type("file[csv]"));
  Literal wrapped;
  *wrapped.mutable_scalar()->mutable_union_()->mutable_value() = literal;
  *wrapped.mutable_scalar()->mutable_union_()->mutable_type() = type.union_type().variants(1);
  CHECK(from_literal(wrapped, type).as<Blob>().format == "csv");

  // A stored type that is none of the variants is a clear error.
  wrapped.mutable_scalar()->mutable_union_()->mutable_type()->Clear();
  wrapped.mutable_scalar()->mutable_union_()->mutable_type()->set_simple(flyteidl::core::BOOLEAN);
  CHECK_THROWS_WITH(from_literal(wrapped, type, "u"),
                    Catch::Contains("input 'u'") &&
                        Catch::Contains("expected union<file, file[csv]>") &&
                        Catch::Contains("scalar.union holding boolean") &&
                        Catch::Contains("none of the union's variants"));
}

TEST_CASE("Decoding mismatches name the input, the expected type and the literal found") {
  const LiteralType integer = parse_flyte_type("integer");
  CHECK_THROWS_AS(from_literal(literal_from_text("scalar { primitive { string_value: \"7\" } }"),
                               integer, "count"),
                  ModelError);
  CHECK_THROWS_WITH(from_literal(literal_from_text("scalar { primitive { string_value: \"7\" } }"),
                                 integer, "count"),
                    Catch::Contains("input 'count'") && Catch::Contains("expected integer") &&
                        Catch::Contains("found scalar.primitive.string_value"));

  Literal xs = to_literal(Value(Value::List{1, 2, 3, 4}), parse_flyte_type("list<integer>"));
  xs.mutable_collection()->mutable_literals(3)->mutable_scalar()->mutable_none_type();
  CHECK_THROWS_WITH(from_literal(xs, parse_flyte_type("list<integer>"), "xs"),
                    Catch::Contains("input 'xs[3]'") && Catch::Contains("expected integer") &&
                        Catch::Contains("found scalar.none_type"));

  const Literal m = to_literal(Value(Value::Map{{"k", "v"}}), parse_flyte_type("map<string>"));
  CHECK_THROWS_WITH(from_literal(m, parse_flyte_type("map<boolean>"), "m"),
                    Catch::Contains("input 'm[\"k\"]'") && Catch::Contains("expected boolean"));
  CHECK_THROWS_WITH(from_literal(m, parse_flyte_type("list<string>"), "m"),
                    Catch::Contains("expected list<string>") && Catch::Contains("found map"));

  const Literal dir = to_literal(Value(Blob{"s3://d", "", BlobDimensionality::MULTIPART}),
                                 parse_flyte_type("directory"));
  CHECK_THROWS_WITH(from_literal(dir, parse_flyte_type("file"), "f"),
                    Catch::Contains("expected file") && Catch::Contains("scalar.blob (multipart)"));

  const Literal not_msgpack =
      literal_from_text(R"(scalar { binary { value: "x" tag: "pickle" } })");
  CHECK_THROWS_WITH(from_literal(not_msgpack, parse_flyte_type("dict"), "d"),
                    Catch::Contains("input 'd'") && Catch::Contains("expected dict") &&
                        Catch::Contains("tag \"pickle\"") &&
                        Catch::Contains("only binary tagged \"msgpack\""));
  // msgpack that is not JSON-like (an int key, as flytekit writes for dict[int, str]).
  const std::string int_key_map("\x81\x01\xa1x", 4);
  Literal int_keys;
  int_keys.mutable_scalar()->mutable_binary()->set_value(int_key_map);
  int_keys.mutable_scalar()->mutable_binary()->set_tag("msgpack");
  CHECK_THROWS_WITH(from_literal(int_keys, parse_flyte_type("dict"), "d"),
                    Catch::Contains("input 'd'") && Catch::Contains("expected dict") &&
                        Catch::Contains("msgpack"));

  const Literal bare = literal_from_text("scalar { primitive { boolean: true } }");
  CHECK_THROWS_WITH(from_literal(bare, parse_flyte_type("union<integer, string>"), "u"),
                    Catch::Contains("input 'u'") &&
                        Catch::Contains("expected union<integer, string>") &&
                        Catch::Contains("scalar.primitive.boolean"));
}

TEST_CASE("Encoding mismatches name the output, the expected type and the value found") {
  CHECK_THROWS_WITH(to_literal(Value("7"), parse_flyte_type("integer"), "o0"),
                    Catch::Contains("cannot encode output 'o0'") &&
                        Catch::Contains("expected integer") && Catch::Contains("string value"));
  CHECK_THROWS_WITH(
      to_literal(Value(Value::List{1, 2, "three"}), parse_flyte_type("list<integer>"), "xs"),
      Catch::Contains("output 'xs[2]'") && Catch::Contains("expected integer"));
  CHECK_THROWS_WITH(to_literal(Value::object(Json::array({1, 2})), parse_flyte_type("struct"), "s"),
                    Catch::Contains("output 's'") && Catch::Contains("JSON array") &&
                        Catch::Contains("must be a JSON object"));
  CHECK_THROWS_WITH(to_literal(Value(Blob{"s3://x", "", BlobDimensionality::SINGLE}),
                               parse_flyte_type("directory"), "d"),
                    Catch::Contains("expected directory") && Catch::Contains("single-file blob"));
  CHECK_THROWS_WITH(
      to_literal(Value(true), parse_flyte_type("optional<integer>"), "u"),
      Catch::Contains("output 'u'") && Catch::Contains("expected optional<integer>") &&
          Catch::Contains("boolean value") && Catch::Contains("no variant accepts it"));
}

TEST_CASE("Offloaded literals are read through the fetch callback and fail clearly without one") {
  const LiteralMap inputs = literal_map_from_json(R"json({"literals": {
    "big": {"offloadedMetadata": {"uri": "s3://b/big_offloaded_metadata.pb", "sizeBytes": "123456",
                                  "inferredType": {"collectionType": {"simple": "INTEGER"}}}}}})json");
  const VariableTypes types = interface_of({{"big", "list<integer>"}});
  CHECK(is_offloaded(inputs.literals().at("big")));
  CHECK_FALSE(is_offloaded(to_literal(Value(1), parse_flyte_type("integer"))));

  CHECK_THROWS_WITH(from_literal_map(inputs, types),
                    Catch::Contains("input 'big'") &&
                        Catch::Contains("offloaded to s3://b/big_offloaded_metadata.pb") &&
                        Catch::Contains("123456 bytes") && Catch::Contains("no fetch callback"));

  std::vector<std::string> fetched;
  const LiteralFetcher fetch = [&](const std::string& uri) {
    fetched.push_back(uri);
    return to_literal(Value(Value::List{10, 20}), parse_flyte_type("list<integer>"));
  };
  const ValueMap values = from_literal_map(inputs, types, fetch);
  CHECK(values.at("big") == Value(Value::List{10, 20}));
  CHECK(fetched == std::vector<std::string>{"s3://b/big_offloaded_metadata.pb"});

  const LiteralFetcher broken = [](const std::string& uri) -> Literal {
    throw std::runtime_error("no such object " + uri);
  };
  CHECK_THROWS_WITH(from_literal_map(inputs, types, broken),
                    Catch::Contains("input 'big'") && Catch::Contains("fetching it failed") &&
                        Catch::Contains("no such object s3://b/big_offloaded_metadata.pb"));

  const LiteralFetcher loops = [&](const std::string&) { return inputs.literals().at("big"); };
  CHECK_THROWS_WITH(from_literal_map(inputs, types, loops),
                    Catch::Contains("another offloaded literal"));
}

TEST_CASE("LiteralMap conversion checks names against the task interface") {
  const VariableTypes types = interface_of({{"a", "integer"}, {"b", "optional<string>"}});
  const LiteralMap map = to_literal_map({{"a", 1}, {"b", Value()}}, types);
  CHECK(map.literals().size() == 2);
  CHECK(from_literal_map(map, types) == ValueMap{{"a", 1}, {"b", Value()}});

  CHECK_THROWS_WITH(to_literal_map({{"a", 1}}, types),
                    Catch::Contains("output 'b'") && Catch::Contains("has no value"));
  CHECK_THROWS_WITH(to_literal_map({{"a", 1}, {"b", "x"}, {"c", 2}}, types),
                    Catch::Contains("output 'c'") && Catch::Contains("not declared"));

  LiteralMap missing = map;
  missing.mutable_literals()->erase("a");
  CHECK_THROWS_WITH(from_literal_map(missing, types),
                    Catch::Contains("input 'a' (integer) is missing"));
  LiteralMap extra = map;
  (*extra.mutable_literals())["zz"] = to_literal(Value(1), parse_flyte_type("integer"));
  CHECK_THROWS_WITH(from_literal_map(extra, types),
                    Catch::Contains("'zz'") && Catch::Contains("does not declare"));
  CHECK(from_literal_map(LiteralMap(), VariableTypes{}).empty());
}

TEST_CASE("literal_kind describes each literal form for messages") {
  CHECK(literal_kind(Literal()) == "empty literal");
  CHECK(literal_kind(literal_from_text("scalar { primitive { float_value: 1 } }")) ==
        "scalar.primitive.float_value");
  CHECK(literal_kind(literal_from_text("scalar { binary { tag: \"msgpack\" } }")) ==
        "scalar.binary (tag \"msgpack\")");
  CHECK(literal_kind(literal_from_text("collection {}")) == "collection");
  CHECK(literal_kind(literal_from_text("scalar { generic {} }")) == "scalar.generic");
}

TEST_CASE("Msgpack values from attribute access decode for any declared type") {
  // Propeller resolves `dc.xs` on a dataclass to the attribute's msgpack bytes.
  const auto msgpack_literal = [](const Json& json) {
    const std::vector<std::uint8_t> bytes = Json::to_msgpack(json);
    Literal literal;
    literal.mutable_scalar()->mutable_binary()->set_value(std::string(bytes.begin(), bytes.end()));
    literal.mutable_scalar()->mutable_binary()->set_tag("msgpack");
    return literal;
  };
  CHECK(from_literal(msgpack_literal(Json(-20240918)), parse_flyte_type("integer")) ==
        Value(-20240918));
  CHECK(from_literal(msgpack_literal(Json::parse("[1, 2]")), parse_flyte_type("list<integer>")) ==
        Value(Value::List{1, 2}));
  CHECK(from_literal(msgpack_literal(Json::parse(R"({"a": "x"})")),
                     parse_flyte_type("map<string>")) == Value(Value::Map{{"a", "x"}}));
  CHECK_THROWS_WITH(from_literal(msgpack_literal(Json::parse("[1, \"b\"]")),
                                 parse_flyte_type("list<integer>"), "xs"),
                    Catch::Contains("input 'xs'") && Catch::Contains("expected list<integer>") &&
                        Catch::Contains("msgpack content does not fit") &&
                        Catch::Contains("xs[1]: expected integer"));
  // binary keeps its bytes as they are
  CHECK(from_literal(msgpack_literal(Json(1)), parse_flyte_type("binary")) ==
        Value(Binary{"\x01", "msgpack"}));
}

TEST_CASE("A union-wrapped literal decodes for a plain declared type") {
  const Literal wrapped = to_literal(Value(4), parse_flyte_type("optional<integer>"));
  REQUIRE(wrapped.scalar().has_union_());
  CHECK(from_literal(wrapped, parse_flyte_type("integer")) == Value(4));
}

// Found by fuzz/inputs_pb_fuzz.cpp: msgpack strings are raw bytes, so an
// inputs.pb can carry text that is not UTF-8 where protobuf would refuse it.
TEST_CASE("Msgpack strings that are not UTF-8 are rejected with a ModelError naming the input") {
  // inputs.pb {"i": scalar.binary{value = msgpack "\xff", tag "msgpack"}}; once
  // an uncaught nlohmann type_error out of the error message's JSON snippet.
  const unsigned char integer_input[] = {0x0a, 0x16, 0x0a, 0x01, 0x69, 0x12, 0x11, 0x0a,
                                         0x0f, 0x1a, 0x0d, 0x0a, 0x02, 0xa1, 0xff, 0x12,
                                         0x07, 0x6d, 0x73, 0x67, 0x70, 0x61, 0x63, 0x6b};
  LiteralMap inputs;
  REQUIRE(inputs.ParseFromArray(integer_input, sizeof integer_input));
  CHECK_THROWS_AS(from_literal_map(inputs, interface_of({{"i", "integer"}})), ModelError);
  CHECK_THROWS_WITH(from_literal_map(inputs, interface_of({{"i", "integer"}})),
                    Catch::Contains("input 'i'") && Catch::Contains("expected integer") &&
                        Catch::Contains("invalid UTF-8"));

  // The same bytes for a string input once decoded, and encoded as an output
  // that protobuf cannot parse back (proto3 strings must be UTF-8).
  const Literal& literal = inputs.literals().at("i");
  for (const char* type : {"string", "dict", "struct", "list<string>", "optional<string>"}) {
    INFO(type);
    CHECK_THROWS_AS(from_literal(literal, parse_flyte_type(type), "s"), ModelError);
    CHECK_THROWS_WITH(from_literal(literal, parse_flyte_type(type), "s"),
                      Catch::Contains("input 's'") && Catch::Contains("invalid UTF-8"));
  }
  // An invalid key is caught too; valid UTF-8 beyond ASCII still decodes.
  const std::string bad_key = "\x81\xa1\xfe\x01";  // {"\xfe": 1}
  Literal keyed;
  keyed.mutable_scalar()->mutable_binary()->set_value(bad_key);
  keyed.mutable_scalar()->mutable_binary()->set_tag("msgpack");
  CHECK_THROWS_AS(from_literal(keyed, parse_flyte_type("dict")), ModelError);
  const std::string good = "\x81\xa2\xc3\xa9\x01";  // {"é": 1}
  keyed.mutable_scalar()->mutable_binary()->set_value(good);
  CHECK(from_literal(keyed, parse_flyte_type("dict")).as<Json>() == Json{{"\xc3\xa9", 1}});
}

// Found by fuzz/inputs_pb_fuzz.cpp: a struct input read from msgpack holding
// binary (or a non-object) decoded to a value no output could encode.
TEST_CASE("A struct read from msgpack must be what a protobuf Struct can hold") {
  Literal literal;
  literal.mutable_scalar()->mutable_binary()->set_tag("msgpack");
  // {"k": bin(0x00)}
  literal.mutable_scalar()->mutable_binary()->set_value(std::string("\x81\xa1k\xc4\x01\x00", 6));
  CHECK_THROWS_AS(from_literal(literal, parse_flyte_type("struct"), "st"), ModelError);
  CHECK_THROWS_WITH(from_literal(literal, parse_flyte_type("struct"), "st"),
                    Catch::Contains("input 'st'") && Catch::Contains("binary") &&
                        Catch::Contains("declare the input as dict"));
  // A dict keeps binary values: msgpack both ways.
  const Value dict = from_literal(literal, parse_flyte_type("dict"), "d");
  CHECK(from_literal(to_literal(dict, parse_flyte_type("dict")), parse_flyte_type("dict")) == dict);

  literal.mutable_scalar()->mutable_binary()->set_value("\x01");  // msgpack 1
  CHECK_THROWS_WITH(from_literal(literal, parse_flyte_type("struct"), "st"),
                    Catch::Contains("not an object"));
  CHECK(from_literal(literal, parse_flyte_type("dict")).as<Json>() == Json(1));
}

// Found by the flytekit interop suite (tests/interop/python/test_roundtrip.py):
// nlohmann's to_msgpack wrote 2.5 as a float32, flytekit's msgpack-python
// always writes float64, so the same dict gave other bytes (and other cache
// keys and offload hashes). The expected bytes are msgpack.packb(value) from
// msgpack-python 1.x, the version flytekit 1.16.31 pins.
TEST_CASE("Dicts are written as the msgpack bytes flytekit writes") {
  Json ints = Json::array();
  for (const std::int64_t v : {std::int64_t{0},           std::int64_t{127},
                               std::int64_t{128},         std::int64_t{255},
                               std::int64_t{256},         std::int64_t{65535},
                               std::int64_t{65536},       std::int64_t{4294967295},
                               std::int64_t{4294967296},  std::numeric_limits<std::int64_t>::max(),
                               std::int64_t{-1},          std::int64_t{-32},
                               std::int64_t{-33},         std::int64_t{-128},
                               std::int64_t{-129},        std::int64_t{-32768},
                               std::int64_t{-32769},      std::int64_t{-2147483648},
                               std::int64_t{-2147483649}, std::numeric_limits<std::int64_t>::min()})
    ints.push_back(v);
  Json short_list = Json::array(), long_list = Json::array(), keys = Json::object();
  for (int i = 0; i < 16; ++i) {
    if (i < 15) short_list.push_back(i);
    long_list.push_back(i);
    keys[fmt::format("k{:02d}", i)] = nullptr;
  }
  const Json value = {
      {"a", {short_list, long_list}},
      {"b", {true, false, nullptr}},
      {"f", {2.5, 0.1, -0.0, 1e300}},
      {"i", ints},
      {"m", keys},
      {"s", {"", std::string(31, 'x'), std::string(32, 'x'), std::string(256, 'y')}},
  };
  const std::string flytekit_hex =
      "86a161929f000102030405060708090a0b0c0d0edc0010000102030405060708090a0b0c0d0e0fa1"
      "6293c3c2c0a16694cb4004000000000000cb3fb999999999999acb8000000000000000cb7e37e43c"
      "8800759ca169dc0014007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"
      "cf7fffffffffffffffffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"
      "d38000000000000000a16dde0010a36b3030c0a36b3031c0a36b3032c0a36b3033c0a36b3034c0a3"
      "6b3035c0a36b3036c0a36b3037c0a36b3038c0a36b3039c0a36b3130c0a36b3131c0a36b3132c0a3"
      "6b3133c0a36b3134c0a36b3135c0a17394a0bf787878787878787878787878787878787878787878"
      "78787878787878787878d92078787878787878787878787878787878787878787878787878787878"
      "78787878da0100797979797979797979797979797979797979797979797979797979797979797979"
      "79797979797979797979797979797979797979797979797979797979797979797979797979797979"
      "79797979797979797979797979797979797979797979797979797979797979797979797979797979"
      "79797979797979797979797979797979797979797979797979797979797979797979797979797979"
      "79797979797979797979797979797979797979797979797979797979797979797979797979797979"
      "79797979797979797979797979797979797979797979797979797979797979797979797979797979"
      "7979797979797979797979797979797979797979797979";
  const Literal dict = to_literal(Value::object(value), parse_flyte_type("dict"));
  REQUIRE(dict.scalar().binary().tag() == "msgpack");
  std::string hex;
  for (const unsigned char c : dict.scalar().binary().value()) hex += fmt::format("{:02x}", c);
  CHECK(hex == flytekit_hex);
  CHECK(from_literal(dict, parse_flyte_type("dict")) == Value::object(value));
}
