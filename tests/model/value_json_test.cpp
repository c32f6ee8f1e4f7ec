#include "flyte/model/value_json.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "flyte/model/flyte_type.hpp"

using namespace flyte;
using namespace std::chrono_literals;

namespace {

Datetime utc(int y, unsigned m, unsigned d, int hh, int mm, int ss, std::int64_t ns = 0) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
         std::chrono::nanoseconds(ns);
}

Value from_json_text(const std::string& json, const std::string& type) {
  return value_from_json(Json::parse(json), parse_flyte_type(type), "v");
}

Value cli(std::string_view text, const std::string& type) {
  return parse_cli_value(text, parse_flyte_type(type), "x");
}

}  // namespace

TEST_CASE("Each type maps to its documented JSON form") {
  CHECK(value_to_json(Value(42)) == Json(42));
  CHECK(value_to_json(Value(2.5)) == Json(2.5));
  CHECK(value_to_json(Value(std::numeric_limits<double>::quiet_NaN())) == Json("NaN"));
  CHECK(value_to_json(Value(std::numeric_limits<double>::infinity())) == Json("Infinity"));
  CHECK(value_to_json(Value(-std::numeric_limits<double>::infinity())) == Json("-Infinity"));
  CHECK(value_to_json(Value("s")) == Json("s"));
  CHECK(value_to_json(Value(false)) == Json(false));
  CHECK(value_to_json(Value()) == Json(nullptr));
  CHECK(value_to_json(Value(utc(2024, 1, 2, 3, 4, 5))) == Json("2024-01-02T03:04:05Z"));
  CHECK(value_to_json(Value(utc(2024, 1, 2, 3, 4, 5, 120000000))) ==
        Json("2024-01-02T03:04:05.120Z"));
  CHECK(value_to_json(Value(utc(2024, 1, 2, 3, 4, 5, 123456789))) ==
        Json("2024-01-02T03:04:05.123456789Z"));
  CHECK(value_to_json(Value(Duration(1500ms))) == Json("1.500s"));
  CHECK(value_to_json(Value(Duration(90s))) == Json("90s"));
  CHECK(value_to_json(Value(Duration(-250ms))) == Json("-0.250s"));
  CHECK(value_to_json(Value(Duration(1ns))) == Json("0.000000001s"));
  CHECK(value_to_json(Value(Blob{"s3://b/k", "csv", BlobDimensionality::SINGLE})) ==
        Json("s3://b/k"));
  CHECK(value_to_json(Value(Binary{"hello", "t"})) == Json("aGVsbG8="));
  CHECK(value_to_json(Value::object({{"a", {1, 2}}})) == Json::parse(R"({"a": [1, 2]})"));
  CHECK(value_to_json(Value(Value::List{1, "a", Value()})) == Json::parse(R"([1, "a", null])"));
  CHECK(value_to_json(Value(Value::Map{{"k", 1.5}})) == Json::parse(R"({"k": 1.5})"));
  CHECK(value_to_json(Value(StructuredDataset{"s3://b/df", "parquet"})) ==
        Json::parse(R"({"uri": "s3://b/df", "format": "parquet"})"));
}

TEST_CASE("JSON round trips for every type, NaN and infinities included") {
  const std::vector<std::pair<std::string, Value>> cases = {
      {"integer", Value(-7)},
      {"float", Value(0.1)},
      {"float", Value(std::numeric_limits<double>::infinity())},
      {"string", Value("ünïcode")},
      {"boolean", Value(true)},
      {"datetime", Value(utc(1999, 12, 31, 23, 59, 59, 999999999))},
      {"duration", Value(Duration(-3h))},
      {"none", Value()},
      {"file[csv]", Value(Blob{"/data/a.csv", "csv", BlobDimensionality::SINGLE})},
      {"directory", Value(Blob{"s3://b/d/", "", BlobDimensionality::MULTIPART})},
      {"dict", Value::object(Json::parse(R"([1, {"a": null}])"))},
      {"struct", Value::object(Json::parse(R"({"a": {"b": [1, 2.5, "c"]}})"))},
      {"binary", Value(Binary{std::string("\0\xff\x10", 3), ""})},
      {"list<map<integer>>", Value(Value::List{Value::Map{{"a", 1}}, Value::Map{}})},
      {"union<integer, string>", Value("u")},
      {"optional<float>", Value()},
      {"structured_dataset[parquet]", Value(StructuredDataset{"s3://b/df", "parquet"})},
  };
  for (const auto& [type, value] : cases) {
    INFO(type);
    CHECK(value_from_json(value_to_json(value), parse_flyte_type(type), "v") == value);
  }
  const Value nan = from_json_text(R"("NaN")", "float");
  CHECK(std::isnan(nan.as<double>()));
  CHECK(value_to_json(nan) == Json("NaN"));
  CHECK(from_json_text(R"("-Infinity")", "float") ==
        Value(-std::numeric_limits<double>::infinity()));
}

TEST_CASE("JSON date-times accept offsets and durations take protobuf's seconds form") {
  CHECK(from_json_text(R"("2024-01-02T05:04:05+02:00")", "datetime") ==
        Value(utc(2024, 1, 2, 3, 4, 5)));
  CHECK(from_json_text(R"("2024-01-01T22:04:05.5-05:00")", "datetime") ==
        Value(utc(2024, 1, 2, 3, 4, 5, 500000000)));
  CHECK(from_json_text(R"("2024-01-02T03:04:05.123456789Z")", "datetime") ==
        Value(utc(2024, 1, 2, 3, 4, 5, 123456789)));
  CHECK(from_json_text(R"("1.5s")", "duration") == Value(Duration(1500ms)));
  CHECK(from_json_text(R"("-0.000000001s")", "duration") == Value(Duration(-1ns)));
  CHECK_THROWS_WITH(from_json_text(R"("90")", "duration"),
                    Catch::Contains("v: expected duration") && Catch::Contains("'s' suffix"));
  CHECK_THROWS_WITH(from_json_text(R"("2024-01-02 03:04")", "datetime"),
                    Catch::Contains("expected datetime") && Catch::Contains("RFC 3339"));
}

TEST_CASE("JSON input picks union variants and reads the remaining forms") {
  // Exact kinds first: 3 is the integer variant, 3.5 the float one.
  CHECK(from_json_text("3", "union<float, integer>") == Value(3));
  CHECK(from_json_text("3.5", "union<float, integer>") == Value(3.5));
  CHECK(from_json_text("3", "float") == Value(3.0));
  CHECK(from_json_text("null", "optional<integer>").is_none());
  CHECK(from_json_text(R"({"uri": "s3://b/df"})", "structured_dataset[csv]") ==
        Value(StructuredDataset{"s3://b/df", "csv"}));
  CHECK(from_json_text(R"("/tmp/d")", "directory[csv]") ==
        Value(Blob{"/tmp/d", "csv", BlobDimensionality::MULTIPART}));
  CHECK(from_json_text(R"("3")", "dict") == Value::object(Json("3")));
  CHECK(from_json_text("18446744073709551615", "float") == Value(18446744073709551615.0));
}

TEST_CASE("JSON mismatches give the path, the expected type and the JSON found") {
  CHECK_THROWS_AS(from_json_text("2.5", "integer"), ModelError);
  CHECK_THROWS_WITH(from_json_text("2.5", "integer"),
                    Catch::Contains("v: expected integer, found JSON number 2.5"));
  CHECK_THROWS_WITH(from_json_text("[1, 2, \"3\"]", "list<integer>"),
                    Catch::Contains("v[2]: expected integer") && Catch::Contains("string \"3\""));
  CHECK_THROWS_WITH(from_json_text(R"({"k": true})", "map<string>"),
                    Catch::Contains("v[\"k\"]: expected string"));
  CHECK_THROWS_WITH(from_json_text("[1]", "struct"), Catch::Contains("expected struct"));
  CHECK_THROWS_WITH(from_json_text(R"("nan")", "float"), Catch::Contains("\"NaN\""));
  CHECK_THROWS_WITH(from_json_text(R"("not base64!")", "binary"),
                    Catch::Contains("not valid base64"));
  CHECK_THROWS_WITH(from_json_text("18446744073709551615", "integer"),
                    Catch::Contains("int64 range"));
  CHECK_THROWS_WITH(from_json_text(R"({"format": "csv"})", "structured_dataset"),
                    Catch::Contains("\"uri\""));
  CHECK_THROWS_WITH(from_json_text("true", "optional<integer>"),
                    Catch::Contains("v: expected optional<integer>") &&
                        Catch::Contains("no variant accepts it: expected integer"));
}

TEST_CASE("Command-line values read scalars as plain text") {
  CHECK(cli("2", "integer") == Value(2));
  CHECK(cli("-9223372036854775808", "integer") == Value(std::numeric_limits<std::int64_t>::min()));
  CHECK(cli("+5", "integer") == Value(5));
  CHECK(cli("3.5", "float") == Value(3.5));
  CHECK(cli("1e-3", "float") == Value(0.001));
  CHECK(cli("7", "float") == Value(7.0));
  CHECK(std::isnan(cli("NaN", "float").as<double>()));
  CHECK(cli("-Infinity", "float") == Value(-std::numeric_limits<double>::infinity()));
  CHECK(cli("hello world", "string") == Value("hello world"));
  CHECK(cli("", "string") == Value(""));
  CHECK(cli("\"quoted\"", "string") == Value("\"quoted\""));
  CHECK(cli("true", "boolean") == Value(true));
  CHECK(cli("False", "boolean") == Value(false));
  CHECK(cli("2024-01-02T05:04:05+02:00", "datetime") == Value(utc(2024, 1, 2, 3, 4, 5)));
  CHECK(cli("1.5s", "duration") == Value(Duration(1500ms)));
  CHECK(cli("90s", "duration") == Value(Duration(90s)));
  CHECK(cli("null", "none").is_none());
  CHECK(cli("", "none").is_none());
  CHECK(cli("./data/in.csv", "file[csv]") ==
        Value(Blob{"./data/in.csv", "csv", BlobDimensionality::SINGLE}));
  CHECK(cli("s3://b/dir", "directory") ==
        Value(Blob{"s3://b/dir", "", BlobDimensionality::MULTIPART}));
  CHECK(cli("aGVsbG8=", "binary") == Value(Binary{"hello", ""}));
  CHECK(cli("\"aGVsbG8=\"", "binary") == Value(Binary{"hello", ""}));
}

TEST_CASE("Command-line values read containers, dicts and datasets as JSON text") {
  CHECK(cli("[1, 2, 3]", "list<integer>") == Value(Value::List{1, 2, 3}));
  CHECK(cli(R"({"a": ["x"]})", "map<list<string>>") == Value(Value::Map{{"a", Value::List{"x"}}}));
  CHECK(cli(R"({"a": {"b": 1}})", "dict") == Value::object(Json::parse(R"({"a": {"b": 1}})")));
  CHECK(cli(R"({"k": [true]})", "struct") == Value::object(Json::parse(R"({"k": [true]})")));
  CHECK(cli(R"({"uri": "s3://b/df", "format": "parquet"})", "structured_dataset") ==
        Value(StructuredDataset{"s3://b/df", "parquet"}));
  CHECK(cli(R"(["2024-01-02T03:04:05Z"])", "list<datetime>") ==
        Value(Value::List{utc(2024, 1, 2, 3, 4, 5)}));
}

TEST_CASE("Command-line unions try each variant's text form in order") {
  CHECK(cli("5", "union<integer, string>") == Value(5));
  CHECK(cli("hello", "union<integer, string>") == Value("hello"));
  CHECK(cli("null", "optional<string>").is_none());
  CHECK(cli("none", "optional<string>") == Value("none"));
  CHECK(cli("2.5", "optional<float>") == Value(2.5));
  CHECK(cli("[1]", "optional<list<integer>>") == Value(Value::List{1}));
  // As pyflyte run (UnionParamType._sort_precedence): string variants last...
  CHECK(cli("5", "union<string, integer>") == Value(5));
  CHECK(cli("five", "union<string, integer>") == Value("five"));
  // ...and a string takes the text as given, quotes included.
  CHECK(cli("\"five\"", "union<integer, string>") == Value("\"five\""));
}

TEST_CASE("Command-line errors name the input, the expected type and the text") {
  CHECK_THROWS_AS(cli("abc", "integer"), ModelError);
  CHECK_THROWS_WITH(cli("abc", "integer"),
                    Catch::Contains("input 'x': expected integer, got \"abc\""));
  CHECK_THROWS_WITH(cli("2.5", "integer"), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(cli("99999999999999999999", "integer"), Catch::Contains("int64 range"));
  CHECK_THROWS_WITH(cli("3,5", "float"), Catch::Contains("input 'x': expected float, got \"3,5\""));
  CHECK_THROWS_WITH(cli("yes", "boolean"), Catch::Contains("expected boolean, got \"yes\"") &&
                                               Catch::Contains("true or false"));
  CHECK_THROWS_WITH(
      cli("2024-01-02", "datetime"),
      Catch::Contains("expected datetime, got \"2024-01-02\"") && Catch::Contains("RFC 3339"));
  CHECK_THROWS_WITH(cli("90", "duration"),
                    Catch::Contains("expected duration, got \"90\"") && Catch::Contains("90s"));
  CHECK_THROWS_WITH(cli("nothing", "none"), Catch::Contains("expected none, got \"nothing\""));
  CHECK_THROWS_WITH(cli("[1, 2", "list<integer>"),
                    Catch::Contains("expected list<integer>, got \"[1, 2\"") &&
                        Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(cli(R"([1, "b"])", "list<integer>"),
                    Catch::Contains("input 'x': expected list<integer>") &&
                        Catch::Contains("x[1]: expected integer"));
  CHECK_THROWS_WITH(cli("true", "union<integer, float>"),
                    Catch::Contains("expected union<integer, float>, got \"true\"") &&
                        Catch::Contains("no variant accepts it"));
  CHECK_THROWS_WITH(cli("", "file"), Catch::Contains("input 'x': expected file") &&
                                         Catch::Contains("non-empty string"));
  CHECK_THROWS_WITH(parse_cli_value("x", parse_flyte_type("integer"), "count"),
                    Catch::Contains("input 'count'"));
}

// Found by fuzz/inputs_pb_fuzz.cpp (a msgpack string "\xff" read as an
// integer): the JSON snippet in the message threw nlohmann's type_error.
TEST_CASE(
    "JSON mismatch messages survive strings that are not UTF-8 and cut only whole characters") {
  const Json not_utf8 = std::string("\xff");
  CHECK_THROWS_AS(value_from_json(not_utf8, parse_flyte_type("integer"), "v"), ModelError);
  CHECK_THROWS_WITH(value_from_json(not_utf8, parse_flyte_type("integer"), "v"),
                    Catch::Contains("v: expected integer, found JSON string"));

  // "a" then 40 x "é" (2 bytes each): the 60-byte snippet limit falls inside
  // a character, and the message must stay valid UTF-8 for error.pb.
  std::string text = "a";
  for (int i = 0; i < 40; ++i) text += "\xc3\xa9";
  try {
    value_from_json(Json(text), parse_flyte_type("integer"), "v");
    FAIL("expected a ModelError");
  } catch (const ModelError& e) {
    const std::string message = e.what();
    const auto cut = message.find("...");
    REQUIRE(cut != std::string::npos);
    CHECK(message.substr(cut - 2, 2) == "\xc3\xa9");
  }
}

// Found by fuzz/cli_value_fuzz.cpp (crash input "\x0f\x00[1,5e343]": type
// list<integer>, text "[1,5e343]"): nlohmann's out_of_range escaped.
TEST_CASE("Command-line JSON with a number beyond double is a ModelError") {
  CHECK_THROWS_AS(parse_cli_value("[1,5e343]", parse_flyte_type("list<integer>"), "xs"),
                  ModelError);
  CHECK_THROWS_WITH(parse_cli_value("[1,5e343]", parse_flyte_type("list<integer>"), "xs"),
                    Catch::Contains("input 'xs'") && Catch::Contains("not valid JSON") &&
                        Catch::Contains("5e343"));
  CHECK_THROWS_AS(parse_cli_value(R"({"a": -1e400})", parse_flyte_type("dict"), "d"), ModelError);
}

TEST_CASE("a command-line value that is not UTF-8 is refused, naming the input and the byte") {
  // Found by cli_value_fuzz: such a string parsed, then could not be encoded.
  CHECK_THROWS_WITH(parse_cli_value(std::string("ab\xcd\xcd"), parse_flyte_type("string"), "s"),
                    Catch::Contains("input 's'") && Catch::Contains("not valid UTF-8") &&
                        Catch::Contains("byte 2 of 4"));
  CHECK_THROWS_AS(
      parse_cli_value(std::string("[\"\xff\"]"), parse_flyte_type("list<string>"), "xs"),
      ModelError);
}
