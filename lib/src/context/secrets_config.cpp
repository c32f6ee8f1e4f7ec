#include "flyte/context/secrets_config.hpp"

namespace flyte {
namespace {

std::string stripped(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

SecretsConfig SecretsConfig::from_env(const EnvLookup& env, SecretsConfig base) {
  if (auto prefix = env("FLYTE_SECRETS_ENV_PREFIX")) base.env_prefix = stripped(*prefix);
  if (auto dir = env("FLYTE_SECRETS_DEFAULT_DIR")) {
    if (auto value = stripped(*dir); !value.empty()) base.default_dir = value;
  }
  if (auto prefix = env("FLYTE_SECRETS_FILE_PREFIX")) base.file_prefix = stripped(*prefix);
  return base;
}

SecretsConfig SecretsConfig::from_env(const EnvLookup& env) {
  return from_env(env, SecretsConfig{});
}

}  // namespace flyte
