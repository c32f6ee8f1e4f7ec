#pragma once

/// Wire-level literal codec: serialized flyteidl bytes straight to `Value`s
/// and back, without building protobuf message trees for the shapes that
/// carry bulk data (integer/float/string/boolean primitives, and lists and
/// maps of them, nested).
///
/// Contract: the results are exactly those of the message path in
/// literal_converter.hpp — `decode_literal_map(bytes, ...)` gives what
/// `from_literal_map(parse(bytes), ...)` gives, `encode_literal_map(...)`
/// parses to a message equal to `to_literal_map(...)` — same values, same
/// leniency, same error messages. The codec guarantees it by doing less, not
/// by re-implementing the converter:
/// - a Literal whose bytes are not exactly the expected shape for its type
///   (another field, a field seen twice, unknown fields, hash or metadata, an
///   offloaded literal, a union/blob/dict/... type) is parsed alone with
///   protobuf and decoded by `from_literal`; a value outside the fast shapes
///   is encoded by `to_literal` and its serialization spliced in;
/// - anything unusual at the map level (unknown fields, odd map entries,
///   odd varints), and every error, re-runs the whole message path, which
///   then produces the error (or, for bytes protobuf accepts after all, the
///   result). Errors therefore cost a second pass; the two passes share
///   what the offload fetcher returned (or threw), so each URI is fetched
///   at most once per call.
///
/// Strings are checked for UTF-8 as protobuf's proto3 parser does.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flyte/model/literal_converter.hpp"
#include "flyte/model/model_error.hpp"

namespace flyte {

/// Bytes protobuf itself would not parse as the expected message (truncated,
/// not protobuf, invalid UTF-8 in a string field, nested too deeply). A
/// ModelError, so callers that only care about "cannot decode" need not
/// distinguish; callers that report "not a valid LiteralMap" catch this one.
class WireFormatError : public ModelError {
 public:
  using ModelError::ModelError;
};

/// Decodes the bytes of a `flyteidl.core.LiteralMap` (an inputs.pb) against
/// the declared `types`. Equivalent to parsing the bytes and calling
/// `from_literal_map(map, types, fetch, role)`; throws WireFormatError when
/// protobuf would reject the bytes, ModelError (the converter's message)
/// when they do not fit the interface.
ValueMap decode_literal_map(std::string_view bytes, const VariableTypes& types,
                            const LiteralFetcher& fetch = {}, std::string_view role = "input");

/// The serialized `flyteidl.core.Literal` for `value` as `type`; parses to
/// what `to_literal(value, type, name, role)` returns and throws its errors.
std::string encode_literal(const Value& value, const flyteidl::core::LiteralType& type,
                           std::string_view name = "value", std::string_view role = "output");

/// One named, serialized Literal: an entry of a LiteralMap before framing.
using EncodedLiteral = std::pair<std::string, std::string>;

/// Every declared variable's serialized Literal, in declaration order, with
/// the checks and messages of `to_literal_map` (missing and undeclared names,
/// encoding errors). Lets a caller edit single literals (metadata,
/// offloading) before `frame_literal_map`.
std::vector<EncodedLiteral> encode_literals(const ValueMap& values, const VariableTypes& types,
                                            std::string_view role = "output");

/// The bytes of a `flyteidl.core.LiteralMap` holding `entries` (name ->
/// serialized Literal). A name given twice is kept twice on the wire, where
/// the last one wins when parsed.
std::string frame_literal_map(const std::vector<EncodedLiteral>& entries);

/// `frame_literal_map(encode_literals(values, types, role))`: parses to a
/// message equal to `to_literal_map(values, types, role)`.
std::string encode_literal_map(const ValueMap& values, const VariableTypes& types,
                               std::string_view role = "output");

/// Appends one `Literal.metadata` entry to serialized Literal bytes. Parsing
/// concatenated messages merges them, so this is `literal.mutable_metadata()
/// [key] = value` on the wire; a later entry for the same key wins, and the
/// result has the size the parsed message re-serializes to as long as keys
/// are not repeated.
void append_literal_metadata(std::string& literal_bytes, std::string_view key,
                             std::string_view value);

}  // namespace flyte
