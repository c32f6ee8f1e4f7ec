#pragma once

/// flytekit's SecretsManager: resolves a task's secrets from env vars and
/// mounted files, in exactly flytekit's order and names (CONTRACT §6).
///
/// Resolution of (group, key, group_version):
///   1. env var `<env_prefix>` + the upper-cased non-empty parts among group,
///      group_version, key joined by `_` (`_FSEC_MY-GROUP_API_KEY`; hyphens
///      kept); in local execution also the same name without the prefix;
///   2. a custom env var declared for this secret in `check()` (ENV_VAR/ANY);
///   3. the file `<default_dir>/<group>/[<group_version>/]<file_prefix><key>`
///      with group, version and key lower-cased;
///   4. the file named by a custom env var declared with mount FILE;
///   5. else SecretsError, in flytekit's words, naming what was tried.
///
/// Beyond flytekit:
///   - group/key/group_version are validated (validate_secret_name_part) before
///     any env or file access, so `../../etc/passwd` is never read;
///   - every value handed out is registered with register_sensitive_value, so
///     our log and error sinks mask it (values under 4 bytes excepted, see
///     redaction.hpp); error messages never contain values;
///   - thread-safe; a value is cached after its first successful read, so a
///     secret rotated on disk mid-task is not seen (one task run, one value);
///     failed lookups are not cached;
///   - upper/lower-casing is ASCII only (Python's is Unicode-aware; Flyte's
///     group and key names are ASCII in practice).

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flyte/context/env_lookup.hpp"
#include "flyte/context/secret_request.hpp"
#include "flyte/context/secrets_config.hpp"
#include "flyte/context/secrets_error.hpp"

namespace flyte {

class SecretsManager {
 public:
  /// `local_execution` turns on the unprefixed env var fallback (flytekit does
  /// this when the execution state is a local mode, never in a cluster).
  /// Settings are stripped of white space as flytekit does; an empty
  /// default_dir falls back to `/etc/secrets` rather than the current directory.
  SecretsManager(SecretsConfig config, bool local_execution, EnvLookup env = process_env());

  SecretsManager(const SecretsManager&) = delete;
  SecretsManager& operator=(const SecretsManager&) = delete;

  /// The secret with surrounding white space stripped (flytekit's `get`).
  /// Throws SecretsError when the names are invalid or nothing is found.
  std::string get(std::string_view group, std::string_view key,
                  std::string_view group_version = "") const;

  /// The secret exactly as stored (binary-safe, not stripped): flytekit's
  /// `get(..., encode_mode="rb")` minus its stripping, which corrupts binary
  /// keys ending in white-space bytes.
  std::string get_bytes(std::string_view group, std::string_view key,
                        std::string_view group_version = "") const;

  /// The prefixed env var name `get` tries first. Validates the names.
  std::string get_secrets_env_var(std::string_view group, std::string_view key,
                                  std::string_view group_version = "") const;

  /// The file path `get` tries. Validates the names.
  std::filesystem::path get_secrets_file(std::string_view group, std::string_view key,
                                         std::string_view group_version = "") const;

  /// flytekit's attribute-style access (`secrets.group.key`) in C++:
  /// `secrets["group"]["key"]` == `secrets.get("group", "key")`. Holds a
  /// reference: do not keep it beyond the manager's lifetime.
  class GroupSecrets {
   public:
    std::string operator[](std::string_view key) const { return manager_->get(group_, key); }
    const std::string& group() const { return group_; }

   private:
    friend class SecretsManager;
    GroupSecrets(const SecretsManager& manager, std::string group)
        : manager_(&manager), group_(std::move(group)) {}
    const SecretsManager* manager_;
    std::string group_;
  };
  GroupSecrets operator[](std::string_view group) const {
    return GroupSecrets(*this, std::string(group));
  }

  /// What the runtime calls before the task runs: validates every request and
  /// checks each is resolvable honouring its mount_requirement (ENV_VAR: an env
  /// var only; FILE: a file only; ANY: either) and its custom env_var. Reads no
  /// secret value. Throws one SecretsError listing every invalid or missing
  /// secret. On success the requests are remembered so `get` also honours
  /// their custom env_var.
  void check(const std::vector<SecretRequest>& requests);

  /// `check` without throwing or remembering: one message per invalid or
  /// missing request, empty when all resolve.
  std::vector<std::string> find_missing(const std::vector<SecretRequest>& requests) const;

  const SecretsConfig& config() const { return config_; }
  bool local_execution() const { return local_execution_; }

 private:
  std::string resolve(std::string_view group, std::string_view key,
                      std::string_view group_version) const;
  std::vector<std::string> env_names(std::string_view group, std::string_view key,
                                     std::string_view group_version) const;
  std::string missing_reason(const SecretRequest& request) const;

  SecretsConfig config_;
  bool local_execution_;
  EnvLookup env_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::string> cache_;  // cache_key -> raw value
  std::map<std::string, SecretRequest> declared_;               // cache_key -> request
};

}  // namespace flyte
