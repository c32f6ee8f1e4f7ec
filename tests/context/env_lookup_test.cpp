#include "flyte/context/env_lookup.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

using namespace flyte;

TEST_CASE("first_present takes the first name present, even when its value is empty") {
  auto env = env_from_map({{"_F_NM", "short"}, {"FLYTE_INTERNAL_EXECUTION_ID", ""}});
  CHECK(first_present(env, {"FLYTE_INTERNAL_EXECUTION_ID", "_F_NM"}) == std::string{});
  CHECK(first_present(env, {"_F_PRJ", "_F_NM"}) == std::string("short"));
  CHECK_FALSE(first_present(env, {"_F_PRJ"}).has_value());
}

TEST_CASE("process_env reads the real environment at call time") {
  auto env = process_env();
  ::setenv("FLYTE_ENV_LOOKUP_TEST", "x", 1);
  CHECK(env("FLYTE_ENV_LOOKUP_TEST") == std::string("x"));
  ::unsetenv("FLYTE_ENV_LOOKUP_TEST");
  CHECK_FALSE(env("FLYTE_ENV_LOOKUP_TEST").has_value());
}

TEST_CASE("parse_env_bool follows flytekit's falsy set") {
  for (auto v : {"", "false", "FALSE", "0", "off", "No"}) CHECK_FALSE(parse_env_bool(v));
  for (auto v : {"true", "1", "yes", "t", "anything"}) CHECK(parse_env_bool(v));
}
