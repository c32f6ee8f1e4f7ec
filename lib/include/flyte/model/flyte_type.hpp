#pragma once

/// A task's declared type as text, and its flyteidl `LiteralType`.
///
/// Grammar (white space between tokens is ignored; names are lower-case):
///
///     type   := simple | blob | "dict" | "struct" | "binary" | sd
///             | "list<" type ">" | "map<" type ">"
///             | "union<" type ("," type)* ">" | "optional<" type ">"
///     simple := "integer" | "float" | "string" | "boolean" | "datetime"
///             | "duration" | "none"
///     blob   := ("file" | "directory") ["[" format "]"]
///     sd     := "structured_dataset" ["[" format "]"]
///
/// Meaning, as flytekit types the same Python annotations:
/// - `file` / `directory`: BlobType SINGLE / MULTIPART with the given format
///   ("" when none is given).
/// - `dict`: simple STRUCT annotated
///   `{"cache-key-metadata": {"serialization-format": "msgpack"}}` (flytekit's
///   untyped `dict`, whose values travel as msgpack bytes).
/// - `struct`: simple STRUCT without annotation (a google.protobuf.Struct).
/// - `binary`: simple BINARY (raw bytes).
/// - `map<T>`: map_value_type T (keys are always strings in Flyte).
/// - `union<...>`: union_type whose variants each carry `structure.tag` =
///   the name of the flytekit transformer for that variant
///   (`flytekit_variant_tag`), because flytekit's union reader and the
///   engine's type checker compare tags. On read we match by tag first
///   (exact shape, then compatible shape), then by shape alone, so values
///   tagged by older flyte-execute versions (`integer`, `string`, ...) still read.
/// - `optional<T>` is exactly `union<T, none>` and prints as `optional<T>`.

#include <string>
#include <string_view>

#include "flyte/model/model_error.hpp"
#include "flyteidl/core/types.pb.h"

namespace flyte {

/// The annotation key and value flytekit puts on an untyped `dict`'s type.
inline constexpr std::string_view CACHE_KEY_METADATA = "cache-key-metadata";
inline constexpr std::string_view SERIALIZATION_FORMAT = "serialization-format";
inline constexpr std::string_view MESSAGEPACK = "msgpack";

/// Parses a type string. Throws ModelError with the column (1-based) where the
/// text stopped making sense and what was expected there, e.g.
/// `bad type "list<integr>" at column 6: expected a type name (integer, ...), found "integr"`.
flyteidl::core::LiteralType parse_flyte_type(std::string_view text);

/// The canonical text of a type: `parse_flyte_type(flyte_type_to_string(t))`
/// gives back `t` for every type the grammar can express. Never throws:
/// types outside the grammar (enum, schema, dataclass structs with a schema,
/// structured datasets with columns...) print a readable description
/// (e.g. `enum{a, b}`) so this is safe to use in error messages.
std::string flyte_type_to_string(const flyteidl::core::LiteralType& type);

/// True when a literal written for `found` can be read as `expected`: the same
/// shape, ignoring union tags, annotations and metadata; blob and structured
/// dataset formats must agree unless either is empty ("any format").
bool types_compatible(const flyteidl::core::LiteralType& expected,
                      const flyteidl::core::LiteralType& found);

/// The tag flytekit (v1.16, `UnionTransformer.get_literal_type` /
/// `_add_tag_to_type`) gives a union variant of this type: its transformer's
/// `name`. integer "int", float "float", string "str", boolean "bool",
/// datetime "datetime", duration "timedelta", none "none", list "Typed List",
/// map, dict and struct "Typed Dict", file "FlyteFilePath", directory
/// "FlyteDirectory", structured_dataset "StructuredDataset Transformer",
/// enum "DefaultEnumTransformer", schema "FlyteSchema Transformer", union
/// "Typed Union". `binary` and `error` have no flytekit transformer and keep
/// our own names ("binary", "error").
std::string flytekit_variant_tag(const flyteidl::core::LiteralType& type);

/// True for the type `dict` parses to (a STRUCT carrying the msgpack
/// annotation), as opposed to a plain `struct`.
bool is_msgpack_dict_type(const flyteidl::core::LiteralType& type);

}  // namespace flyte
