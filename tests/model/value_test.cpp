#include "flyte/model/value.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>

using namespace flyte;
using namespace std::chrono_literals;

TEST_CASE("Value holds each kind and reports its type name") {
  CHECK(Value().type_name() == "none");
  CHECK(Value(nullptr).is_none());
  CHECK(Value(3).type_name() == "integer");
  CHECK(Value(std::uint8_t{3}).as<std::int64_t>() == 3);
  CHECK(Value(std::uint64_t{1} << 62).as<std::int64_t>() == std::int64_t{1} << 62);
  CHECK_THROWS_WITH(Value(std::numeric_limits<std::uint64_t>::max()),
                    "integer 18446744073709551615 does not fit in int64");
  CHECK(Value(2.5).type_name() == "float");
  CHECK(Value("text").type_name() == "string");
  CHECK(Value(std::string_view("sv")).as<std::string>() == "sv");
  CHECK(Value(true).type_name() == "boolean");
  CHECK(Value(Datetime(1s)).type_name() == "datetime");
  CHECK(Value(Duration(1s)).type_name() == "duration");
  CHECK(Value(Blob{"u", "", BlobDimensionality::SINGLE}).type_name() == "blob");
  CHECK(Value(Binary{"b", "t"}).type_name() == "binary");
  CHECK(Value::object({{"a", 1}}).type_name() == "json");
  CHECK(Value(Value::List{1, 2}).type_name() == "list");
  CHECK(Value(Value::Map{{"k", 1}}).type_name() == "map");
  CHECK(Value(StructuredDataset{"u", "parquet"}).type_name() == "structured_dataset");
}

TEST_CASE("Value equality is structural and kind-sensitive") {
  CHECK(Value(Value::List{1, "a", Value::Map{{"k", 2.0}}}) ==
        Value(Value::List{1, "a", Value::Map{{"k", 2.0}}}));
  CHECK_FALSE(Value(1) == Value(1.0));
  CHECK_FALSE(Value(Value::Map{{"k", 1}}) == Value(Value::Map{{"k", 2}}));
  CHECK(Value::object(Json::parse(R"({"b": 1, "a": 2})")) ==
        Value::object(Json::parse(R"({"a": 2, "b": 1})")));
  CHECK_FALSE(Value(Blob{"u", "", BlobDimensionality::SINGLE}) ==
              Value(Blob{"u", "", BlobDimensionality::MULTIPART}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(Value(nan) == Value(nan));
}

TEST_CASE("Value::as names both kinds when the value holds something else") {
  Value v(5);
  v.as<std::int64_t>() += 1;
  CHECK(v.as<std::int64_t>() == 6);
  CHECK_THROWS_AS(v.as<std::string>(), ModelError);
  CHECK_THROWS_WITH(v.as<std::string>(), "value holds integer, not string");
  CHECK_THROWS_WITH(Value().as<Value::List>(), "value holds none, not list");
}
