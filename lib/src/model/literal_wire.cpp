#include "flyte/model/literal_wire.hpp"

#include "model/utf8.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/parse_context.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

namespace flyte {

namespace fc = flyteidl::core;
namespace pb = google::protobuf;
using pb::internal::WireFormatLite;
using pb::io::CodedOutputStream;

namespace {

// ---- wire constants (field numbers from flyteidl/core/literals.proto, via the generated code) --

constexpr std::uint8_t tag_of(int field, WireFormatLite::WireType type) {
  return static_cast<std::uint8_t>(WireFormatLite::MakeTag(field, type));
}
constexpr auto LEN = WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
constexpr auto VARINT = WireFormatLite::WIRETYPE_VARINT;
constexpr auto FIXED64 = WireFormatLite::WIRETYPE_FIXED64;

// Every field on the fast path has a number below 16, so its tag is one byte.
constexpr std::uint8_t LITERAL_MAP_ENTRY = tag_of(fc::LiteralMap::kLiteralsFieldNumber, LEN);
constexpr std::uint8_t MAP_ENTRY_KEY = tag_of(1, LEN);    // protobuf map entries: key = 1
constexpr std::uint8_t MAP_ENTRY_VALUE = tag_of(2, LEN);  // value = 2
constexpr std::uint8_t LITERAL_SCALAR = tag_of(fc::Literal::kScalarFieldNumber, LEN);
constexpr std::uint8_t LITERAL_COLLECTION = tag_of(fc::Literal::kCollectionFieldNumber, LEN);
constexpr std::uint8_t LITERAL_MAP = tag_of(fc::Literal::kMapFieldNumber, LEN);
constexpr std::uint8_t LITERAL_METADATA = tag_of(fc::Literal::kMetadataFieldNumber, LEN);
constexpr std::uint8_t COLLECTION_LITERAL =
    tag_of(fc::LiteralCollection::kLiteralsFieldNumber, LEN);
constexpr std::uint8_t SCALAR_PRIMITIVE = tag_of(fc::Scalar::kPrimitiveFieldNumber, LEN);
constexpr std::uint8_t PRIMITIVE_INTEGER = tag_of(fc::Primitive::kIntegerFieldNumber, VARINT);
constexpr std::uint8_t PRIMITIVE_FLOAT = tag_of(fc::Primitive::kFloatValueFieldNumber, FIXED64);
constexpr std::uint8_t PRIMITIVE_STRING = tag_of(fc::Primitive::kStringValueFieldNumber, LEN);
constexpr std::uint8_t PRIMITIVE_BOOLEAN = tag_of(fc::Primitive::kBooleanFieldNumber, VARINT);

// protobuf's default recursion limit (io::CodedInputStream::GetDefaultRecursionLimit()):
// every nested message costs one level, map entries included.
constexpr int RECURSION_LIMIT = 100;
// Deeper than this, literals are handed to protobuf with the remaining budget,
// so that protobuf alone decides where nesting becomes an error.
constexpr int FAST_PATH_MAX_DEPTH = 64;

// Bytes protobuf's varint readers may look at beyond a value's end.
constexpr std::ptrdiff_t SLOP = 16;

// Restart the whole decode or encode on the message path, which then gives
// the result or the exact error. Not an error itself: never escapes this file.
struct UseMessagePath {};

// protobuf reads no message over 2 GiB (its sizes are ints): a literal or an
// outputs.pb above that would be written and then be unreadable by anyone.
constexpr std::size_t MAX_MESSAGE_SIZE = static_cast<std::size_t>(INT_MAX);
constexpr std::string_view TOO_LARGE_MARKER = "2 GiB limit";
constexpr std::string_view TOO_LARGE_HINT =
    "Return large data as a file or directory output (a blob the engine passes by reference); "
    "offloading does not help, an offloaded literal is one message too.";

// A literal measured over MAX_MESSAGE_SIZE, before anything was allocated.
struct LiteralTooLarge {
  std::size_t size;
};

ModelError too_large(std::string_view role, std::string_view name, std::size_t size) {
  return ModelError(fmt::format(
      "cannot encode {} '{}': it is {} bytes serialized, over protobuf's {} for one message, "
      "so nothing could read it back. {}",
      role, name, size, TOO_LARGE_MARKER, TOO_LARGE_HINT));
}

// A half-open byte range inside the input.
struct Span {
  const char* begin;
  const char* end;
  std::size_t size() const { return static_cast<std::size_t>(end - begin); }
};

// Runs one of protobuf's parse primitives (which may read a few bytes past
// the value, as protobuf's own parser may inside its slop region) safely near
// the end of the input: the tail is copied into a zero-padded buffer. Returns
// nullptr when the value is malformed or runs past `end`.
template <typename Parse>
const char* parse_bounded(const char* p, const char* end, Parse parse) {
  if (end - p >= SLOP) return parse(p);
  char buffer[2 * SLOP] = {};
  std::memcpy(buffer, p, static_cast<std::size_t>(end - p));
  const char* q = parse(buffer);
  if (!q || q - buffer > end - p) return nullptr;
  return p + (q - buffer);
}

// A length prefix and the span it announces, as protobuf's parser reads it
// (at most 5 bytes, below 2^31). Throws UseMessagePath on anything else.
Span read_length_delimited(const char*& p, const char* end) {
  std::int32_t size = 0;
  p = parse_bounded(p, end, [&](const char* q) {
    size = static_cast<std::int32_t>(pb::internal::ReadSize(&q));
    return q;
  });
  if (!p || size < 0 || size > end - p) throw UseMessagePath{};
  Span span{p, p + size};
  p = span.end;
  return span;
}

std::uint64_t read_varint(const char*& p, const char* end) {
  std::uint64_t value = 0;
  p = parse_bounded(p, end, [&](const char* q) { return pb::internal::VarintParse(q, &value); });
  if (!p) throw UseMessagePath{};
  return value;
}

// The one field a canonical message holds: `tag` then its length-delimited
// body, filling the span exactly. False for anything else (other or repeated
// fields), which the caller then leaves to protobuf.
bool only_field(Span span, std::uint8_t tag, Span& body) {
  const char* p = span.begin;
  if (p == span.end || static_cast<std::uint8_t>(*p) != tag) return false;
  ++p;
  body = read_length_delimited(p, span.end);
  return p == span.end;
}

bool is_fast_type(const fc::LiteralType& type) {
  switch (type.type_case()) {
    case fc::LiteralType::kSimple:
      switch (type.simple()) {
        case fc::INTEGER:
        case fc::FLOAT:
        case fc::STRING:
        case fc::BOOLEAN:
          return true;
        default:
          return false;
      }
    case fc::LiteralType::kCollectionType:
    case fc::LiteralType::kMapValueType:
      return true;
    default:
      return false;
  }
}

bool valid_utf8(Span span) {
  return utf8::is_valid(std::string_view(span.begin, span.size()));
}

bool valid_utf8(const std::string& text) {
  return utf8::is_valid(text);
}

// ---- decoding ---------------------------------------------------------------------------------

class WireDecoder {
 public:
  WireDecoder(const LiteralFetcher& fetch, std::string_view role) : fetch_(fetch), role_(role) {}

  // A Literal at nesting `depth` (messages entered to reach it).
  Value decode(Span literal, const fc::LiteralType& type, int depth) const {
    if (depth <= FAST_PATH_MAX_DEPTH && is_fast_type(type)) {
      Value out;
      if (decode_fast(literal, type, depth, out)) return out;
    }
    return decode_with_protobuf(literal, type, depth);
  }

  // A map entry (of a LiteralMap) holding exactly a valid UTF-8 key then a value.
  static bool map_entry(Span entry, Span& key, Span& value) {
    const char* p = entry.begin;
    if (p == entry.end || static_cast<std::uint8_t>(*p) != MAP_ENTRY_KEY) return false;
    ++p;
    key = read_length_delimited(p, entry.end);
    if (p == entry.end || static_cast<std::uint8_t>(*p) != MAP_ENTRY_VALUE) return false;
    ++p;
    value = read_length_delimited(p, entry.end);
    if (p != entry.end) return false;
    if (!valid_utf8(key)) throw UseMessagePath{};
    return true;
  }

 private:
  Value decode_with_protobuf(Span literal, const fc::LiteralType& type, int depth) const {
    fc::Literal message;
    pb::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(literal.begin),
                                static_cast<int>(literal.size()));
    in.SetRecursionLimit(RECURSION_LIMIT - depth);
    if (!message.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) throw UseMessagePath{};
    // Any error is rethrown by the message path with the value's full path.
    return from_literal(message, type, "value", role_, fetch_);
  }

  // False: not the canonical shape for `type`; the caller hands the literal to protobuf.
  bool decode_fast(Span literal, const fc::LiteralType& type, int depth, Value& out) const {
    Span body;
    switch (type.type_case()) {
      case fc::LiteralType::kSimple:
        return decode_primitive(literal, type.simple(), out);
      case fc::LiteralType::kCollectionType: {
        if (!only_field(literal, LITERAL_COLLECTION, body)) return false;
        const fc::LiteralType& item_type = type.collection_type();
        Value::List list;
        list.reserve(count_items(body));
        for (const char* p = body.begin; p != body.end;) {
          if (static_cast<std::uint8_t>(*p) != COLLECTION_LITERAL) return false;
          ++p;
          const Span item = read_length_delimited(p, body.end);
          list.push_back(decode(item, item_type, depth + 2));
        }
        out = std::move(list);
        return true;
      }
      case fc::LiteralType::kMapValueType: {
        if (!only_field(literal, LITERAL_MAP, body)) return false;
        const fc::LiteralType& item_type = type.map_value_type();
        Value::Map map;
        for (const char* p = body.begin; p != body.end;) {
          if (static_cast<std::uint8_t>(*p) != LITERAL_MAP_ENTRY) return false;
          ++p;
          Span key, item;
          if (!map_entry(read_length_delimited(p, body.end), key, item)) return false;
          map.insert_or_assign(map.end(), std::string(key.begin, key.size()),
                               decode(item, item_type, depth + 3));
        }
        out = std::move(map);
        return true;
      }
      default:
        return false;
    }
  }

  // A collection body's element count, to size the list once. Stops (and
  // under-counts) at anything unexpected; the decode loop deals with it.
  static std::size_t count_items(Span body) {
    std::size_t count = 0;
    for (const char* p = body.begin; p != body.end; ++count) {
      if (static_cast<std::uint8_t>(*p) != COLLECTION_LITERAL) break;
      ++p;
      std::int32_t size = 0;
      p = parse_bounded(p, body.end, [&](const char* q) {
        size = static_cast<std::int32_t>(pb::internal::ReadSize(&q));
        return q;
      });
      if (!p || size < 0 || size > body.end - p) break;
      p += size;
    }
    return count;
  }

  static bool decode_primitive(Span literal, fc::SimpleType simple, Value& out) {
    Span scalar, primitive;
    if (!only_field(literal, LITERAL_SCALAR, scalar)) return false;
    if (!only_field(scalar, SCALAR_PRIMITIVE, primitive)) return false;
    const char* p = primitive.begin;
    if (p == primitive.end) return false;
    const auto tag = static_cast<std::uint8_t>(*p++);
    switch (simple) {
      case fc::INTEGER:
        if (tag != PRIMITIVE_INTEGER) return false;
        out = static_cast<std::int64_t>(read_varint(p, primitive.end));
        break;
      case fc::FLOAT:
        if (tag == PRIMITIVE_FLOAT) {
          if (primitive.end - p < 8) throw UseMessagePath{};  // truncated
          out = pb::internal::UnalignedLoad<double>(p);
          p += 8;
        } else if (tag == PRIMITIVE_INTEGER) {
          // flytekit reads an integer literal as a float (the converter's leniency).
          out = static_cast<double>(static_cast<std::int64_t>(read_varint(p, primitive.end)));
        } else {
          return false;
        }
        break;
      case fc::STRING: {
        if (tag != PRIMITIVE_STRING) return false;
        const Span text = read_length_delimited(p, primitive.end);
        if (!valid_utf8(text)) throw UseMessagePath{};  // protobuf rejects the bytes
        out = std::string(text.begin, text.size());
        break;
      }
      case fc::BOOLEAN:
        if (tag != PRIMITIVE_BOOLEAN) return false;
        out = read_varint(p, primitive.end) != 0;
        break;
      default:
        return false;
    }
    return p == primitive.end;
  }

  const LiteralFetcher& fetch_;
  std::string_view role_;
};

ValueMap decode_with_messages(std::string_view bytes, const VariableTypes& types,
                              const LiteralFetcher& fetch, std::string_view role) {
  fc::LiteralMap literals;
  if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
      !literals.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw WireFormatError(fmt::format(
        "{} bytes are not a valid flyteidl.core.LiteralMap (truncated, not protobuf, invalid "
        "UTF-8 in a string, or nested too deeply)",
        bytes.size()));
  }
  return from_literal_map(literals, types, fetch, role);
}

const fc::LiteralType* declared_type(const VariableTypes& types, Span name) {
  const std::string_view key(name.begin, name.size());
  for (const auto& [declared, type] : types) {
    if (declared == key) return &type;
  }
  return nullptr;
}

ValueMap decode_fast_literal_map(std::string_view bytes, const VariableTypes& types,
                                 const WireDecoder& decoder) {
  ValueMap out;
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p != end) {
    if (static_cast<std::uint8_t>(*p) != LITERAL_MAP_ENTRY) throw UseMessagePath{};
    ++p;
    Span key, item;
    if (!WireDecoder::map_entry(read_length_delimited(p, end), key, item)) throw UseMessagePath{};
    const fc::LiteralType* type = declared_type(types, key);
    if (!type) throw UseMessagePath{};  // undeclared: the message path words it
    // LiteralMap(0) > entry(1) > Literal(2).
    out.insert_or_assign(std::string(key.begin, key.size()), decoder.decode(item, *type, 2));
  }
  if (out.size() != types.size()) throw UseMessagePath{};  // something is missing
  return out;
}

// ---- encoding ---------------------------------------------------------------------------------

// Two passes, as protobuf serializes: `measure` computes every message's size
// (remembering the sizes of containers and the bytes of values outside the
// fast path, in visiting order), `write` then fills an exactly sized buffer.
class WireEncoder {
 public:
  explicit WireEncoder(std::string_view role) : role_(role) {}

  // Size of the Literal for `value` as `type`.
  std::size_t measure(const Value& value, const fc::LiteralType& type, int depth) {
    if (depth > FAST_PATH_MAX_DEPTH || !is_fast_type(type)) return measure_fallback(value, type);
    switch (type.type_case()) {
      case fc::LiteralType::kSimple:
        if (const auto* text = std::get_if<std::string>(&value.storage())) {
          if (text->size() > MAX_MESSAGE_SIZE) throw LiteralTooLarge{text->size()};
          // Invalid UTF-8 is refused by the message path, which names the value.
          if (!valid_utf8(*text)) throw UseMessagePath{};
        }
        return primitive_literal_size(value, type.simple());
      case fc::LiteralType::kCollectionType: {
        const auto* list = std::get_if<Value::List>(&value.storage());
        if (!list) throw UseMessagePath{};
        const std::size_t slot = reserve_slot();
        std::size_t body = 0;
        for (const Value& item : *list) {
          body += length_delimited_size(measure(item, type.collection_type(), depth + 2));
        }
        sizes_[slot] = body;
        return length_delimited_size(body);
      }
      case fc::LiteralType::kMapValueType: {
        const auto* map = std::get_if<Value::Map>(&value.storage());
        if (!map) throw UseMessagePath{};
        const std::size_t slot = reserve_slot();
        std::size_t body = 0;
        for (const auto& [key, item] : *map) {
          if (!valid_utf8(key)) throw UseMessagePath{};
          body += length_delimited_size(
              length_delimited_size(key.size()) +
              length_delimited_size(measure(item, type.map_value_type(), depth + 3)));
        }
        sizes_[slot] = body;
        return length_delimited_size(body);
      }
      default:
        throw UseMessagePath{};  // unreachable: is_fast_type
    }
  }

  // Writes the Literal measured by the matching `measure` call.
  std::uint8_t* write(const Value& value, const fc::LiteralType& type, int depth,
                      std::uint8_t* target) {
    if (depth > FAST_PATH_MAX_DEPTH || !is_fast_type(type)) {
      const std::string& bytes = fallback_bytes_[next_fallback_++];
      return copy_raw(bytes, target);
    }
    switch (type.type_case()) {
      case fc::LiteralType::kSimple:
        return write_primitive_literal(value, type.simple(), target);
      case fc::LiteralType::kCollectionType: {
        target = write_header(LITERAL_COLLECTION, sizes_[next_size_++], target);
        for (const Value& item : std::get<Value::List>(value.storage())) {
          target =
              write_header(COLLECTION_LITERAL,
                           literal_size_again(item, type.collection_type(), depth + 2), target);
          target = write(item, type.collection_type(), depth + 2, target);
        }
        return target;
      }
      case fc::LiteralType::kMapValueType: {
        target = write_header(LITERAL_MAP, sizes_[next_size_++], target);
        for (const auto& [key, item] : std::get<Value::Map>(value.storage())) {
          const std::size_t item_size = literal_size_again(item, type.map_value_type(), depth + 3);
          target = write_header(
              LITERAL_MAP_ENTRY,
              length_delimited_size(key.size()) + length_delimited_size(item_size), target);
          target = write_bytes(MAP_ENTRY_KEY, key, target);
          target = write_header(MAP_ENTRY_VALUE, item_size, target);
          target = write(item, type.map_value_type(), depth + 3, target);
        }
        return target;
      }
      default:
        return target;
    }
  }

  static std::size_t length_delimited_size(std::size_t body) {
    return 1 + CodedOutputStream::VarintSize64(body) + body;
  }

  static std::uint8_t* write_header(std::uint8_t tag, std::size_t size, std::uint8_t* target) {
    *target++ = tag;
    return CodedOutputStream::WriteVarint64ToArray(size, target);
  }

  static std::uint8_t* write_bytes(std::uint8_t tag, std::string_view bytes, std::uint8_t* target) {
    target = write_header(tag, bytes.size(), target);
    return copy_raw(bytes, target);
  }

  // protobuf's WriteRawToArray takes an int size; ours are checked against
  // the 2 GiB message limit only after measuring, so copy on size_t.
  static std::uint8_t* copy_raw(std::string_view bytes, std::uint8_t* target) {
    std::memcpy(target, bytes.data(), bytes.size());
    return target + bytes.size();
  }

 private:
  std::size_t reserve_slot() {
    sizes_.push_back(0);
    return sizes_.size() - 1;
  }

  std::size_t measure_fallback(const Value& value, const fc::LiteralType& type) {
    // Errors are rethrown by the message path with the value's full path.
    fallback_bytes_.push_back(to_literal(value, type, "value", role_).SerializeAsString());
    return fallback_bytes_.back().size();
  }

  // The size `measure` found for an element, without measuring it again: a
  // primitive's is recomputed (cheap), a container's or fallback's is the
  // next one remembered.
  std::size_t literal_size_again(const Value& value, const fc::LiteralType& type, int depth) const {
    if (depth > FAST_PATH_MAX_DEPTH || !is_fast_type(type)) {
      return fallback_bytes_[next_fallback_].size();
    }
    if (type.type_case() == fc::LiteralType::kSimple) {
      return primitive_literal_size(value, type.simple());
    }
    return length_delimited_size(sizes_[next_size_]);
  }

  static std::size_t primitive_body_size(const Value& value, fc::SimpleType simple) {
    const auto& storage = value.storage();
    switch (simple) {
      case fc::INTEGER:
        if (const auto* v = std::get_if<std::int64_t>(&storage)) {
          return 1 + CodedOutputStream::VarintSize64(static_cast<std::uint64_t>(*v));
        }
        break;
      case fc::FLOAT:
        // strict = false: an integer is written as a float.
        if (std::holds_alternative<double>(storage) ||
            std::holds_alternative<std::int64_t>(storage)) {
          return 1 + 8;
        }
        break;
      case fc::STRING:
        if (const auto* v = std::get_if<std::string>(&storage)) {
          return length_delimited_size(v->size());
        }
        break;
      case fc::BOOLEAN:
        if (std::holds_alternative<bool>(storage)) return 1 + 1;
        break;
      default:
        break;
    }
    throw UseMessagePath{};  // a value that does not fit: the message path says how
  }

  static std::size_t primitive_literal_size(const Value& value, fc::SimpleType simple) {
    return length_delimited_size(length_delimited_size(primitive_body_size(value, simple)));
  }

  static std::uint8_t* write_primitive_literal(const Value& value, fc::SimpleType simple,
                                               std::uint8_t* target) {
    const std::size_t body = primitive_body_size(value, simple);
    target = write_header(LITERAL_SCALAR, length_delimited_size(body), target);
    target = write_header(SCALAR_PRIMITIVE, body, target);
    const auto& storage = value.storage();
    switch (simple) {
      case fc::INTEGER:
        *target++ = PRIMITIVE_INTEGER;
        return CodedOutputStream::WriteVarint64ToArray(
            static_cast<std::uint64_t>(std::get<std::int64_t>(storage)), target);
      case fc::FLOAT: {
        const double* d = std::get_if<double>(&storage);
        const double v = d ? *d : static_cast<double>(std::get<std::int64_t>(storage));
        *target++ = PRIMITIVE_FLOAT;
        return CodedOutputStream::WriteLittleEndian64ToArray(WireFormatLite::EncodeDouble(v),
                                                             target);
      }
      case fc::STRING:
        return write_bytes(PRIMITIVE_STRING, std::get<std::string>(storage), target);
      case fc::BOOLEAN:
        *target++ = PRIMITIVE_BOOLEAN;
        *target++ = std::get<bool>(storage) ? 1 : 0;
        return target;
      default:
        return target;
    }
  }

  std::string_view role_;
  std::vector<std::size_t> sizes_;
  std::vector<std::string> fallback_bytes_;
  std::size_t next_size_ = 0;
  std::size_t next_fallback_ = 0;
};

std::string encode_fast_literal(const Value& value, const fc::LiteralType& type,
                                std::string_view role) {
  WireEncoder encoder(role);
  // A top-level Literal sits at depth 2 in a LiteralMap, which is where outputs go.
  const std::size_t size = encoder.measure(value, type, 2);
  if (size > MAX_MESSAGE_SIZE) throw LiteralTooLarge{size};
  std::string out(size, '\0');
  auto* begin = reinterpret_cast<std::uint8_t*>(out.data());
  const std::uint8_t* end = encoder.write(value, type, 2, begin);
  if (end != begin + size) {
    // measure and write disagree: a bug here, never the caller's data.
    throw std::logic_error(
        fmt::format("literal_wire: wrote {} bytes of a literal measured at {}", end - begin, size));
  }
  return out;
}

}  // namespace

ValueMap decode_literal_map(std::string_view bytes, const VariableTypes& types,
                            const LiteralFetcher& fetch_once, std::string_view role) {
  // The message path may run after the fast path (to word an error): both
  // share what was fetched, so an offloaded literal (possibly hundreds of MB
  // on S3, fetched with retries) is downloaded once, and a failed fetch is
  // not retried.
  std::map<std::string, std::variant<fc::Literal, std::exception_ptr>, std::less<>> fetched;
  LiteralFetcher fetch;
  if (fetch_once) {
    fetch = [&fetched, &fetch_once](const std::string& uri) -> fc::Literal {
      auto found = fetched.find(uri);
      if (found == fetched.end()) {
        try {
          found = fetched.emplace(uri, fetch_once(uri)).first;
        } catch (...) {
          found = fetched.emplace(uri, std::current_exception()).first;
        }
      }
      if (const auto* error = std::get_if<std::exception_ptr>(&found->second)) {
        std::rethrow_exception(*error);
      }
      return std::get<fc::Literal>(found->second);
    };
  }
  if (bytes.size() > MAX_MESSAGE_SIZE) return decode_with_messages(bytes, types, fetch, role);
  try {
    return decode_fast_literal_map(bytes, types, WireDecoder(fetch, role));
  } catch (const UseMessagePath&) {
  } catch (const WireFormatError&) {
    throw;
  } catch (const ModelError&) {
    // The message path gives the error with the value's full path, or finds
    // the bytes malformed further on.
  }
  return decode_with_messages(bytes, types, fetch, role);
}

std::string encode_literal(const Value& value, const fc::LiteralType& type, std::string_view name,
                           std::string_view role) {
  try {
    return encode_fast_literal(value, type, role);
  } catch (const UseMessagePath&) {
  } catch (const LiteralTooLarge& e) {
    throw too_large(role, name, e.size);
  } catch (const ModelError&) {
  }
  return to_literal(value, type, name, role).SerializeAsString();
}

std::vector<EncodedLiteral> encode_literals(const ValueMap& values, const VariableTypes& types,
                                            std::string_view role) {
  std::vector<EncodedLiteral> out;
  try {
    if (values.size() != types.size()) throw UseMessagePath{};
    out.reserve(types.size());
    for (const auto& [name, type] : types) {
      const auto found = values.find(name);
      if (found == values.end()) throw UseMessagePath{};
      try {
        out.emplace_back(name, encode_fast_literal(found->second, type, role));
      } catch (const LiteralTooLarge& e) {
        throw too_large(role, name, e.size);
      }
    }
    return out;
  } catch (const UseMessagePath&) {
  } catch (const ModelError& e) {
    if (std::string_view(e.what()).find(TOO_LARGE_MARKER) != std::string_view::npos) throw;
  }
  // The message path throws the converter's error; should it accept the
  // values after all, its literals are the result.
  const fc::LiteralMap literals = to_literal_map(values, types, role);
  out.clear();
  for (const auto& [name, type] : types) {
    out.emplace_back(name, literals.literals().at(name).SerializeAsString());
  }
  return out;
}

std::string frame_literal_map(const std::vector<EncodedLiteral>& entries) {
  std::size_t size = 0;
  for (const auto& [name, literal] : entries) {
    size += WireEncoder::length_delimited_size(WireEncoder::length_delimited_size(name.size()) +
                                               WireEncoder::length_delimited_size(literal.size()));
  }
  if (size > MAX_MESSAGE_SIZE) {
    throw ModelError(fmt::format(
        "cannot encode the outputs: together they are {} bytes serialized, over protobuf's {} "
        "for one message, so the engine could not read outputs.pb. {}",
        size, TOO_LARGE_MARKER, TOO_LARGE_HINT));
  }
  std::string out(size, '\0');
  auto* target = reinterpret_cast<std::uint8_t*>(out.data());
  for (const auto& [name, literal] : entries) {
    target = WireEncoder::write_header(LITERAL_MAP_ENTRY,
                                       WireEncoder::length_delimited_size(name.size()) +
                                           WireEncoder::length_delimited_size(literal.size()),
                                       target);
    target = WireEncoder::write_bytes(MAP_ENTRY_KEY, name, target);
    target = WireEncoder::write_bytes(MAP_ENTRY_VALUE, literal, target);
  }
  return out;
}

std::string encode_literal_map(const ValueMap& values, const VariableTypes& types,
                               std::string_view role) {
  return frame_literal_map(encode_literals(values, types, role));
}

void append_literal_metadata(std::string& literal_bytes, std::string_view key,
                             std::string_view value) {
  // protobuf writes both fields of a map entry, even when empty.
  const std::size_t entry = WireEncoder::length_delimited_size(key.size()) +
                            WireEncoder::length_delimited_size(value.size());
  const std::size_t old_size = literal_bytes.size();
  literal_bytes.resize(old_size + WireEncoder::length_delimited_size(entry));
  auto* target = reinterpret_cast<std::uint8_t*>(literal_bytes.data() + old_size);
  target = WireEncoder::write_header(LITERAL_METADATA, entry, target);
  target = WireEncoder::write_bytes(MAP_ENTRY_KEY, key, target);
  WireEncoder::write_bytes(MAP_ENTRY_VALUE, value, target);
}

}  // namespace flyte
