#include <catch2/catch.hpp>
#include <filesystem>

#include "flyte/runtime/config.hpp"

using namespace flyte;

// The shipped, documented config file must stay loadable and hold the
// defaults it documents (CONTRACT §6, §8).
TEST_CASE("config/flyte-execute.yaml parses and documents the contract's defaults") {
  const auto path = std::filesystem::path(FLYTE_SOURCE_DIR) / "config" / "flyte-execute.yaml";
  auto config = Config::load(path, env_from_map({}));
  CHECK(config.get({"secrets.env_prefix", {}}) == std::string("_FSEC_"));
  CHECK(config.get({"secrets.default_dir", {}}) == std::string("/etc/secrets"));
  CHECK(config.get({"statsd.host", {}}) == std::string("localhost"));
  CHECK(config.get_int({"statsd.port", {}}, 0) == 8125);
  CHECK_FALSE(config.get_bool({"statsd.disabled", {}}, true));
  CHECK(config.get({"storage.connection.addressing-style", {}}) == std::string("path"));
  CHECK(config.get_int({"sdk.logging.level", {}}, 0) == 30);
}
