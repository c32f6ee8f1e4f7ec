#include "flyte/model/literal_converter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "flyte/model/flyte_type.hpp"
#include "flyte/model/proto_time.hpp"
#include "flyte/model/value_json.hpp"
#include "model/utf8.hpp"

namespace flyte {

namespace fc = flyteidl::core;
namespace pb = google::protobuf;

namespace {

// Where a value sits, for messages: `input 'xs[3]'`. A chain of parents with
// an index or a key, rendered only when a message needs it, so walking a
// million-element list builds no strings (bench/README.md). A child refers
// to its parent and to the map key, which outlive the call it is passed to.
struct Where {
  std::string_view role;
  std::string_view name;  // the root's
  const Where* parent = nullptr;
  std::size_t index = 0;
  const std::string* key = nullptr;  // set for a map entry

  Where at(std::size_t i) const { return Where{role, {}, this, i, nullptr}; }
  Where at(const std::string& k) const { return Where{role, {}, this, 0, &k}; }
  std::string path() const {
    if (!parent) return std::string(name);
    // fmt rather than `"[" + ...`: GCC 12 reports a false -Wrestrict on the latter.
    return key ? fmt::format("{}[\"{}\"]", parent->path(), *key)
               : fmt::format("{}[{}]", parent->path(), index);
  }
  std::string describe() const { return std::string(role) + " '" + path() + "'"; }
};

[[noreturn]] void fail_decode(const Where& where, const fc::LiteralType& type,
                              const std::string& found, const std::string& detail = "") {
  throw ModelError("cannot decode " + where.describe() + ": expected " +
                   flyte_type_to_string(type) + ", found " + found +
                   (detail.empty() ? "" : ": " + detail));
}

// msgpack bytes as JSON. Flyte's strings are UTF-8 (protobuf enforces it on
// every string field) but msgpack strings are raw bytes: invalid UTF-8 is
// rejected here, where the input is named, instead of surfacing later as a
// nlohmann type_error when the value is printed or an outputs.pb the engine
// cannot parse. Throws Json::exception.
Json json_from_msgpack(const std::string& bytes) {
  Json json = Json::from_msgpack(bytes);
  (void)json.dump();  // strict: type_error 316 on invalid UTF-8 in any string or key
  return json;
}

// JSON as msgpack bytes exactly as flytekit writes a dict (msgpack-python's
// packb: the smallest int and length forms, every float as float64). Equal
// bytes matter beyond decoding: the engine's cache keys and flytekit's
// offload hash are computed over them. nlohmann's to_msgpack differs only in
// floats (it writes float32 when the value survives the narrowing).
void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_length(std::string& out, std::size_t n, std::uint8_t fix, std::size_t fix_limit,
                std::uint8_t tag8, std::uint8_t tag16, std::uint8_t tag32) {
  if (n < fix_limit) {
    out.push_back(static_cast<char>(fix | n));
  } else if (tag8 != 0 && n <= 0xff) {
    out.push_back(static_cast<char>(tag8));
    put_be(out, n, 1);
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(tag16));
    put_be(out, n, 2);
  } else {
    out.push_back(static_cast<char>(tag32));
    put_be(out, n, 4);
  }
}

void put_unsigned(std::string& out, std::uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
  } else if (v <= 0xff) {
    out.push_back('\xcc');
    put_be(out, v, 1);
  } else if (v <= 0xffff) {
    out.push_back('\xcd');
    put_be(out, v, 2);
  } else if (v <= 0xffffffffULL) {
    out.push_back('\xce');
    put_be(out, v, 4);
  } else {
    out.push_back('\xcf');
    put_be(out, v, 8);
  }
}

void put_msgpack(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      out.push_back('\xc0');
      return;
    case Json::value_t::boolean:
      out.push_back(j.get<bool>() ? '\xc3' : '\xc2');
      return;
    case Json::value_t::number_unsigned:
      put_unsigned(out, j.get<std::uint64_t>());
      return;
    case Json::value_t::number_integer: {
      const auto v = j.get<std::int64_t>();
      if (v >= 0) {
        put_unsigned(out, static_cast<std::uint64_t>(v));
      } else if (v >= -32) {
        out.push_back(static_cast<char>(v));
      } else if (v >= INT8_MIN) {
        out.push_back('\xd0');
        put_be(out, static_cast<std::uint64_t>(v), 1);
      } else if (v >= INT16_MIN) {
        out.push_back('\xd1');
        put_be(out, static_cast<std::uint64_t>(v), 2);
      } else if (v >= INT32_MIN) {
        out.push_back('\xd2');
        put_be(out, static_cast<std::uint64_t>(v), 4);
      } else {
        out.push_back('\xd3');
        put_be(out, static_cast<std::uint64_t>(v), 8);
      }
      return;
    }
    case Json::value_t::number_float: {
      const double d = j.get<double>();
      std::uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      out.push_back('\xcb');
      put_be(out, bits, 8);
      return;
    }
    case Json::value_t::string: {
      const auto& str = j.get_ref<const std::string&>();
      put_length(out, str.size(), 0xa0, 32, 0xd9, 0xda, 0xdb);
      out += str;
      return;
    }
    case Json::value_t::binary: {
      const auto& bin = j.get_binary();
      put_length(out, bin.size(), 0, 0, 0xc4, 0xc5, 0xc6);
      out.append(bin.begin(), bin.end());
      return;
    }
    case Json::value_t::array:
      put_length(out, j.size(), 0x90, 16, 0, 0xdc, 0xdd);
      for (const auto& e : j) put_msgpack(out, e);
      return;
    case Json::value_t::object:
      put_length(out, j.size(), 0x80, 16, 0, 0xde, 0xdf);
      for (const auto& [k, v] : j.items()) {
        put_length(out, k.size(), 0xa0, 32, 0xd9, 0xda, 0xdb);
        out += k;
        put_msgpack(out, v);
      }
      return;
    case Json::value_t::discarded:
      break;
  }
  throw std::invalid_argument("a discarded JSON value has no msgpack form");
}

[[noreturn]] void fail_encode(const Where& where, const fc::LiteralType& type,
                              const std::string& found, const std::string& detail = "") {
  throw ModelError("cannot encode " + where.describe() + ": expected " +
                   flyte_type_to_string(type) + ", found " + found +
                   (detail.empty() ? "" : ": " + detail));
}

// Flyte strings travel in proto3 `string` fields, which protobuf refuses to
// parse unless they are UTF-8: an outputs.pb holding invalid bytes would be
// written fine and then fail in the engine with no hint of which output.
// Refused here instead, naming the value and the first bad byte.
void require_utf8(const Where& where, const fc::LiteralType& type, const std::string& text,
                  std::string_view what) {
  const std::size_t valid = utf8::valid_prefix(text);
  if (valid == text.size()) return;
  fail_encode(where, type, fmt::format("{} that is not valid UTF-8", what),
              fmt::format("byte {} of {} (0x{:02x}) starts no UTF-8 character; Flyte strings "
                          "must be UTF-8: send raw bytes as a binary value instead",
                          valid, text.size(), static_cast<unsigned char>(text[valid])));
}

// A variant's failure without the prefix the union's own message already has.
std::string variant_reason(const ModelError& e, const std::string& prefix) {
  std::string_view text = e.what();
  if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  return std::string(text);
}

void add_reason(std::string& reasons, const std::string& reason) {
  if (!reasons.empty()) reasons += "; ";
  reasons += reason;
}

std::string value_kind(const Value& value) {
  return std::string(value.type_name()) + " value";
}

std::string primitive_kind(const fc::Primitive& primitive) {
  switch (primitive.value_case()) {
    case fc::Primitive::kInteger:
      return "integer";
    case fc::Primitive::kFloatValue:
      return "float_value";
    case fc::Primitive::kStringValue:
      return "string_value";
    case fc::Primitive::kBoolean:
      return "boolean";
    case fc::Primitive::kDatetime:
      return "datetime";
    case fc::Primitive::kDuration:
      return "duration";
    case fc::Primitive::VALUE_NOT_SET:
      break;
  }
  return "(no value)";
}

// ---- google.protobuf.Struct <-> JSON ------------------------------------------------------

Json struct_value_to_json(const pb::Value& value) {
  switch (value.kind_case()) {
    case pb::Value::kNumberValue: {
      // Struct has only doubles; whole numbers come back as JSON integers, as
      // they do in Python (json_format prints 1.0 as 1).
      const double d = value.number_value();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) {
        return static_cast<std::int64_t>(d);
      }
      return d;
    }
    case pb::Value::kStringValue:
      return value.string_value();
    case pb::Value::kBoolValue:
      return value.bool_value();
    case pb::Value::kStructValue: {
      Json object = Json::object();
      for (const auto& [key, field] : value.struct_value().fields()) {
        object[key] = struct_value_to_json(field);
      }
      return object;
    }
    case pb::Value::kListValue: {
      Json array = Json::array();
      for (const auto& item : value.list_value().values())
        array.push_back(struct_value_to_json(item));
      return array;
    }
    case pb::Value::kNullValue:
    case pb::Value::KIND_NOT_SET:
      break;
  }
  return nullptr;
}

Json struct_to_json(const pb::Struct& message) {
  Json object = Json::object();
  for (const auto& [key, field] : message.fields()) object[key] = struct_value_to_json(field);
  return object;
}

void json_to_struct_value(const Json& json, pb::Value* out) {
  switch (json.type()) {
    case Json::value_t::null:
      out->set_null_value(pb::NULL_VALUE);
      return;
    case Json::value_t::boolean:
      out->set_bool_value(json.get<bool>());
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      out->set_number_value(json.get<double>());
      return;
    case Json::value_t::string:
      out->set_string_value(json.get<std::string>());
      return;
    case Json::value_t::array:
      for (const Json& item : json)
        json_to_struct_value(item, out->mutable_list_value()->add_values());
      out->mutable_list_value();
      return;
    case Json::value_t::object: {
      auto* fields = out->mutable_struct_value()->mutable_fields();
      for (const auto& [key, item] : json.items()) json_to_struct_value(item, &(*fields)[key]);
      return;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  throw ModelError("JSON binary data cannot be stored in a google.protobuf.Struct");
}

// ---- decoding ---------------------------------------------------------------------------------

struct Decoder {
  const LiteralFetcher& fetch;

  Value decode(const fc::Literal& literal, const fc::LiteralType& type, const Where& where,
               bool strict) const {
    if (is_offloaded(literal)) return decode(fetch_offloaded(literal, where), type, where, strict);
    if (type.type_case() != fc::LiteralType::kUnionType && literal.has_scalar() &&
        literal.scalar().has_union_()) {
      // A union-wrapped value bound to a plain input: the wrapped literal is what counts.
      return decode(literal.scalar().union_().value(), type, where, strict);
    }
    if (literal.has_scalar() && literal.scalar().has_binary() &&
        literal.scalar().binary().tag() == MESSAGEPACK && !is_bytes_type(type)) {
      return decode_msgpack_value(literal, type, where);
    }
    switch (type.type_case()) {
      case fc::LiteralType::kSimple:
        return decode_simple(literal, type, where, strict);
      case fc::LiteralType::kBlob: {
        if (!literal.has_scalar() || !literal.scalar().has_blob()) {
          fail_decode(where, type, literal_kind(literal));
        }
        const fc::Blob& blob = literal.scalar().blob();
        const auto dimensionality = blob.metadata().type().dimensionality();
        if (dimensionality != type.blob().dimensionality()) {
          fail_decode(where, type, literal_kind(literal));
        }
        const std::string& format = blob.metadata().type().format();
        return Blob{blob.uri(), format.empty() ? type.blob().format() : format,
                    static_cast<BlobDimensionality>(dimensionality)};
      }
      case fc::LiteralType::kCollectionType: {
        if (!literal.has_collection()) fail_decode(where, type, literal_kind(literal));
        Value::List list;
        const auto& items = literal.collection().literals();
        list.reserve(items.size());
        for (int i = 0; i < items.size(); ++i) {
          list.push_back(decode(items[i], type.collection_type(),
                                where.at(static_cast<std::size_t>(i)), false));
        }
        return list;
      }
      case fc::LiteralType::kMapValueType: {
        if (!literal.has_map()) fail_decode(where, type, literal_kind(literal));
        // In key order, not protobuf's (per-instance, randomly seeded) hash
        // order: when several entries fail, the error names the same one on
        // every run, and on the wire path (literal_wire.hpp) too.
        const auto& entries = literal.map().literals();
        std::vector<const pb::Map<std::string, fc::Literal>::value_type*> sorted;
        sorted.reserve(entries.size());
        for (const auto& item : entries) sorted.push_back(&item);
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto* a, const auto* b) { return a->first < b->first; });
        Value::Map map;
        for (const auto* item : sorted) {
          map.emplace_hint(
              map.end(), item->first,
              decode(item->second, type.map_value_type(), where.at(item->first), false));
        }
        return map;
      }
      case fc::LiteralType::kUnionType:
        return decode_union(literal, type, where, strict);
      case fc::LiteralType::kStructuredDatasetType: {
        if (!literal.has_scalar() || !literal.scalar().has_structured_dataset()) {
          fail_decode(where, type, literal_kind(literal));
        }
        const fc::StructuredDataset& sd = literal.scalar().structured_dataset();
        const std::string& format = sd.metadata().structured_dataset_type().format();
        return StructuredDataset{sd.uri(),
                                 format.empty() ? type.structured_dataset_type().format() : format};
      }
      case fc::LiteralType::kEnumType: {
        if (!literal.has_scalar() || !literal.scalar().has_primitive() ||
            !literal.scalar().primitive().has_string_value()) {
          fail_decode(where, type, literal_kind(literal));
        }
        const std::string& text = literal.scalar().primitive().string_value();
        for (const auto& allowed : type.enum_type().values()) {
          if (allowed == text) return text;
        }
        fail_decode(where, type, "\"" + text + "\"", "not one of the enum's values");
      }
      case fc::LiteralType::kSchema:
      case fc::LiteralType::TYPE_NOT_SET:
        break;
    }
    throw ModelError("cannot decode " + where.describe() + ": type " + flyte_type_to_string(type) +
                     " is not supported");
  }

  // Binary and STRUCT types read the bytes themselves; everything else may
  // arrive as msgpack too: propeller resolves attribute access on a dataclass
  // or dict (`dc.xs`) to the attribute's msgpack bytes, and flytekit >= 1.14
  // reads them for any type.
  static bool is_bytes_type(const fc::LiteralType& type) {
    return type.type_case() == fc::LiteralType::kSimple &&
           (type.simple() == fc::BINARY || type.simple() == fc::STRUCT);
  }

  static Value decode_msgpack_value(const fc::Literal& literal, const fc::LiteralType& type,
                                    const Where& where) {
    Json json;
    try {
      json = json_from_msgpack(literal.scalar().binary().value());
    } catch (const Json::exception& e) {
      fail_decode(
          where, type, literal_kind(literal),
          std::string("the msgpack bytes do not hold a JSON-like value (") + e.what() + ")");
    }
    try {
      return value_from_json(json, type, where.path());
    } catch (const ModelError& e) {
      fail_decode(where, type, literal_kind(literal),
                  std::string("its msgpack content does not fit: ") + e.what());
    }
  }

  fc::Literal fetch_offloaded(const fc::Literal& literal, const Where& where) const {
    const auto& meta = literal.offloaded_metadata();
    const std::string where_text = where.describe() + " is offloaded to " + meta.uri() + " (" +
                                   std::to_string(meta.size_bytes()) + " bytes)";
    if (!fetch) {
      throw ModelError(where_text +
                       " and no fetch callback was given; decode it with a LiteralFetcher that "
                       "reads the literal at that URI");
    }
    if (meta.size_bytes() > kMaxOffloadedLiteralBytes) {
      throw ModelError(where_text + ": more than the " + std::to_string(kMaxOffloadedLiteralBytes) +
                       " bytes a literal can have; refusing to fetch it");
    }
    fc::Literal fetched;
    try {
      fetched = fetch(meta.uri());
    } catch (const std::exception& e) {
      throw ModelError(where_text + " and fetching it failed: " + e.what());
    }
    if (meta.size_bytes() > 0 && fetched.ByteSizeLong() > meta.size_bytes()) {
      throw ModelError(where_text + ", but the literal there is " +
                       std::to_string(fetched.ByteSizeLong()) +
                       " bytes, more than its declared size");
    }
    if (is_offloaded(fetched)) {
      throw ModelError(where_text + ", which holds another offloaded literal (" +
                       fetched.offloaded_metadata().uri() +
                       "); nested offloading is not supported");
    }
    return fetched;
  }

  Value decode_simple(const fc::Literal& literal, const fc::LiteralType& type, const Where& where,
                      bool strict) const {
    if (!literal.has_scalar()) fail_decode(where, type, literal_kind(literal));
    const fc::Scalar& scalar = literal.scalar();
    const fc::Primitive* primitive = scalar.has_primitive() ? &scalar.primitive() : nullptr;
    switch (type.simple()) {
      case fc::NONE:
        if (scalar.has_none_type()) return Value();
        break;
      case fc::INTEGER:
        if (primitive && primitive->has_integer()) return primitive->integer();
        break;
      case fc::FLOAT:
        if (primitive && primitive->has_float_value()) return primitive->float_value();
        // flytekit reads an integer literal as a float too (ints are valid floats in Python).
        if (!strict && primitive && primitive->has_integer()) {
          return static_cast<double>(primitive->integer());
        }
        break;
      case fc::STRING:
        if (primitive && primitive->has_string_value()) return primitive->string_value();
        break;
      case fc::BOOLEAN:
        if (primitive && primitive->has_boolean()) return primitive->boolean();
        break;
      case fc::DATETIME:
        if (primitive && primitive->has_datetime()) {
          try {
            return datetime_from_timestamp(primitive->datetime());
          } catch (const ModelError& e) {
            fail_decode(where, type, literal_kind(literal), e.what());
          }
        }
        break;
      case fc::DURATION:
        if (primitive && primitive->has_duration()) {
          try {
            return duration_from_proto(primitive->duration());
          } catch (const ModelError& e) {
            fail_decode(where, type, literal_kind(literal), e.what());
          }
        }
        break;
      case fc::BINARY:
        if (scalar.has_binary()) return Binary{scalar.binary().value(), scalar.binary().tag()};
        break;
      case fc::STRUCT:
        // dict and struct read both forms: msgpack binary (flytekit >= 1.14) and
        // generic Struct (older flytekit, the console, attribute access in propeller).
        if (scalar.has_binary()) {
          const fc::Binary& binary = scalar.binary();
          if (binary.tag() != MESSAGEPACK) {
            fail_decode(where, type, literal_kind(literal),
                        "only binary tagged \"msgpack\" can be read as a dict");
          }
          Json json;
          try {
            json = json_from_msgpack(binary.value());
          } catch (const Json::exception& e) {
            fail_decode(
                where, type, literal_kind(literal),
                std::string("the msgpack bytes do not hold a JSON-like value (") + e.what() + ")");
          }
          // A plain struct must be what a google.protobuf.Struct can hold (an
          // object, no binary), or the value could not be written back out.
          if (!is_msgpack_dict_type(type)) {
            if (!json.is_object()) {
              fail_decode(where, type, literal_kind(literal),
                          std::string("its msgpack content is a ") + json.type_name() +
                              ", not an object (a struct is a google.protobuf.Struct)");
            }
            try {
              pb::Value holder;
              json_to_struct_value(json, &holder);
            } catch (const ModelError& e) {
              fail_decode(where, type, literal_kind(literal),
                          std::string("its msgpack content does not fit: ") + e.what() +
                              "; declare the input as dict to keep binary values");
            }
          }
          return Value(std::move(json));
        }
        if (scalar.has_generic()) return Value(struct_to_json(scalar.generic()));
        break;
      case fc::ERROR:
      default:
        throw ModelError("cannot decode " + where.describe() + ": type " +
                         flyte_type_to_string(type) + " is not supported");
    }
    fail_decode(where, type, literal_kind(literal));
  }

  Value decode_union(const fc::Literal& literal, const fc::LiteralType& type, const Where& where,
                     bool strict) const {
    const auto& variants = type.union_type().variants();
    if (literal.has_scalar() && literal.scalar().has_union_()) {
      const fc::Union& u = literal.scalar().union_();
      const fc::LiteralType& stored = u.type();
      const std::string& tag = stored.structure().tag();
      // flytekit's tags name the transformer, not the full type (file and
      // file[csv] are both "FlyteFilePath"), so among the variants with the
      // tag the one of exactly the stored shape wins over a merely compatible one.
      const std::string stored_text = flyte_type_to_string(stored);
      int chosen = -1;
      for (bool exact : {true, false}) {
        for (int i = 0; i < variants.size() && chosen < 0 && !tag.empty(); ++i) {
          if (variants[i].structure().tag() != tag) continue;
          if (exact ? flyte_type_to_string(variants[i]) == stored_text
                    : types_compatible(variants[i], stored)) {
            chosen = i;
          }
        }
      }
      for (int i = 0; i < variants.size() && chosen < 0; ++i) {
        if (types_compatible(variants[i], stored)) chosen = i;
      }
      if (chosen >= 0) return decode(u.value(), variants[chosen], where, false);
      if (stored.type_case() != fc::LiteralType::TYPE_NOT_SET) {
        fail_decode(where, type,
                    "scalar.union holding " + flyte_type_to_string(stored) +
                        (tag.empty() ? "" : " (tag \"" + tag + "\")"),
                    "that type is none of the union's variants");
      }
      // No stored type: fall through and try the wrapped literal against each variant.
      return decode_union(u.value(), type, where, strict);
    }
    // A bare literal: the first variant that reads it exactly, then leniently.
    std::string reasons;
    for (bool strict_pass : {true, false}) {
      for (const auto& variant : variants) {
        try {
          return decode(literal, variant, where, strict_pass);
        } catch (const ModelError& e) {
          if (!strict_pass) {
            add_reason(reasons, variant_reason(e, "cannot decode " + where.describe() + ": "));
          }
        }
      }
    }
    fail_decode(where, type, literal_kind(literal), "no variant accepts it (" + reasons + ")");
  }
};

// ---- encoding ---------------------------------------------------------------------------------

fc::Literal encode(const Value& value, const fc::LiteralType& type, const Where& where,
                   bool strict);

fc::Literal encode_simple(const Value& value, const fc::LiteralType& type, const Where& where,
                          bool strict) {
  fc::Literal literal;
  fc::Scalar* scalar = literal.mutable_scalar();
  switch (type.simple()) {
    case fc::NONE:
      if (value.is_none()) {
        scalar->mutable_none_type();
        return literal;
      }
      break;
    case fc::INTEGER:
      if (value.is<std::int64_t>()) {
        scalar->mutable_primitive()->set_integer(value.as<std::int64_t>());
        return literal;
      }
      break;
    case fc::FLOAT:
      if (value.is<double>()) {
        scalar->mutable_primitive()->set_float_value(value.as<double>());
        return literal;
      }
      if (!strict && value.is<std::int64_t>()) {
        scalar->mutable_primitive()->set_float_value(static_cast<double>(value.as<std::int64_t>()));
        return literal;
      }
      break;
    case fc::STRING:
      if (value.is<std::string>()) {
        require_utf8(where, type, value.as<std::string>(), "a string");
        scalar->mutable_primitive()->set_string_value(value.as<std::string>());
        return literal;
      }
      break;
    case fc::BOOLEAN:
      if (value.is<bool>()) {
        scalar->mutable_primitive()->set_boolean(value.as<bool>());
        return literal;
      }
      break;
    case fc::DATETIME:
      if (value.is<Datetime>()) {
        *scalar->mutable_primitive()->mutable_datetime() = to_timestamp(value.as<Datetime>());
        return literal;
      }
      break;
    case fc::DURATION:
      if (value.is<Duration>()) {
        *scalar->mutable_primitive()->mutable_duration() = to_proto_duration(value.as<Duration>());
        return literal;
      }
      break;
    case fc::BINARY:
      if (value.is<Binary>()) {
        require_utf8(where, type, value.as<Binary>().tag, "a binary tag");
        scalar->mutable_binary()->set_value(value.as<Binary>().bytes);
        scalar->mutable_binary()->set_tag(value.as<Binary>().tag);
        return literal;
      }
      break;
    case fc::STRUCT:
      if (value.is<Json>()) {
        const Json& json = value.as<Json>();
        if (is_msgpack_dict_type(type)) {
          try {
            std::string bytes;
            put_msgpack(bytes, json);
            scalar->mutable_binary()->set_value(std::move(bytes));
          } catch (const std::exception& e) {
            fail_encode(where, type, value_kind(value), e.what());
          }
          scalar->mutable_binary()->set_tag(std::string(MESSAGEPACK));
          return literal;
        }
        if (!json.is_object()) {
          fail_encode(where, type, std::string("JSON ") + json.type_name(),
                      "a google.protobuf.Struct must be a JSON object");
        }
        pb::Value holder;
        try {
          json_to_struct_value(json, &holder);
        } catch (const ModelError& e) {
          fail_encode(where, type, value_kind(value), e.what());
        }
        *scalar->mutable_generic() = std::move(*holder.mutable_struct_value());
        return literal;
      }
      break;
    case fc::ERROR:
    default:
      throw ModelError("cannot encode " + where.describe() + ": type " +
                       flyte_type_to_string(type) + " is not supported");
  }
  fail_encode(where, type, value_kind(value));
}

fc::Literal encode_union(const Value& value, const fc::LiteralType& type, const Where& where) {
  std::string reasons;
  for (bool strict_pass : {true, false}) {
    for (const auto& variant : type.union_type().variants()) {
      try {
        fc::Literal inner = encode(value, variant, where, strict_pass);
        fc::Literal literal;
        fc::Union* u = literal.mutable_scalar()->mutable_union_();
        *u->mutable_value() = std::move(inner);
        *u->mutable_type() = variant;
        return literal;
      } catch (const ModelError& e) {
        if (!strict_pass) {
          add_reason(reasons, variant_reason(e, "cannot encode " + where.describe() + ": "));
        }
      }
    }
  }
  fail_encode(where, type, value_kind(value), "no variant accepts it (" + reasons + ")");
}

fc::Literal encode(const Value& value, const fc::LiteralType& type, const Where& where,
                   bool strict) {
  switch (type.type_case()) {
    case fc::LiteralType::kSimple:
      return encode_simple(value, type, where, strict);
    case fc::LiteralType::kBlob: {
      Blob blob;
      if (value.is<Blob>()) {
        blob = value.as<Blob>();
      } else if (!strict && value.is<std::string>()) {  // a bare path or URI
        blob.uri = value.as<std::string>();
        blob.dimensionality = static_cast<BlobDimensionality>(type.blob().dimensionality());
      } else {
        fail_encode(where, type, value_kind(value));
      }
      if (static_cast<int>(blob.dimensionality) != type.blob().dimensionality()) {
        fail_encode(where, type,
                    blob.dimensionality == BlobDimensionality::SINGLE ? "a single-file blob"
                                                                      : "a multipart blob");
      }
      require_utf8(where, type, blob.uri, "a blob uri");
      require_utf8(where, type, blob.format, "a blob format");
      fc::Literal literal;
      fc::Blob* out = literal.mutable_scalar()->mutable_blob();
      out->set_uri(blob.uri);
      fc::BlobType* blob_type = out->mutable_metadata()->mutable_type();
      blob_type->set_format(blob.format.empty() ? type.blob().format() : blob.format);
      blob_type->set_dimensionality(type.blob().dimensionality());
      return literal;
    }
    case fc::LiteralType::kCollectionType: {
      if (!value.is<Value::List>()) fail_encode(where, type, value_kind(value));
      fc::Literal literal;
      auto* items = literal.mutable_collection()->mutable_literals();
      const auto& list = value.as<Value::List>();
      items->Reserve(static_cast<int>(list.size()));
      for (std::size_t i = 0; i < list.size(); ++i) {
        *items->Add() =
            encode(list[i], type.collection_type(), where.at(static_cast<std::size_t>(i)), false);
      }
      return literal;
    }
    case fc::LiteralType::kMapValueType: {
      if (!value.is<Value::Map>()) fail_encode(where, type, value_kind(value));
      fc::Literal literal;
      auto* items = literal.mutable_map()->mutable_literals();
      for (const auto& [key, item] : value.as<Value::Map>()) {
        require_utf8(where, type, key, "a map key");
        (*items)[key] = encode(item, type.map_value_type(), where.at(key), false);
      }
      return literal;
    }
    case fc::LiteralType::kUnionType:
      return encode_union(value, type, where);
    case fc::LiteralType::kStructuredDatasetType: {
      if (!value.is<StructuredDataset>()) fail_encode(where, type, value_kind(value));
      const auto& sd = value.as<StructuredDataset>();
      require_utf8(where, type, sd.uri, "a structured dataset uri");
      require_utf8(where, type, sd.format, "a structured dataset format");
      fc::Literal literal;
      fc::StructuredDataset* out = literal.mutable_scalar()->mutable_structured_dataset();
      out->set_uri(sd.uri);
      fc::StructuredDatasetType* sd_type =
          out->mutable_metadata()->mutable_structured_dataset_type();
      *sd_type = type.structured_dataset_type();
      if (!sd.format.empty()) sd_type->set_format(sd.format);
      return literal;
    }
    case fc::LiteralType::kEnumType: {
      if (!value.is<std::string>()) fail_encode(where, type, value_kind(value));
      const auto& text = value.as<std::string>();
      for (const auto& allowed : type.enum_type().values()) {
        if (allowed == text) {
          fc::Literal literal;
          literal.mutable_scalar()->mutable_primitive()->set_string_value(text);
          return literal;
        }
      }
      fail_encode(where, type, "\"" + text + "\"", "not one of the enum's values");
    }
    case fc::LiteralType::kSchema:
    case fc::LiteralType::TYPE_NOT_SET:
      break;
  }
  throw ModelError("cannot encode " + where.describe() + ": type " + flyte_type_to_string(type) +
                   " is not supported");
}

std::string joined_names(const VariableTypes& types) {
  std::string out;
  for (const auto& [name, type] : types) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

bool is_offloaded(const fc::Literal& literal) {
  return literal.has_offloaded_metadata();
}

std::string literal_kind(const fc::Literal& literal) {
  switch (literal.value_case()) {
    case fc::Literal::kScalar: {
      const fc::Scalar& scalar = literal.scalar();
      switch (scalar.value_case()) {
        case fc::Scalar::kPrimitive:
          return "scalar.primitive." + primitive_kind(scalar.primitive());
        case fc::Scalar::kBlob:
          return std::string("scalar.blob (") +
                 (scalar.blob().metadata().type().dimensionality() == fc::BlobType::MULTIPART
                      ? "multipart"
                      : "single") +
                 ")";
        case fc::Scalar::kBinary:
          return "scalar.binary (tag \"" + scalar.binary().tag() + "\")";
        case fc::Scalar::kSchema:
          return "scalar.schema";
        case fc::Scalar::kNoneType:
          return "scalar.none_type";
        case fc::Scalar::kError:
          return "scalar.error";
        case fc::Scalar::kGeneric:
          return "scalar.generic";
        case fc::Scalar::kStructuredDataset:
          return "scalar.structured_dataset";
        case fc::Scalar::kUnion:
          return "scalar.union";
        case fc::Scalar::VALUE_NOT_SET:
          break;
      }
      return "scalar with no value";
    }
    case fc::Literal::kCollection:
      return "collection";
    case fc::Literal::kMap:
      return "map";
    case fc::Literal::kOffloadedMetadata:
      return "offloaded_metadata";
    case fc::Literal::VALUE_NOT_SET:
      break;
  }
  return "empty literal";
}

fc::Literal to_literal(const Value& value, const fc::LiteralType& type, std::string_view name,
                       std::string_view role) {
  return encode(value, type, Where{role, name}, false);
}

Value from_literal(const fc::Literal& literal, const fc::LiteralType& type, std::string_view name,
                   std::string_view role, const LiteralFetcher& fetch) {
  return Decoder{fetch}.decode(literal, type, Where{role, name}, false);
}

fc::LiteralMap to_literal_map(const ValueMap& values, const VariableTypes& types,
                              std::string_view role) {
  fc::LiteralMap out;
  auto* literals = out.mutable_literals();
  for (const auto& [name, type] : types) {
    const auto found = values.find(name);
    if (found == values.end()) {
      throw ModelError(std::string(role) + " '" + name + "' (" + flyte_type_to_string(type) +
                       ") has no value; set every declared " + std::string(role) + " (" +
                       joined_names(types) + ")");
    }
    (*literals)[name] = to_literal(found->second, type, name, role);
  }
  for (const auto& [name, value] : values) {
    if (literals->find(name) == literals->end()) {
      throw ModelError(std::string(role) + " '" + name +
                       "' is not declared by the task interface (" + std::string(role) +
                       "s: " + joined_names(types) + ")");
    }
  }
  return out;
}

ValueMap from_literal_map(const fc::LiteralMap& literals, const VariableTypes& types,
                          const LiteralFetcher& fetch, std::string_view role) {
  ValueMap out;
  const auto& map = literals.literals();
  for (const auto& [name, type] : types) {
    const auto found = map.find(name);
    if (found == map.end()) {
      throw ModelError(std::string(role) + " '" + name + "' (" + flyte_type_to_string(type) +
                       ") is missing from the literal map; the task interface declares " +
                       joined_names(types));
    }
    out.emplace(name, from_literal(found->second, type, name, role, fetch));
  }
  // The first undeclared name in key order: protobuf's map order is randomly
  // seeded per instance, and the message must not change between runs.
  const std::string* undeclared = nullptr;
  for (const auto& [name, literal] : map) {
    if (out.find(name) == out.end() && (!undeclared || name < *undeclared)) undeclared = &name;
  }
  if (undeclared) {
    throw ModelError("the literal map holds " + std::string(role) + " '" + *undeclared +
                     "', which the task interface does not declare (" + std::string(role) +
                     "s: " + joined_names(types) + ")");
  }
  return out;
}

}  // namespace flyte
