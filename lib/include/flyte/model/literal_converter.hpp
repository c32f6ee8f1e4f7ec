#pragma once

/// Conversion between flyteidl `Literal`s and native `Value`s for a declared
/// `LiteralType` (see flyte_type.hpp for the types and their text form).
///
/// Wire forms written (what flytekit >= 1.14 writes for the same types):
/// - integer/float/string/boolean: scalar.primitive; datetime: a
///   google.protobuf.Timestamp, duration: a google.protobuf.Duration;
/// - none: scalar.none_type;
/// - file/directory: scalar.blob{metadata.type{format, dimensionality}, uri};
/// - binary: scalar.binary{value, tag} as given;
/// - dict: scalar.binary{value = msgpack bytes, tag = "msgpack"};
/// - struct: scalar.generic (google.protobuf.Struct);
/// - list: collection; map: map;
/// - union: scalar.union{value, type = the first variant the value fits,
///   with its structure tag};
/// - structured_dataset: scalar.structured_dataset{uri, metadata}.
///
/// Read leniently where flytekit versions differ: a STRUCT type (dict or
/// struct) accepts both msgpack binary and generic Struct; a float accepts an
/// integer literal; a union accepts a scalar.union (matched by tag, then by
/// shape) or a bare literal of one of its variants (first that decodes).
///
/// Every failure is a ModelError naming the input or output and the path
/// inside it (`xs[3]`, `m["k"]`), the expected type and what was found.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flyte/model/model_error.hpp"
#include "flyte/model/value.hpp"
#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"

namespace flyte {

/// A task interface side: variable names with their declared types, in
/// declaration order.
using VariableTypes = std::vector<std::pair<std::string, flyteidl::core::LiteralType>>;
/// Named native values (a task's inputs or outputs).
using ValueMap = std::map<std::string, Value>;
/// Reads the literal an offloaded literal points at (the runtime plugs in
/// file access; the model layer does no I/O).
using LiteralFetcher = std::function<flyteidl::core::Literal(const std::string& uri)>;

/// The largest offloaded literal decoded: protobuf parses no message over
/// 2 GiB - 1. A literal declaring more (offloaded_metadata.size_bytes) is
/// refused before it is fetched, and fetchers read no more than this; one
/// that turns out larger than it declared is refused after the fetch.
inline constexpr std::uint64_t kMaxOffloadedLiteralBytes = 0x7fffffffull;

/// True when the literal holds only a reference (`offloaded_metadata`) to the
/// real literal stored elsewhere.
bool is_offloaded(const flyteidl::core::Literal& literal);

/// A short description of what a literal holds, for messages:
/// "scalar.primitive.integer", "collection", "scalar.binary (tag \"msgpack\")"...
std::string literal_kind(const flyteidl::core::Literal& literal);

/// Encodes `value` as `type`. `name` is what messages call the value, e.g.
/// `output 'o0'` is produced from role "output" and name "o0".
flyteidl::core::Literal to_literal(const Value& value, const flyteidl::core::LiteralType& type,
                                   std::string_view name = "value",
                                   std::string_view role = "output");

/// Decodes `literal` as `type`. An offloaded literal is read through `fetch`;
/// without one it is an error that says so.
Value from_literal(const flyteidl::core::Literal& literal, const flyteidl::core::LiteralType& type,
                   std::string_view name = "value", std::string_view role = "input",
                   const LiteralFetcher& fetch = {});

/// Encodes every declared variable. Each must be present in `values`, and
/// `values` must hold nothing undeclared (a misspelt name would be lost).
flyteidl::core::LiteralMap to_literal_map(const ValueMap& values, const VariableTypes& types,
                                          std::string_view role = "output");

/// Decodes every declared variable from `literals`. Each must be present,
/// and undeclared names are an error (the interface and the data disagree).
ValueMap from_literal_map(const flyteidl::core::LiteralMap& literals, const VariableTypes& types,
                          const LiteralFetcher& fetch = {}, std::string_view role = "input");

}  // namespace flyte
