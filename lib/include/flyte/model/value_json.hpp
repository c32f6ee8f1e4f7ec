#pragma once

/// The JSON form of native values, used across the C ABI and on the command
/// line (`--input name=value`). The mapping, by declared type:
///
/// | type                  | JSON                                                       |
/// |-----------------------|------------------------------------------------------------|
/// | integer               | integer                                                    |
/// | float                 | number; NaN and infinities as "NaN", "Infinity", "-Infinity" |
/// | string                | string                                                     |
/// | boolean               | true / false                                               |
/// | datetime              | RFC 3339 string in UTC with Z, fraction digits as needed    |
/// |                       | (0, 3, 6 or 9); input may carry any offset                  |
/// | duration              | seconds with 's', as protobuf JSON: "1.500s", "90s"         |
/// | none                  | null                                                       |
/// | file, directory       | the URI or path string                                     |
/// | dict                  | any JSON                                                   |
/// | struct                | JSON object                                                |
/// | binary                | base64 string (the tag is not carried)                      |
/// | list<T>, map<T>       | array, object                                              |
/// | union<...>            | the chosen variant's JSON; on input the first variant that |
/// |                       | accepts it (exact kinds first, so 3 picks integer over float) |
/// | structured_dataset    | {"uri": "...", "format": "..."} ("format" optional on input) |

#include <nlohmann/json.hpp>
#include <string_view>

#include "flyte/model/model_error.hpp"
#include "flyte/model/value.hpp"
#include "flyteidl/core/types.pb.h"

namespace flyte {

/// Reads `json` as `type`. Throws ModelError starting with `path_for_errors`
/// (extended for nested values: `xs[3]`, `m["k"]`), then the expected type and
/// the JSON found.
Value value_from_json(const nlohmann::json& json, const flyteidl::core::LiteralType& type,
                      std::string_view path_for_errors);

/// The JSON of a value (no type needed: each kind has one JSON form).
nlohmann::json value_to_json(const Value& value);

/// Reads the text of `--input name=TEXT`. Scalars are plain text: `2`, `3.5`,
/// `hello` (no quotes), `true`/`false`, RFC 3339 date-times, `1.5s`/`90s`,
/// `null` (or nothing) for none; file and directory take the path as is; a
/// binary takes base64 (quoted or not); a union tries its variants' text
/// forms in order (`null` picks its none variant); everything else (dict,
/// struct, list, map, structured_dataset) is JSON text. Errors name the input,
/// the expected type and the text.
Value parse_cli_value(std::string_view text, const flyteidl::core::LiteralType& type,
                      std::string_view name);

}  // namespace flyte
