#include "flyte/model/value_json.hpp"

#include <google/protobuf/stubs/strutil.h>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "flyte/model/flyte_type.hpp"
#include "flyte/model/proto_time.hpp"
#include "model/utf8.hpp"

namespace flyte {

namespace fc = flyteidl::core;

namespace {

constexpr std::string_view kNaN = "NaN";
constexpr std::string_view kInfinity = "Infinity";
constexpr std::string_view kMinusInfinity = "-Infinity";

std::string json_snippet(const Json& json) {
  // Never throws: a message must not fail on a string that is not UTF-8.
  std::string text = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 60) {
    // Cut before a UTF-8 continuation byte, never inside a character: the
    // message ends up in error.pb, whose proto3 strings must be UTF-8.
    std::size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

[[noreturn]] void fail_json(const std::string& path, const fc::LiteralType& type, const Json& json,
                            const std::string& detail = "") {
  throw ModelError(path + ": expected " + flyte_type_to_string(type) + ", found JSON " +
                   json.type_name() + " " + json_snippet(json) +
                   (detail.empty() ? "" : " (" + detail + ")"));
}

std::string base64_encode(const std::string& bytes) {
  std::string out;
  google::protobuf::Base64Escape(bytes, &out);
  return out;
}

bool base64_decode(std::string_view text, std::string* bytes) {
  return google::protobuf::Base64Unescape(google::protobuf::StringPiece(text.data(), text.size()),
                                          bytes);
}

bool has_none_variant(const fc::LiteralType& type) {
  for (const auto& variant : type.union_type().variants()) {
    if (variant.type_case() == fc::LiteralType::kSimple && variant.simple() == fc::NONE) {
      return true;
    }
  }
  return false;
}

Value from_json(const Json& json, const fc::LiteralType& type, const std::string& path,
                bool strict) {
  switch (type.type_case()) {
    case fc::LiteralType::kSimple:
      switch (type.simple()) {
        case fc::NONE:
          if (json.is_null()) return Value();
          break;
        case fc::INTEGER:
          if (json.is_number_unsigned()) {
            if (json.get<std::uint64_t>() >
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
              fail_json(path, type, json, "out of the int64 range");
            }
            return static_cast<std::int64_t>(json.get<std::uint64_t>());
          }
          if (json.is_number_integer()) return json.get<std::int64_t>();
          break;
        case fc::FLOAT:
          if (json.is_number_float()) return json.get<double>();
          if (!strict && json.is_number()) return json.get<double>();
          if (json.is_string()) {
            const auto& text = json.get_ref<const std::string&>();
            if (text == kNaN) return std::numeric_limits<double>::quiet_NaN();
            if (text == kInfinity) return std::numeric_limits<double>::infinity();
            if (text == kMinusInfinity) return -std::numeric_limits<double>::infinity();
            fail_json(path, type, json,
                      "the only strings a float takes are \"NaN\", "
                      "\"Infinity\" and \"-Infinity\"");
          }
          break;
        case fc::STRING:
          if (json.is_string()) return json.get<std::string>();
          break;
        case fc::BOOLEAN:
          if (json.is_boolean()) return json.get<bool>();
          break;
        case fc::DATETIME:
          if (json.is_string()) {
            try {
              return parse_rfc3339(json.get_ref<const std::string&>());
            } catch (const ModelError& e) {
              fail_json(path, type, json, e.what());
            }
          }
          break;
        case fc::DURATION:
          if (json.is_string()) {
            try {
              return parse_duration(json.get_ref<const std::string&>());
            } catch (const ModelError& e) {
              fail_json(path, type, json, e.what());
            }
          }
          break;
        case fc::BINARY:
          if (json.is_string()) {
            std::string bytes;
            if (!base64_decode(json.get_ref<const std::string&>(), &bytes)) {
              fail_json(path, type, json, "not valid base64");
            }
            return Binary{std::move(bytes), ""};
          }
          break;
        case fc::STRUCT:
          if (is_msgpack_dict_type(type) || json.is_object()) return Value(json);
          break;
        default:
          throw ModelError(path + ": type " + flyte_type_to_string(type) + " has no JSON form");
      }
      fail_json(path, type, json);
    case fc::LiteralType::kBlob:
      if (!json.is_string() || json.get_ref<const std::string&>().empty()) {
        fail_json(path, type, json, "give the path or URI as a non-empty string");
      }
      return Blob{json.get<std::string>(), type.blob().format(),
                  static_cast<BlobDimensionality>(type.blob().dimensionality())};
    case fc::LiteralType::kCollectionType: {
      if (!json.is_array()) fail_json(path, type, json);
      Value::List list;
      list.reserve(json.size());
      for (std::size_t i = 0; i < json.size(); ++i) {
        list.push_back(from_json(json[i], type.collection_type(),
                                 path + "[" + std::to_string(i) + "]", false));
      }
      return list;
    }
    case fc::LiteralType::kMapValueType: {
      if (!json.is_object()) fail_json(path, type, json);
      Value::Map map;
      for (const auto& [key, item] : json.items()) {
        map.emplace(key, from_json(item, type.map_value_type(), path + "[\"" + key + "\"]", false));
      }
      return map;
    }
    case fc::LiteralType::kUnionType: {
      std::string reasons;
      for (bool strict_pass : {true, false}) {
        for (const auto& variant : type.union_type().variants()) {
          try {
            return from_json(json, variant, path, strict_pass);
          } catch (const ModelError& e) {
            if (!strict_pass) {
              std::string_view text = e.what();
              if (text.substr(0, path.size() + 2) == path + ": ")
                text.remove_prefix(path.size() + 2);
              reasons += std::string(reasons.empty() ? "" : "; ") + std::string(text);
            }
          }
        }
      }
      fail_json(path, type, json, "no variant accepts it: " + reasons);
    }
    case fc::LiteralType::kStructuredDatasetType: {
      if (!json.is_object() || !json.contains("uri") || !json["uri"].is_string() ||
          (json.contains("format") && !json["format"].is_string())) {
        fail_json(path, type, json, "expected {\"uri\": \"...\", \"format\": \"...\"}");
      }
      std::string format = json.value("format", std::string());
      if (format.empty()) format = type.structured_dataset_type().format();
      return StructuredDataset{json["uri"].get<std::string>(), std::move(format)};
    }
    case fc::LiteralType::kEnumType:
      if (json.is_string()) {
        for (const auto& allowed : type.enum_type().values()) {
          if (allowed == json.get_ref<const std::string&>()) return allowed;
        }
        fail_json(path, type, json, "not one of the enum's values");
      }
      fail_json(path, type, json);
    case fc::LiteralType::kSchema:
    case fc::LiteralType::TYPE_NOT_SET:
      break;
  }
  throw ModelError(path + ": type " + flyte_type_to_string(type) + " has no JSON form");
}

[[noreturn]] void fail_cli(std::string_view name, const fc::LiteralType& type,
                           std::string_view text, const std::string& detail = "") {
  throw ModelError("input '" + std::string(name) + "': expected " + flyte_type_to_string(type) +
                   ", got \"" + std::string(text) + "\"" + (detail.empty() ? "" : ": " + detail));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Value parse_cli(std::string_view text, const fc::LiteralType& type, std::string_view name) {
  if (type.type_case() == fc::LiteralType::kSimple) {
    switch (type.simple()) {
      case fc::NONE:
        if (text.empty() || text == "null") return Value();
        fail_cli(name, type, text, "write null (or nothing) for none");
      case fc::INTEGER: {
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc::result_out_of_range)
          fail_cli(name, type, text, "out of the int64 range");
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          fail_cli(name, type, text, "write a whole number such as 42 or -7");
        }
        return v;
      }
      case fc::FLOAT: {
        if (text == kNaN) return std::numeric_limits<double>::quiet_NaN();
        if (text == kInfinity) return std::numeric_limits<double>::infinity();
        if (text == kMinusInfinity) return -std::numeric_limits<double>::infinity();
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        double v = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          fail_cli(name, type, text, "write a number such as 3.5, 1e-3, NaN or Infinity");
        }
        return v;
      }
      case fc::STRING:
        return std::string(text);
      case fc::BOOLEAN:
        if (iequals(text, "true")) return true;
        if (iequals(text, "false")) return false;
        fail_cli(name, type, text, "write true or false");
      case fc::DATETIME:
        try {
          return parse_rfc3339(text);
        } catch (const ModelError& e) {
          fail_cli(name, type, text, e.what());
        }
      case fc::DURATION:
        try {
          return parse_duration(text);
        } catch (const ModelError& e) {
          fail_cli(name, type, text, e.what());
        }
      case fc::BINARY:
        if (!text.empty() && text.front() == '"') break;  // JSON string below
        {
          std::string bytes;
          if (!base64_decode(text, &bytes)) fail_cli(name, type, text, "not valid base64");
          return Binary{std::move(bytes), ""};
        }
      default:
        break;
    }
  } else if (type.type_case() == fc::LiteralType::kBlob ||
             type.type_case() == fc::LiteralType::kEnumType) {
    return from_json(Json(std::string(text)), type, "input '" + std::string(name) + "'", false);
  } else if (type.type_case() == fc::LiteralType::kUnionType) {
    if (text == "null" && has_none_variant(type)) return Value();
    // pyflyte run's UnionParamType._sort_precedence: string variants are tried
    // last, so "5" for union<string, integer> is the integer; a string takes
    // the text as it is (quotes included), as a plain string input does.
    std::vector<const fc::LiteralType*> ordered;
    for (bool strings : {false, true}) {
      for (const auto& variant : type.union_type().variants()) {
        const bool is_string =
            variant.type_case() == fc::LiteralType::kSimple && variant.simple() == fc::STRING;
        if (is_string == strings) ordered.push_back(&variant);
      }
    }
    std::string reasons;
    for (const fc::LiteralType* variant_ptr : ordered) {
      const fc::LiteralType& variant = *variant_ptr;
      try {
        return parse_cli(text, variant, name);
      } catch (const ModelError& e) {
        const std::string prefix = "input '" + std::string(name) + "': ";
        std::string_view text = e.what();
        if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
        reasons += std::string(reasons.empty() ? "" : "; ") + std::string(text);
      }
    }
    fail_cli(name, type, text, "no variant accepts it (" + reasons + ")");
  }
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::exception& e) {
    // parse_error, and out_of_range for a number beyond double (`5e343`).
    fail_cli(name, type, text, std::string("not valid JSON (") + e.what() + ")");
  }
  try {
    return value_from_json(json, type, std::string(name));
  } catch (const ModelError& e) {
    fail_cli(name, type, text, e.what());
  }
}

}  // namespace

Value value_from_json(const Json& json, const fc::LiteralType& type,
                      std::string_view path_for_errors) {
  return from_json(json, type, path_for_errors.empty() ? "value" : std::string(path_for_errors),
                   false);
}

Json value_to_json(const Value& value) {
  return std::visit(
      [](const auto& held) -> Json {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(held)) return kNaN;
          if (std::isinf(held)) return held > 0 ? kInfinity : kMinusInfinity;
          return held;
        } else if constexpr (std::is_same_v<T, Datetime>) {
          return format_rfc3339(held);
        } else if constexpr (std::is_same_v<T, Duration>) {
          return format_duration(held);
        } else if constexpr (std::is_same_v<T, Blob>) {
          return held.uri;
        } else if constexpr (std::is_same_v<T, Binary>) {
          return base64_encode(held.bytes);
        } else if constexpr (std::is_same_v<T, Value::List>) {
          Json array = Json::array();
          for (const Value& item : held) array.push_back(value_to_json(item));
          return array;
        } else if constexpr (std::is_same_v<T, Value::Map>) {
          Json object = Json::object();
          for (const auto& [key, item] : held) object[key] = value_to_json(item);
          return object;
        } else if constexpr (std::is_same_v<T, StructuredDataset>) {
          return Json{{"uri", held.uri}, {"format", held.format}};
        } else {
          return Json(held);  // int64, string, bool, Json
        }
      },
      value.storage());
}

Value parse_cli_value(std::string_view text, const fc::LiteralType& type, std::string_view name) {
  // Every text form here (plain text, JSON, base64) is UTF-8; a string that
  // is not could not be sent to the engine (proto3 strings must be UTF-8).
  if (const std::size_t valid = utf8::valid_prefix(text); valid != text.size()) {
    throw ModelError(fmt::format(
        "input '{}': the value is not valid UTF-8 (byte {} of {}); command-line values are text: "
        "pass bytes to a binary input as base64",
        name, valid, text.size()));
  }
  return parse_cli(text, type, name);
}

}  // namespace flyte
