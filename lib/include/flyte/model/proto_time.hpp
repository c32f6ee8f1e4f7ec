#pragma once

/// Exact conversions between the native time types of `value.hpp` and
/// protobuf's well-known Timestamp and Duration, and their text forms
/// (the same as protobuf's JSON mapping: RFC 3339 in UTC with `Z`, and
/// seconds with an `s` suffix).

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

#include "flyte/model/model_error.hpp"
#include "flyte/model/value.hpp"

namespace flyte {

google::protobuf::Timestamp to_timestamp(Datetime time);
/// Throws ModelError when the timestamp is malformed (nanos outside
/// [0, 1e9)) or outside what `Datetime` can hold (years 1677 to 2262).
Datetime datetime_from_timestamp(const google::protobuf::Timestamp& timestamp);

google::protobuf::Duration to_proto_duration(Duration duration);
/// Throws ModelError when the duration is malformed (|nanos| >= 1e9, or signs
/// of seconds and nanos differ) or does not fit in int64 nanoseconds.
Duration duration_from_proto(const google::protobuf::Duration& duration);

/// RFC 3339 in UTC with `Z` and 0, 3, 6 or 9 fraction digits as needed:
/// "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123456789Z".
std::string format_rfc3339(Datetime time);
/// Accepts RFC 3339 with `Z` or a numeric offset ("...T05:04:05+02:00").
/// Throws ModelError quoting the text and an example of the expected form.
Datetime parse_rfc3339(std::string_view text);

/// Seconds with an `s` suffix and 0, 3, 6 or 9 fraction digits: "1.500s",
/// "90s", "-0.000000001s".
std::string format_duration(Duration duration);
/// Accepts "<seconds>[.<fraction>]s", e.g. "90s", "1.5s", "-0.25s". Throws
/// ModelError quoting the text otherwise.
Duration parse_duration(std::string_view text);

}  // namespace flyte
