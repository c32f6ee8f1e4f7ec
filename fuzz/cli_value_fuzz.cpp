// Fuzzes the text forms of types and values:
//  - parse_flyte_type on the whole input: it parses or throws ModelError; a
//    type that parses prints (flyte_type_to_string) to text that parses back
//    to the same type;
//  - parse_cli_value (`--input name=TEXT`): byte 0 picks a type from a fixed
//    list, byte 1 may wrap it (list<>, map<>, optional<>, union<..., string>)
//    and the rest is the text; it decodes or throws ModelError, and a value
//    that decodes must encode as a literal of that type and decode back equal;
//  - value_from_json on the same text parsed as JSON: a value read must give
//    JSON (value_to_json) that reads back to the same JSON.
// Expected exceptions: ModelError only. Anything else escaping is a bug.
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "flyte/model/flyte_type.hpp"
#include "flyte/model/literal_converter.hpp"
#include "flyte/model/value_json.hpp"

namespace {

constexpr const char* BASE_TYPES[] = {
    "integer",
    "float",
    "string",
    "boolean",
    "datetime",
    "duration",
    "none",
    "file",
    "file[csv]",
    "directory",
    "binary",
    "dict",
    "struct",
    "structured_dataset",
    "structured_dataset[parquet]",
    "list<integer>",
    "map<float>",
    "union<integer, float, string>",
    "union<float, integer>",
    "optional<datetime>",
    "list<map<optional<duration>>>",
    "map<union<boolean, list<string>, dict>>",
    "union<none, binary>",
    "list<structured_dataset>",
};

std::string wrap(std::string type, std::uint8_t how) {
  switch (how % 6) {
    case 1:
      return "list<" + type + ">";
    case 2:
      return "map<" + type + ">";
    case 3:
      return "optional<" + type + ">";
    case 4:
      return "union<" + type + ", string>";
    case 5:
      return "list<optional<" + type + ">>";
    default:
      return type;
  }
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "cli_value_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

bool same_literal(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

void fuzz_type_text(std::string_view text) {
  flyteidl::core::LiteralType type;
  try {
    type = flyte::parse_flyte_type(text);
  } catch (const flyte::ModelError&) {
    return;
  }
  const std::string printed = flyte::flyte_type_to_string(type);
  try {
    const auto again = flyte::parse_flyte_type(printed);
    if (!google::protobuf::util::MessageDifferencer::Equals(type, again)) {
      fail("type text does not round trip", std::string(text) + " -> " + printed);
    }
  } catch (const flyte::ModelError& e) {
    fail("printed type does not parse", std::string(text) + " -> " + printed + ": " + e.what());
  }
}

void fuzz_cli_value(std::string_view text, const flyteidl::core::LiteralType& type) {
  flyte::Value value;
  try {
    value = flyte::parse_cli_value(text, type, "x");
  } catch (const flyte::ModelError&) {
    return;
  }
  try {
    const auto literal = flyte::to_literal(value, type, "x", "input");
    const auto decoded = flyte::from_literal(literal, type, "x");
    const auto again = flyte::to_literal(decoded, type, "x", "input");
    if (!same_literal(literal, again)) {
      fail("cli value literal round trip is not stable",
           literal.DebugString() + "---\n" + again.DebugString());
    }
  } catch (const flyte::ModelError& e) {
    fail("a parsed cli value does not encode or decode", std::string(text) + ": " + e.what());
  }
}

void fuzz_json_value(std::string_view text, const flyteidl::core::LiteralType& type) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return;
  flyte::Value value;
  try {
    value = flyte::value_from_json(json, type, "x");
  } catch (const flyte::ModelError&) {
    return;
  }
  const auto written = flyte::value_to_json(value);
  try {
    const auto again = flyte::value_to_json(flyte::value_from_json(written, type, "x"));
    if (written != again)
      fail("json round trip is not stable", written.dump() + " -> " + again.dump());
  } catch (const flyte::ModelError& e) {
    fail("value_to_json output does not read back", written.dump() + ": " + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  fuzz_type_text(all);
  if (size < 2) return 0;

  const std::string type_text = wrap(BASE_TYPES[data[0] % std::size(BASE_TYPES)], data[1]);
  flyteidl::core::LiteralType type;
  try {
    type = flyte::parse_flyte_type(type_text);
  } catch (const flyte::ModelError&) {
    return 0;  // e.g. optional<none>: the grammar may refuse a combination
  }
  const std::string_view text = all.substr(2);
  fuzz_cli_value(text, type);
  fuzz_json_value(text, type);
  return 0;
}
