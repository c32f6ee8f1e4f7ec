#include "flyte/model/pbhash.hpp"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "flyte/model/model_error.hpp"

namespace flyte {
namespace {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;

// ---- Python's json.dumps pieces ---------------------------------------------------------------

void append_u_escape(std::string& out, unsigned unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 0xF];
}

// json.dumps(ensure_ascii=True): everything outside ' '..'~' is \uXXXX except
// the five short escapes; code points above the BMP become surrogate pairs.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            append_u_escape(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      continue;
    }
    // Protobuf strings are UTF-8; a malformed byte becomes U+FFFD, as
    // Python's decode(errors="replace") would have it.
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    std::uint32_t code = length == 4 ? c & 0x07 : length == 3 ? c & 0x0F : c & 0x1F;
    bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
    for (int k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    if (!valid) {
      append_u_escape(out, 0xFFFD);
      ++i;
      continue;
    }
    i += static_cast<std::size_t>(length);
    if (code >= 0x10000) {
      code -= 0x10000;
      append_u_escape(out, 0xD800 + (code >> 10));
      append_u_escape(out, 0xDC00 + (code & 0x3FF));
    } else {
      append_u_escape(out, code);
    }
  }
  return out + "\"";
}

// Python's float.__repr__: the shortest digits that round-trip, in fixed
// notation when the decimal point falls in -4 < decpt <= 16, else exponent
// notation with at least two exponent digits; always a '.' or an 'e'.
std::string python_float_repr(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::scientific);
  std::string text(buffer.data(), result.ptr);
  std::string out;
  if (!text.empty() && text[0] == '-') {
    out = "-";
    text.erase(0, 1);
  }
  const std::size_t e_pos = text.find('e');
  std::string digits = text.substr(0, e_pos);
  if (digits.size() > 1 && digits[1] == '.') digits.erase(1, 1);
  const int exponent = std::atoi(text.c_str() + e_pos + 1);
  const int decpt = exponent + 1;
  const int n = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    const int magnitude = exponent < 0 ? -exponent : exponent;
    out += fmt::format("{}{}{}e{}{:02d}", digits[0], n > 1 ? "." : "",
                       std::string_view(digits).substr(1), exponent < 0 ? '-' : '+', magnitude);
  } else if (decpt <= 0) {
    out += fmt::format("0.{}{}", std::string(static_cast<std::size_t>(-decpt), '0'), digits);
  } else if (decpt >= n) {
    out += fmt::format("{}{}.0", digits, std::string(static_cast<std::size_t>(decpt - n), '0'));
  } else {
    const std::string_view view(digits);
    out += fmt::format("{}.{}", view.substr(0, static_cast<std::size_t>(decpt)),
                       view.substr(static_cast<std::size_t>(decpt)));
  }
  return out;
}

std::string json_object(const std::map<std::string, std::string>& members) {
  // std::map orders std::string keys bytewise (unsigned), which for UTF-8 is
  // code point order: json.dumps(sort_keys=True).
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : members) {
    if (!first) out += ',';
    first = false;
    out += json_string(key);
    out += ':';
    out += value;
  }
  return out + "}";
}

std::string base64_impl(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                            static_cast<std::uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// ---- protobuf's Python MessageToDict ----------------------------------------------------------

std::string fraction_digits(std::int64_t nanos) {
  // 0, 3, 6 or 9 digits, as well_known_types.Timestamp/Duration.ToJsonString.
  if (nanos % 1000000000 == 0) return "";
  if (nanos % 1000000 == 0) return fmt::format(".{:03d}", nanos / 1000000);
  if (nanos % 1000 == 0) return fmt::format(".{:06d}", nanos / 1000);
  return fmt::format(".{:09d}", nanos);
}

std::string timestamp_json(std::int64_t seconds, std::int64_t nanos) {
  std::int64_t secs_of_day = seconds % 86400;
  std::int64_t days = seconds / 86400;
  if (secs_of_day < 0) {
    secs_of_day += 86400;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("\"{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}Z\"", year, month, day,
                     secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60,
                     fraction_digits(nanos));
}

std::string duration_json(std::int64_t seconds, std::int64_t nanos) {
  const bool negative = seconds < 0 || nanos < 0;
  if (negative) {
    seconds = -seconds;
    nanos = -nanos;
  }
  seconds += nanos / 1000000000;
  nanos %= 1000000000;
  return fmt::format("\"{}{}{}s\"", negative ? "-" : "", seconds, fraction_digits(nanos));
}

std::string message_json(const pb::Message& message);

std::string value_json(const pb::Message& value);

std::string struct_json(const pb::Message& message) {
  const pb::Descriptor* descriptor = message.GetDescriptor();
  const pb::Reflection* reflection = message.GetReflection();
  const FD* fields = descriptor->FindFieldByName("fields");
  std::map<std::string, std::string> members;
  for (int i = 0; i < reflection->FieldSize(message, fields); ++i) {
    const pb::Message& entry = reflection->GetRepeatedMessage(message, fields, i);
    const pb::Reflection* entry_reflection = entry.GetReflection();
    const pb::Descriptor* entry_descriptor = entry.GetDescriptor();
    members[entry_reflection->GetString(entry, entry_descriptor->FindFieldByName("key"))] =
        value_json(entry_reflection->GetMessage(entry, entry_descriptor->FindFieldByName("value")));
  }
  return json_object(members);
}

std::string list_value_json(const pb::Message& message) {
  const pb::Reflection* reflection = message.GetReflection();
  const FD* values = message.GetDescriptor()->FindFieldByName("values");
  std::string out = "[";
  for (int i = 0; i < reflection->FieldSize(message, values); ++i) {
    if (i > 0) out += ',';
    out += value_json(reflection->GetRepeatedMessage(message, values, i));
  }
  return out + "]";
}

std::string value_json(const pb::Message& value) {
  const pb::Reflection* reflection = value.GetReflection();
  const pb::OneofDescriptor* kind = value.GetDescriptor()->FindOneofByName("kind");
  const FD* which = reflection->GetOneofFieldDescriptor(value, kind);
  if (which == nullptr || which->name() == "null_value") return "null";
  if (which->name() == "number_value") {
    const double number = reflection->GetDouble(value, which);
    if (std::isinf(number) || std::isnan(number)) {
      // MessageToDict raises, and so does flytekit's compute_hash.
      throw ModelError("cannot hash the literal as flytekit does: a google.protobuf.Value holds " +
                       std::string(std::isnan(number) ? "NaN" : "an infinite number") +
                       ", which protobuf's JSON form cannot express");
    }
    return python_float_repr(number);
  }
  if (which->name() == "string_value") return json_string(reflection->GetString(value, which));
  if (which->name() == "bool_value") return reflection->GetBool(value, which) ? "true" : "false";
  if (which->name() == "struct_value") return struct_json(reflection->GetMessage(value, which));
  return list_value_json(reflection->GetMessage(value, which));
}

std::string float_json(double value, bool single) {
  if (std::isnan(value)) return "\"NaN\"";
  if (std::isinf(value)) return value < 0 ? "\"-Infinity\"" : "\"Infinity\"";
  if (single) {
    // type_checkers.ToShortestFloat: the shortest decimal that is the same float32.
    std::array<char, 64> buffer{};
    const auto result =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), static_cast<float>(value));
    value = std::strtod(std::string(buffer.data(), result.ptr).c_str(), nullptr);
  }
  return python_float_repr(value);
}

std::string scalar_json(const pb::Message& message, const FD* field, int index) {
  const pb::Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FD::CPPTYPE_INT32:
      return std::to_string(repeated ? r->GetRepeatedInt32(message, field, index)
                                     : r->GetInt32(message, field));
    case FD::CPPTYPE_UINT32:
      return std::to_string(repeated ? r->GetRepeatedUInt32(message, field, index)
                                     : r->GetUInt32(message, field));
    case FD::CPPTYPE_INT64:
      return "\"" +
             std::to_string(repeated ? r->GetRepeatedInt64(message, field, index)
                                     : r->GetInt64(message, field)) +
             "\"";
    case FD::CPPTYPE_UINT64:
      return "\"" +
             std::to_string(repeated ? r->GetRepeatedUInt64(message, field, index)
                                     : r->GetUInt64(message, field)) +
             "\"";
    case FD::CPPTYPE_DOUBLE:
      return float_json(
          repeated ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field),
          false);
    case FD::CPPTYPE_FLOAT:
      return float_json(
          repeated ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field),
          true);
    case FD::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case FD::CPPTYPE_ENUM: {
      const int number = repeated ? r->GetRepeatedEnumValue(message, field, index)
                                  : r->GetEnumValue(message, field);
      if (field->enum_type()->full_name() == "google.protobuf.NullValue") return "null";
      const pb::EnumValueDescriptor* known = field->enum_type()->FindValueByNumber(number);
      return known != nullptr ? json_string(known->name()) : std::to_string(number);
    }
    case FD::CPPTYPE_STRING: {
      const std::string text =
          repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
      return json_string(field->type() == FD::TYPE_BYTES ? base64_impl(text) : text);
    }
    case FD::CPPTYPE_MESSAGE:
      return message_json(repeated ? r->GetRepeatedMessage(message, field, index)
                                   : r->GetMessage(message, field));
  }
  return "null";
}

std::string map_key_text(const pb::Message& entry, const FD* key) {
  const pb::Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FD::CPPTYPE_BOOL:
      return r->GetBool(entry, key) ? "true" : "false";
    case FD::CPPTYPE_STRING:
      return r->GetString(entry, key);
    case FD::CPPTYPE_INT32:
      return std::to_string(r->GetInt32(entry, key));
    case FD::CPPTYPE_UINT32:
      return std::to_string(r->GetUInt32(entry, key));
    case FD::CPPTYPE_INT64:
      return std::to_string(r->GetInt64(entry, key));
    case FD::CPPTYPE_UINT64:
      return std::to_string(r->GetUInt64(entry, key));
    default:
      return "";
  }
}

std::string message_json(const pb::Message& message) {
  const pb::Descriptor* descriptor = message.GetDescriptor();
  const std::string& name = descriptor->full_name();
  const pb::Reflection* r = message.GetReflection();
  if (name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration") {
    const std::int64_t seconds = r->GetInt64(message, descriptor->FindFieldByName("seconds"));
    const std::int64_t nanos = r->GetInt32(message, descriptor->FindFieldByName("nanos"));
    return name == "google.protobuf.Timestamp" ? timestamp_json(seconds, nanos)
                                               : duration_json(seconds, nanos);
  }
  if (name == "google.protobuf.Struct") return struct_json(message);
  if (name == "google.protobuf.Value") return value_json(message);
  if (name == "google.protobuf.ListValue") return list_value_json(message);
  if (descriptor->file()->name().rfind("google/protobuf/", 0) == 0 &&
      name != "google.protobuf.Empty") {
    throw ModelError("cannot hash a " + name +
                     " as flytekit does: no flyteidl literal holds one, so its JSON form is not "
                     "implemented");
  }
  std::vector<const FD*> fields;
  r->ListFields(message, &fields);
  std::map<std::string, std::string> members;
  for (const FD* field : fields) {
    std::string text;
    if (field->is_map()) {
      const FD* key = field->message_type()->FindFieldByName("key");
      const FD* value = field->message_type()->FindFieldByName("value");
      std::map<std::string, std::string> entries;
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        const pb::Message& entry = r->GetRepeatedMessage(message, field, i);
        entries[map_key_text(entry, key)] = scalar_json(entry, value, 0);
      }
      text = json_object(entries);
    } else if (field->is_repeated()) {
      text = "[";
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        if (i > 0) text += ',';
        text += scalar_json(message, field, i);
      }
      text += "]";
    } else {
      text = scalar_json(message, field, 0);
    }
    members[field->is_extension() ? "[" + field->full_name() + "]" : field->json_name()] =
        std::move(text);
  }
  return json_object(members);
}

// ---- SHA-256 (FIPS 180-4) ---------------------------------------------------------------------

constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

void sha256_block(std::array<std::uint32_t, 8>& state, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (int t = 0; t < 16; ++t) {
    w[t] = (std::uint32_t{block[4 * t]} << 24) | (std::uint32_t{block[4 * t + 1]} << 16) |
           (std::uint32_t{block[4 * t + 2]} << 8) | std::uint32_t{block[4 * t + 3]};
  }
  for (int t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::array<std::uint32_t, 8> v = state;
  for (int t = 0; t < 64; ++t) {
    const std::uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
    const std::uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    const std::uint32_t t1 = v[7] + s1 + ch + kRoundConstants[t] + w[t];
    const std::uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
    const std::uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    const std::uint32_t t2 = s0 + maj;
    v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
  }
  for (int i = 0; i < 8; ++i) state[i] += v[i];
}

}  // namespace

std::string proto_hash_json(const google::protobuf::Message& message) {
  return message_json(message);
}

std::string sha256(std::string_view bytes) {
  std::array<std::uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t full = bytes.size() / 64 * 64;
  for (std::size_t i = 0; i < full; i += 64) sha256_block(state, data + i);
  std::array<unsigned char, 128> tail{};
  const std::size_t rest = bytes.size() - full;
  std::copy(data + full, data + bytes.size(), tail.begin());
  tail[rest] = 0x80;
  const std::size_t tail_size = rest + 9 <= 64 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(bytes.size()) * 8;
  for (int i = 0; i < 8; ++i) {
    tail[tail_size - 1 - static_cast<std::size_t>(i)] = static_cast<unsigned char>(bits >> (8 * i));
  }
  for (std::size_t i = 0; i < tail_size; i += 64) sha256_block(state, tail.data() + i);
  std::string digest(32, '\0');
  for (int i = 0; i < 8; ++i) {
    for (int k = 0; k < 4; ++k) {
      digest[static_cast<std::size_t>(4 * i + k)] = static_cast<char>(state[i] >> (24 - 8 * k));
    }
  }
  return digest;
}

std::string base64_encode(std::string_view bytes) {
  return base64_impl(bytes);
}

std::string compute_hash_string(const google::protobuf::Message& message) {
  return base64_impl(sha256(proto_hash_json(message)));
}

}  // namespace flyte
