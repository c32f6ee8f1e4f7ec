#pragma once

/// Layered configuration, flytekit-style: an explicit flag beats the
/// environment (`FLYTE_<SECTION>_<KEY>`), which beats the YAML file, which
/// beats the built-in default. Flags are applied by the caller (the CLI owns
/// them); this class resolves the other three layers.
///
/// The file is `--config FILE`, else `$FLYTECTL_CONFIG`, else
/// `~/.flyte/config.yaml` when it exists. Keys are dotted YAML paths
/// (`storage.connection.endpoint`); the env name is derived by upper-casing
/// and replacing `.` and `-` with `_` (`FLYTE_STORAGE_CONNECTION_ENDPOINT`),
/// and a key may list extra env names for flytekit compatibility (e.g. its
/// statsd entries live under `secrets`, so `FLYTE_SECRETS_HOST` is honoured).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/context/env_lookup.hpp"

namespace YAML {
class Node;
}

namespace flyte {

/// A config file that cannot be read or parsed, or a value of the wrong
/// shape. The message names the file (or env var), the key and what was
/// expected.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One configurable setting: where it lives in YAML and the env names that
/// override it (the derived `FLYTE_...` name first, then the aliases).
struct ConfigKey {
  std::string path;                      ///< dotted YAML path, e.g. "statsd.host"
  std::vector<std::string> env_aliases;  ///< extra env names, checked after the derived one
};

class Config {
 public:
  /// Config files larger than this are refused: a real one is a few KiB, and
  /// reading a wrong multi-GiB file (or parsing it) would stall the pod.
  static constexpr std::uint64_t kMaxFileBytes = 16ull << 20;

  /// Resolves which file applies and parses it. A file named explicitly (flag
  /// or FLYTECTL_CONFIG) must exist; the home default may be absent. Whatever
  /// the source, a folder, a non-regular file (fifo, device) or a file over
  /// kMaxFileBytes is a ConfigError, never a silent fallback to defaults.
  static Config load(const std::optional<std::filesystem::path>& explicit_file,
                     const EnvLookup& env);

  /// Parses YAML text as if read from `source` (a file name for messages).
  static Config from_yaml(std::string_view text, const std::filesystem::path& source,
                          const EnvLookup& env);

  /// A config with no file, only the environment.
  static Config from_env_only(const EnvLookup& env);

  /// The file in use, if any.
  const std::optional<std::filesystem::path>& file() const { return file_; }

  /// The raw value: env first (derived name, then aliases), then the file.
  std::optional<std::string> get(const ConfigKey& key) const;
  std::string get_or(const ConfigKey& key, std::string fallback) const;
  /// Booleans follow CONTRACT §8 in env; in YAML, YAML's own booleans.
  bool get_bool(const ConfigKey& key, bool fallback) const;
  /// Integers: a non-number names the source, the key and the text found.
  long long get_int(const ConfigKey& key, long long fallback) const;

  /// The env variable name derived from a dotted path.
  static std::string env_name_for(std::string_view path);

 private:
  struct Found {
    std::string value;
    std::string source;  ///< "env FLYTE_X" or "<file>: key a.b"
  };
  std::optional<Found> find(const ConfigKey& key) const;

  EnvLookup env_;
  std::optional<std::filesystem::path> file_;
  std::shared_ptr<const YAML::Node> root_;
};

}  // namespace flyte
