#include "flyte/context/secrets_config.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

TEST_CASE("SecretsConfig defaults are flytekit's") {
  const SecretsConfig config;
  CHECK(config.env_prefix == "_FSEC_");
  CHECK(config.default_dir == std::filesystem::path("/etc/secrets"));
  CHECK(config.file_prefix.empty());
  CHECK(SecretsConfig::from_env(env_from_map({})) == config);
}

TEST_CASE("SecretsConfig from_env overrides the base with FLYTE_SECRETS_* variables") {
  SecretsConfig base;
  base.env_prefix = "CFG_";
  base.default_dir = "/from/config";
  base.file_prefix = "cfg_";

  SECTION("absent variables keep the base (config file) values") {
    CHECK(SecretsConfig::from_env(env_from_map({}), base) == base);
  }
  SECTION("each variable wins over the base, stripped of white space") {
    const auto config =
        SecretsConfig::from_env(env_from_map({{"FLYTE_SECRETS_ENV_PREFIX", " ENV_ "},
                                              {"FLYTE_SECRETS_DEFAULT_DIR", "/etc/flyte/secrets\n"},
                                              {"FLYTE_SECRETS_FILE_PREFIX", "pre_"}}),
                                base);
    CHECK(config.env_prefix == "ENV_");
    CHECK(config.default_dir == std::filesystem::path("/etc/flyte/secrets"));
    CHECK(config.file_prefix == "pre_");
  }
  SECTION("only the variables present override") {
    const auto config =
        SecretsConfig::from_env(env_from_map({{"FLYTE_SECRETS_DEFAULT_DIR", "/mnt/s"}}), base);
    CHECK(config.env_prefix == "CFG_");
    CHECK(config.default_dir == std::filesystem::path("/mnt/s"));
    CHECK(config.file_prefix == "cfg_");
  }
  SECTION("an empty prefix is a real setting but an empty directory is ignored") {
    const auto config = SecretsConfig::from_env(env_from_map({{"FLYTE_SECRETS_ENV_PREFIX", ""},
                                                              {"FLYTE_SECRETS_DEFAULT_DIR", "  "},
                                                              {"FLYTE_SECRETS_FILE_PREFIX", ""}}),
                                                base);
    CHECK(config.env_prefix.empty());
    CHECK(config.default_dir == std::filesystem::path("/from/config"));
    CHECK(config.file_prefix.empty());
  }
}
