#pragma once

/// The native value tree that task code reads and writes. A `Value` holds
/// exactly one of the kinds a Flyte literal can carry; `literal_converter.hpp`
/// turns it into a `flyteidl::core::Literal` for a declared type and back, and
/// `value_json.hpp` gives it the JSON form used across the C ABI and on the
/// command line.
///
/// A `Value` carries no type of its own beyond its kind: a union value is the
/// chosen variant's value, a `file` and a `directory` are both `Blob`s, and a
/// `dict` and a `struct` are both JSON objects. The declared `LiteralType`
/// decides the wire form.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "flyte/model/model_error.hpp"

namespace flyte {

/// A point in time, UTC, nanosecond resolution. Its range (years 1677 to 2262)
/// is narrower than protobuf's Timestamp; values outside it fail to decode.
using Datetime = std::chrono::sys_time<std::chrono::nanoseconds>;
/// A signed span of time, nanosecond resolution (about +-292 years).
using Duration = std::chrono::nanoseconds;

/// Whether a blob is one file (FlyteFile) or a folder of files
/// (FlyteDirectory); numbers are flyteidl's BlobType.BlobDimensionality.
enum class BlobDimensionality : int { SINGLE = 0, MULTIPART = 1 };

/// A file or directory the engine passes by reference. `uri` is remote
/// (s3://...) or local; the model layer never touches its contents.
struct Blob {
  std::string uri;
  /// Free-form format tag (e.g. "csv"); empty means "any".
  std::string format;
  BlobDimensionality dimensionality = BlobDimensionality::SINGLE;

  bool operator==(const Blob&) const = default;
};

/// Opaque bytes with a tag naming their serialization (flyteidl Binary).
struct Binary {
  std::string bytes;
  std::string tag;

  bool operator==(const Binary&) const = default;
};

/// A table stored elsewhere (flytekit's StructuredDataset): where and in
/// which format ("parquet", ...; empty means "any").
struct StructuredDataset {
  std::string uri;
  std::string format;

  bool operator==(const StructuredDataset&) const = default;
};

/// The generic object behind `dict` and `struct`. Plain (key-sorted)
/// nlohmann::json: Flyte's Struct is an unordered map, so key order is not
/// part of a value and two dicts with the same entries compare equal.
using Json = nlohmann::json;

/// One native value: none, integer, float, string, boolean, datetime,
/// duration, blob, binary, JSON object (dict/struct), list, map of string to
/// value, or structured dataset.
class Value {
 public:
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value>;
  using Storage = std::variant<std::monostate, std::int64_t, double, std::string, bool, Datetime,
                               Duration, Blob, Binary, Json, List, Map, StructuredDataset>;

  /// The none value.
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool v) : storage_(v) {}
  /// Any integer type becomes an int64; an unsigned number above INT64_MAX
  /// throws ModelError rather than wrapping around.
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) Value(T v) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
      if (v > static_cast<T>(INT64_MAX)) {
        throw ModelError("integer " + std::to_string(v) + " does not fit in int64");
      }
    }
    storage_ = static_cast<std::int64_t>(v);
  }
  /// A char is almost always a one-letter string meant as text: say so.
  Value(char) = delete;
  Value(double v) : storage_(v) {}
  Value(std::string v) : storage_(std::move(v)) {}
  Value(std::string_view v) : storage_(std::string(v)) {}
  Value(const char* v) : storage_(std::string(v)) {}
  Value(Datetime v) : storage_(v) {}
  Value(Duration v) : storage_(v) {}
  Value(Blob v) : storage_(std::move(v)) {}
  Value(Binary v) : storage_(std::move(v)) {}
  Value(StructuredDataset v) : storage_(std::move(v)) {}
  Value(List v) : storage_(std::move(v)) {}
  Value(Map v) : storage_(std::move(v)) {}
  /// Explicit: nlohmann::json converts from almost anything, which would make
  /// every other constructor ambiguous.
  explicit Value(Json v) : storage_(std::move(v)) {}

  /// Builds a dict/struct value (same as `Value(Json)`, easier to read).
  static Value object(Json v) { return Value(std::move(v)); }

  bool is_none() const { return std::holds_alternative<std::monostate>(storage_); }

  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(storage_);
  }

  /// The held value as T; throws ModelError naming both kinds when the value
  /// holds something else.
  template <typename T>
  const T& as() const {
    if (const T* p = std::get_if<T>(&storage_)) return *p;
    throw ModelError("value holds " + std::string(type_name()) + ", not " +
                     std::string(kind_name<T>()));
  }
  template <typename T>
  T& as() {
    if (T* p = std::get_if<T>(&storage_)) return *p;
    throw ModelError("value holds " + std::string(type_name()) + ", not " +
                     std::string(kind_name<T>()));
  }

  /// The kind held, for messages: "none", "integer", "float", "string",
  /// "boolean", "datetime", "duration", "blob", "binary", "json", "list",
  /// "map", "structured_dataset".
  std::string_view type_name() const;

  const Storage& storage() const { return storage_; }
  Storage& storage() { return storage_; }

  /// Structural equality (a float NaN is not equal to itself, as in C++).
  friend bool operator==(const Value& a, const Value& b);

  /// The kind name `type_name()` reports for a held type T.
  template <typename T>
  static constexpr std::string_view kind_name() {
    if constexpr (std::same_as<T, std::monostate>)
      return "none";
    else if constexpr (std::same_as<T, std::int64_t>)
      return "integer";
    else if constexpr (std::same_as<T, double>)
      return "float";
    else if constexpr (std::same_as<T, std::string>)
      return "string";
    else if constexpr (std::same_as<T, bool>)
      return "boolean";
    else if constexpr (std::same_as<T, Datetime>)
      return "datetime";
    else if constexpr (std::same_as<T, Duration>)
      return "duration";
    else if constexpr (std::same_as<T, Blob>)
      return "blob";
    else if constexpr (std::same_as<T, Binary>)
      return "binary";
    else if constexpr (std::same_as<T, Json>)
      return "json";
    else if constexpr (std::same_as<T, List>)
      return "list";
    else if constexpr (std::same_as<T, Map>)
      return "map";
    else if constexpr (std::same_as<T, StructuredDataset>)
      return "structured_dataset";
    else
      static_assert(sizeof(T) == 0, "not a Value kind");
  }

 private:
  Storage storage_;
};

}  // namespace flyte
