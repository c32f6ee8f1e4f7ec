#pragma once

#include <filesystem>
#include <string>

#include "flyte/context/env_lookup.hpp"

namespace flyte {

/// Where the SecretsManager looks for secrets (CONTRACT §6). The defaults are
/// flytekit's; Flyte's secret webhook overrides them in a cluster by injecting
/// FLYTE_SECRETS_ENV_PREFIX / FLYTE_SECRETS_DEFAULT_DIR into the container.
struct SecretsConfig {
  /// Prepended to `GROUP[_VERSION]_KEY` to form the env var name.
  std::string env_prefix = "_FSEC_";
  /// Root of the mounted secret files: `<default_dir>/<group>/[<version>/]<file_prefix><key>`.
  std::filesystem::path default_dir = "/etc/secrets";
  /// Prepended to the (lower-cased) key to form the file name.
  std::string file_prefix;

  /// `base` (defaults, or what the config file's `secrets.*` section set) with
  /// FLYTE_SECRETS_ENV_PREFIX, FLYTE_SECRETS_DEFAULT_DIR and
  /// FLYTE_SECRETS_FILE_PREFIX applied on top (env beats config file).
  ///
  /// Values are stripped of surrounding white space, as flytekit does. A present
  /// but empty variable counts (an empty env or file prefix is meaningful),
  /// except FLYTE_SECRETS_DEFAULT_DIR: an empty directory would make flytekit
  /// read secrets relative to the current directory, so it is ignored instead.
  static SecretsConfig from_env(const EnvLookup& env, SecretsConfig base);
  /// from_env over the defaults. (An overload, not `base = {}`: a default
  /// argument cannot construct the class inside its own definition.)
  static SecretsConfig from_env(const EnvLookup& env);

  bool operator==(const SecretsConfig&) const = default;
};

}  // namespace flyte
