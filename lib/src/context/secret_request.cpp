#include "flyte/context/secret_request.hpp"

#include <fmt/format.h>

#include "flyte/context/secrets_error.hpp"
#include "flyte/model/model_error.hpp"
#include "flyteidl/core/security.pb.h"

namespace flyte {
namespace {

// A name quoted for an error message, control bytes shown as \xNN so that a
// NUL or newline in a bad name is visible instead of cutting the message.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string_view to_string(MountType type) {
  switch (type) {
    case MountType::ANY:
      return "ANY";
    case MountType::ENV_VAR:
      return "ENV_VAR";
    case MountType::FILE:
      return "FILE";
  }
  return "UNKNOWN";
}

void validate_secret_name_part(std::string_view field, std::string_view value, bool required) {
  auto fail = [&](std::string_view why) {
    throw SecretsError(fmt::format(
        "Invalid secret {} {}: {}. Secret groups, keys and versions are single names (letters, "
        "digits, '-', '_', ':' ...), never paths; fix the name in the task's secret request.",
        field, quoted(value), why));
  };
  if (value.empty()) {
    if (required) fail("it must not be empty");
    return;
  }
  // A leading '.' is allowed: Kubernetes secret keys such as `.dockerconfigjson`
  // are real. A lone "." would name the group folder itself, and ".." is
  // refused below, so no name can leave its folder.
  if (value == ".") fail("it must not be '.' (that is the folder itself)");
  if (value.find("..") != std::string_view::npos) fail("it must not contain '..'");
  if (value.find('/') != std::string_view::npos) fail("it must not contain '/'");
  if (value.find('\\') != std::string_view::npos) fail("it must not contain '\\'");
  if (value.find('=') != std::string_view::npos) {
    fail("it must not contain '=' (it would end the env var name)");
  }
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) fail("it must not contain a NUL byte");
    if (byte < 0x20 || byte == 0x7f) fail("it must not contain control characters");
  }
}

bool is_valid_env_var_name(std::string_view name) {
  if (name.empty()) return false;
  const auto first = name.front();
  if (!(first == '_' || (first >= 'A' && first <= 'Z'))) return false;
  for (const char c : name) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void SecretRequest::validate() const {
  validate_secret_name_part("group", group, true);
  validate_secret_name_part("key", key, true);
  validate_secret_name_part("group_version", group_version, false);
  if (env_var && !is_valid_env_var_name(*env_var)) {
    throw SecretsError(fmt::format(
        "Invalid env_var {} in the secret request for group {} key {}: it must match "
        "^[A-Z_][A-Z0-9_]*$ (upper-case letters, digits and '_', not starting with a digit).",
        quoted(*env_var), quoted(group), quoted(key)));
  }
}

flyteidl::core::Secret SecretRequest::to_flyte_idl() const {
  flyteidl::core::Secret message;
  message.set_group(group);
  message.set_group_version(group_version);
  message.set_key(key);
  message.set_mount_requirement(static_cast<flyteidl::core::Secret::MountType>(mount_requirement));
  if (env_var) message.set_env_var(*env_var);
  return message;
}

SecretRequest SecretRequest::from_flyte_idl(const flyteidl::core::Secret& message) {
  const int mount = static_cast<int>(message.mount_requirement());
  if (mount < static_cast<int>(MountType::ANY) || mount > static_cast<int>(MountType::FILE)) {
    throw ModelError(fmt::format(
        "flyteidl.core.Secret.mount_requirement is {} for group \"{}\" key \"{}\"; expected "
        "ANY (0), ENV_VAR (1) or FILE (2)",
        mount, message.group(), message.key()));
  }
  SecretRequest request;
  request.group = message.group();
  request.group_version = message.group_version();
  request.key = message.key();
  request.mount_requirement = static_cast<MountType>(mount);
  if (!message.env_var().empty()) request.env_var = message.env_var();
  return request;
}

}  // namespace flyte
