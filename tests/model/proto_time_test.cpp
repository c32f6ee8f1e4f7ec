#include "flyte/model/proto_time.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <limits>

using namespace flyte;
using namespace std::chrono_literals;

TEST_CASE("Datetimes convert exactly to protobuf Timestamps, before 1970 too") {
  const Datetime before_epoch{Duration(-1)};  // 1969-12-31T23:59:59.999999999Z
  const auto ts = to_timestamp(before_epoch);
  CHECK(ts.seconds() == -1);
  CHECK(ts.nanos() == 999999999);
  CHECK(datetime_from_timestamp(ts) == before_epoch);
  CHECK(format_rfc3339(before_epoch) == "1969-12-31T23:59:59.999999999Z");

  const Datetime latest{Duration(std::numeric_limits<std::int64_t>::max())};
  CHECK(datetime_from_timestamp(to_timestamp(latest)) == latest);
  const Datetime earliest{Duration(std::numeric_limits<std::int64_t>::min())};
  CHECK(datetime_from_timestamp(to_timestamp(earliest)) == earliest);
}

TEST_CASE("Timestamps a Datetime cannot hold are rejected with the reason") {
  google::protobuf::Timestamp far;
  far.set_seconds(253402300799);  // 9999-12-31T23:59:59Z: valid protobuf, beyond int64 ns
  CHECK_THROWS_WITH(
      datetime_from_timestamp(far),
      Catch::Contains("9999-12-31T23:59:59Z") && Catch::Contains("outside the supported range"));
  google::protobuf::Timestamp bad;
  bad.set_nanos(-1);
  CHECK_THROWS_WITH(datetime_from_timestamp(bad), Catch::Contains("nanos -1"));
}

TEST_CASE("Durations convert exactly to protobuf Durations with matching signs") {
  const auto d = to_proto_duration(Duration(-1500ms));
  CHECK(d.seconds() == -1);
  CHECK(d.nanos() == -500000000);
  CHECK(duration_from_proto(d) == Duration(-1500ms));
  google::protobuf::Duration mixed;
  mixed.set_seconds(1);
  mixed.set_nanos(-1);
  CHECK_THROWS_WITH(duration_from_proto(mixed), Catch::Contains("share the sign"));
  google::protobuf::Duration huge;
  huge.set_seconds(315576000000);  // protobuf's maximum, 10000 years
  CHECK_THROWS_WITH(duration_from_proto(huge), Catch::Contains("292 years"));
}

TEST_CASE("Text forms follow protobuf's JSON mapping") {
  CHECK(format_duration(Duration(0)) == "0s");
  CHECK(format_duration(Duration(1500ms)) == "1.500s");
  CHECK(format_duration(Duration(1500us)) == "0.001500s");
  CHECK(parse_duration("1.5s") == Duration(1500ms));
  CHECK(parse_duration("-90s") == Duration(-90s));
  CHECK_THROWS_WITH(parse_duration("1.5"), Catch::Contains("\"1.5\" is not a duration"));
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == Datetime{});
  CHECK(parse_rfc3339("1970-01-01T01:00:00.000000001+01:00") == Datetime{Duration(1)});
  CHECK_THROWS_WITH(parse_rfc3339("yesterday"),
                    Catch::Contains("\"yesterday\" is not an RFC 3339 date-time"));
}
