#include "flyte/model/proto_time.hpp"

#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <limits>

namespace flyte {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// seconds * 1e9 + nanos, or nullopt-like failure when it does not fit int64.
bool combine(std::int64_t seconds, std::int64_t nanos, std::int64_t* out) {
  const __int128 total = static_cast<__int128>(seconds) * kNanosPerSecond + nanos;
  if (total > std::numeric_limits<std::int64_t>::max() ||
      total < std::numeric_limits<std::int64_t>::min()) {
    return false;
  }
  *out = static_cast<std::int64_t>(total);
  return true;
}

}  // namespace

google::protobuf::Timestamp to_timestamp(Datetime time) {
  const std::int64_t ns = time.time_since_epoch().count();
  std::int64_t seconds = ns / kNanosPerSecond;
  std::int64_t nanos = ns % kNanosPerSecond;
  if (nanos < 0) {  // Timestamp nanos are always forward from the second.
    nanos += kNanosPerSecond;
    seconds -= 1;
  }
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<std::int32_t>(nanos));
  return out;
}

Datetime datetime_from_timestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.nanos() < 0 || timestamp.nanos() >= kNanosPerSecond) {
    throw ModelError("malformed timestamp: nanos " + std::to_string(timestamp.nanos()) +
                     " is outside [0, 999999999]");
  }
  std::int64_t ns = 0;
  if (!combine(timestamp.seconds(), timestamp.nanos(), &ns)) {
    throw ModelError("timestamp " + google::protobuf::util::TimeUtil::ToString(timestamp) +
                     " (seconds " + std::to_string(timestamp.seconds()) +
                     ") is outside the supported range 1677-09-21 to 2262-04-11 "
                     "(int64 nanoseconds since 1970)");
  }
  return Datetime(Duration(ns));
}

google::protobuf::Duration to_proto_duration(Duration duration) {
  const std::int64_t ns = duration.count();
  google::protobuf::Duration out;
  out.set_seconds(ns / kNanosPerSecond);  // both truncate toward zero: same sign
  out.set_nanos(static_cast<std::int32_t>(ns % kNanosPerSecond));
  return out;
}

Duration duration_from_proto(const google::protobuf::Duration& duration) {
  const std::int64_t seconds = duration.seconds();
  const std::int32_t nanos = duration.nanos();
  if (nanos <= -kNanosPerSecond || nanos >= kNanosPerSecond || (seconds > 0 && nanos < 0) ||
      (seconds < 0 && nanos > 0)) {
    throw ModelError("malformed duration: seconds " + std::to_string(seconds) + ", nanos " +
                     std::to_string(nanos) +
                     " (nanos must be within +-999999999 and share the sign of seconds)");
  }
  std::int64_t ns = 0;
  if (!combine(seconds, nanos, &ns)) {
    throw ModelError("duration of " + std::to_string(seconds) +
                     " seconds is outside the supported range of about +-292 years "
                     "(int64 nanoseconds)");
  }
  return Duration(ns);
}

std::string format_rfc3339(Datetime time) {
  return google::protobuf::util::TimeUtil::ToString(to_timestamp(time));
}

Datetime parse_rfc3339(std::string_view text) {
  google::protobuf::Timestamp timestamp;
  if (!google::protobuf::util::TimeUtil::FromString(std::string(text), &timestamp)) {
    throw ModelError("\"" + std::string(text) +
                     "\" is not an RFC 3339 date-time; expected e.g. \"2024-01-02T03:04:05Z\", "
                     "\"2024-01-02T03:04:05.123456789Z\" or \"2024-01-02T05:04:05+02:00\"");
  }
  return datetime_from_timestamp(timestamp);
}

std::string format_duration(Duration duration) {
  return google::protobuf::util::TimeUtil::ToString(to_proto_duration(duration));
}

Duration parse_duration(std::string_view text) {
  google::protobuf::Duration duration;
  if (!google::protobuf::util::TimeUtil::FromString(std::string(text), &duration)) {
    throw ModelError("\"" + std::string(text) +
                     "\" is not a duration; expected seconds with an 's' suffix, e.g. \"90s\", "
                     "\"1.5s\" or \"-0.25s\"");
  }
  return duration_from_proto(duration);
}

}  // namespace flyte
