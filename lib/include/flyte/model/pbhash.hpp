#pragma once

/// flytekit's deterministic protobuf hash (flytekit/utils/pbhash.py), which
/// it puts in `Literal.hash` of every offloaded-literal pointer (entrypoint
/// `_dispatch_execute`). Downstream cache keys are computed from that hash,
/// so it must be the same bytes flytekit computes for the same literal:
///
///     base64(sha256(json.dumps(MessageToDict(pb), sort_keys=True,
///                              separators=(",", ":")).encode("utf-8")))
///
/// `MessageToDict` is protobuf's Python ProtoJSON form: lowerCamelCase field
/// names, fields at their default value left out, 64-bit integers as strings,
/// enums by name, bytes as padded base64, Timestamp/Duration as RFC 3339 /
/// "1.5s" strings, Struct/Value as plain JSON, doubles as Python floats
/// ("NaN"/"Infinity" strings for a double field). `json.dumps` then writes
/// ASCII only (`\uXXXX`, lower-case hex, surrogate pairs), floats as Python's
/// `repr` ("1.0", "1e-05", "1e+16"), keys sorted by code point.

#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace flyte {

/// The JSON text flytekit hashes for `message` (see above). Throws ModelError
/// where Python's MessageToDict raises (an infinite or NaN
/// google.protobuf.Value number) or for a well-known type literals never hold
/// (Any, FieldMask, wrappers).
std::string proto_hash_json(const google::protobuf::Message& message);

/// The 32-byte SHA-256 digest of `bytes` (FIPS 180-4).
std::string sha256(std::string_view bytes);

/// Standard base64 with padding (Python's base64.b64encode).
std::string base64_encode(std::string_view bytes);

/// flytekit's `compute_hash_string(message)`: padded standard base64 of
/// sha256(proto_hash_json(message)).
std::string compute_hash_string(const google::protobuf::Message& message);

}  // namespace flyte
