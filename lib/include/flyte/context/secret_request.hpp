#pragma once

/// A secret a task declares it needs (flytekit's `Secret`, flyteidl's
/// `flyteidl.core.Secret` in security.proto), plus the naming rules shared by
/// requests and the SecretsManager.

#include <optional>
#include <string>
#include <string_view>

namespace flyteidl::core {
class Secret;
}  // namespace flyteidl::core

namespace flyte {

/// How the task needs the secret delivered; numbers are flyteidl's
/// `Secret.MountType`.
enum class MountType { ANY = 0, ENV_VAR = 1, FILE = 2 };

/// The enum name as flyteidl spells it (`"ANY"`, `"ENV_VAR"`, `"FILE"`).
std::string_view to_string(MountType type);

/// Every member has a default initializer so that partial aggregate
/// initialisation (`SecretRequest{.group = "g", .key = "k"}`) compiles cleanly
/// under -Wextra (GCC's -Wmissing-field-initializers).
struct SecretRequest {
  /// For K8s secrets the name of the v1/Secret object. Required.
  std::string group{};
  /// The key within the group. Required here (flyteidl allows it empty for AWS
  /// Secrets Manager, but the SecretsManager cannot name an env var or file
  /// without it).
  std::string key{};
  /// Optional; only some secret stores version secrets.
  std::string group_version{};
  /// ANY: env var or file; ENV_VAR: env var only; FILE: file only.
  MountType mount_requirement = MountType::ANY;
  /// A custom env var the platform sets: with ENV_VAR (or ANY) it holds the
  /// value, with FILE it holds the path of the secret file (flyteidl's
  /// contract). Must match `^[A-Z_][A-Z0-9_]*$`. Absent = flyteidl's "".
  std::optional<std::string> env_var{};

  /// Throws SecretsError naming the first bad field: group/key/group_version
  /// per validate_secret_name_part, env_var per is_valid_env_var_name.
  void validate() const;

  /// flyteidl's empty string for an absent env_var; no validation on the way
  /// out, so a request round-trips exactly.
  flyteidl::core::Secret to_flyte_idl() const;
  /// Throws ModelError for a mount_requirement number flyteidl does not define
  /// (proto3 enums are open). An empty env_var becomes nullopt.
  static SecretRequest from_flyte_idl(const flyteidl::core::Secret& message);

  bool operator==(const SecretRequest&) const = default;
};

/// Rejects a group, key or group_version that could escape the secrets
/// directory or forge an env var name: empty (when `required`), containing
/// `/`, `\`, `..`, `=`, a NUL byte or another control character, or exactly
/// `.` (the folder itself). A leading dot is allowed: Kubernetes secret keys
/// such as `.dockerconfigjson` exist. `field` ("group", "key",
/// "group_version") names the part in the message. Throws SecretsError; the
/// value is quoted with control bytes escaped, since these are names, not
/// secrets.
void validate_secret_name_part(std::string_view field, std::string_view value, bool required);

/// True for names matching `^[A-Z_][A-Z0-9_]*$` (flytekit's rule for env_var).
bool is_valid_env_var_name(std::string_view name);

}  // namespace flyte
