#include "flyte/context/secrets_manager.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "flyte/context/redaction.hpp"

namespace flyte {
namespace fs = std::filesystem;
namespace {

std::string stripped(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  return std::string(text.substr(first, last - first + 1));
}

// ASCII only, like the names Flyte's secret stores accept; Python's Unicode
// casing would differ only for non-ASCII names.
std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void validate_names(std::string_view group, std::string_view key, std::string_view group_version) {
  validate_secret_name_part("group", group, true);
  validate_secret_name_part("key", key, true);
  validate_secret_name_part("group_version", group_version, false);
}

// NUL cannot occur in a validated name, so the joined key is unambiguous.
std::string cache_key(std::string_view group, std::string_view key,
                      std::string_view group_version) {
  std::string out(group);
  out += '\0';
  out += group_version;
  out += '\0';
  out += key;
  return out;
}

// Whether `path` is (or links to) a regular file. Throws when it exists but
// is something else, or cannot be examined, so the user learns why instead of
// getting "not found".
bool regular_file_exists(const fs::path& path, std::string_view group, std::string_view key) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) return false;
  if (error) {
    throw SecretsError(fmt::format("Cannot check secret file {} for key {} in group {}: {}",
                                   path.string(), key, group, error.message()));
  }
  if (!fs::is_regular_file(status)) {
    throw SecretsError(fmt::format(
        "Secret file {} for key {} in group {} exists but is not a regular file; mount the secret "
        "as a file or fix secrets.default_dir / FLYTE_SECRETS_DEFAULT_DIR",
        path.string(), key, group));
  }
  return true;
}

// The whole file, binary, or nullopt when it does not exist.
std::optional<std::string> read_secret_file(const fs::path& path, std::string_view group,
                                            std::string_view key) {
  if (!regular_file_exists(path, group, key)) return std::nullopt;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    throw SecretsError(fmt::format("Cannot open secret file {} for key {} in group {}: {}",
                                   path.string(), key, group, std::strerror(errno)));
  }
  std::string content;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    content.append(buffer, count);
  }
  if (std::ferror(file.get())) {
    throw SecretsError(fmt::format("Cannot read secret file {} for key {} in group {}",
                                   path.string(), key, group));
  }
  return content;
}

std::string request_text(std::string_view group, std::string_view key,
                         std::string_view group_version) {
  if (group_version.empty()) return fmt::format("Secret(group={}, key={})", group, key);
  return fmt::format("Secret(group={}, key={}, group_version={})", group, key, group_version);
}

}  // namespace

SecretsManager::SecretsManager(SecretsConfig config, bool local_execution, EnvLookup env)
    : config_(std::move(config)), local_execution_(local_execution), env_(std::move(env)) {
  // flytekit strips each setting, whichever layer it came from.
  config_.env_prefix = stripped(config_.env_prefix);
  config_.file_prefix = stripped(config_.file_prefix);
  config_.default_dir = stripped(config_.default_dir.string());
  // An empty directory would resolve secret files against the current
  // directory (flytekit's os.path.join("", ...)); use the default instead.
  if (config_.default_dir.empty()) config_.default_dir = SecretsConfig{}.default_dir;
  if (!env_) env_ = process_env();
}

std::string SecretsManager::get_secrets_env_var(std::string_view group, std::string_view key,
                                                std::string_view group_version) const {
  validate_names(group, key, group_version);
  // Appends rather than `"_" + upper(...)`: GCC 12 warns falsely (-Wrestrict) on the latter.
  std::string name = config_.env_prefix;
  name.append(upper(group));
  if (!group_version.empty()) name.append(1, '_').append(upper(group_version));
  name.append(1, '_').append(upper(key));
  return name;
}

fs::path SecretsManager::get_secrets_file(std::string_view group, std::string_view key,
                                          std::string_view group_version) const {
  validate_names(group, key, group_version);
  fs::path path = config_.default_dir / lower(group);
  if (!group_version.empty()) path /= lower(group_version);
  path /= config_.file_prefix + lower(key);
  return path;
}

std::vector<std::string> SecretsManager::env_names(std::string_view group, std::string_view key,
                                                   std::string_view group_version) const {
  std::vector<std::string> names{get_secrets_env_var(group, key, group_version)};
  if (local_execution_ && !config_.env_prefix.empty()) {
    names.push_back(names.front().substr(config_.env_prefix.size()));
  }
  return names;
}

std::string SecretsManager::resolve(std::string_view group, std::string_view key,
                                    std::string_view group_version) const {
  validate_names(group, key, group_version);
  const std::string id = cache_key(group, key, group_version);
  std::optional<SecretRequest> declared;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    if (auto it = declared_.find(id); it != declared_.end()) declared = it->second;
  }
  const bool custom_env = declared && declared->env_var;
  const bool custom_is_path = custom_env && declared->mount_requirement == MountType::FILE;

  std::optional<std::string> value;
  std::vector<std::string> tried_env = env_names(group, key, group_version);
  for (const auto& name : tried_env) {
    if ((value = env_(name))) break;
  }
  if (!value && custom_env && !custom_is_path) {
    tried_env.push_back(*declared->env_var);
    value = env_(*declared->env_var);
  }
  const fs::path file = get_secrets_file(group, key, group_version);
  if (!value) value = read_secret_file(file, group, key);
  std::string tried_custom_file;
  if (!value && custom_is_path) {
    if (auto path = env_(*declared->env_var); path && !path->empty()) {
      tried_custom_file = fmt::format("FilePath: {} (from Env Var:{})", *path, *declared->env_var);
      value = read_secret_file(*path, group, key);
    } else {
      tried_custom_file = fmt::format("Env Var:{} (a file path; unset)", *declared->env_var);
    }
  }
  if (!value) {
    std::string message = fmt::format(
        "Please make sure to add secret_requests=[{}] in @task (the task's secret requests). "
        "Unable to find secret for key {} in group {} in Env Var:{} and FilePath: {}",
        request_text(group, key, group_version), key, group, tried_env.front(), file.string());
    std::vector<std::string> also;
    for (std::size_t i = 1; i < tried_env.size(); ++i) also.push_back("Env Var:" + tried_env[i]);
    if (!tried_custom_file.empty()) also.push_back(tried_custom_file);
    if (!also.empty()) message += fmt::format(" (also tried {})", fmt::join(also, ", "));
    throw SecretsError(message);
  }

  std::lock_guard lock(mutex_);
  // A concurrent first read may have won; every caller then sees one value.
  return cache_.emplace(id, std::move(*value)).first->second;
}

std::string SecretsManager::get_bytes(std::string_view group, std::string_view key,
                                      std::string_view group_version) const {
  std::string value = resolve(group, key, group_version);
  register_sensitive_value(value);
  return value;
}

std::string SecretsManager::get(std::string_view group, std::string_view key,
                                std::string_view group_version) const {
  // get_bytes registers both the raw and the stripped form.
  return stripped(get_bytes(group, key, group_version));
}

std::string SecretsManager::missing_reason(const SecretRequest& request) const {
  try {
    request.validate();
  } catch (const SecretsError& error) {
    return error.what();
  }
  const auto& [group, key, group_version, mount, env_var] = request;
  std::vector<std::string> names = env_names(group, key, group_version);
  const bool custom_is_path = env_var && mount == MountType::FILE;
  if (env_var && !custom_is_path) names.push_back(*env_var);

  bool env_ok = false;
  for (const auto& name : names) env_ok = env_ok || env_(name).has_value();

  const fs::path file = get_secrets_file(group, key, group_version);
  std::string file_places = "FilePath: " + file.string();
  bool file_ok = false;
  try {
    // Probed even for ENV_VAR so that an ANY-style message stays complete; a
    // probe error only matters where a file could satisfy the request.
    file_ok = regular_file_exists(file, group, key);
    if (!file_ok && custom_is_path) {
      const auto path = env_(*env_var);
      if (path && !path->empty()) {
        file_places += fmt::format(" or FilePath: {} (from Env Var:{})", *path, *env_var);
        file_ok = regular_file_exists(*path, group, key);
      } else {
        file_places += fmt::format(" or the file named by Env Var:{} (unset)", *env_var);
      }
    }
  } catch (const SecretsError& error) {
    if (mount == MountType::FILE || (mount == MountType::ANY && !env_ok)) return error.what();
  }

  const std::string env_places = "Env Var:" + fmt::format("{}", fmt::join(names, " or Env Var:"));
  const std::string what = fmt::format("{} (mount_requirement {})",
                                       request_text(group, key, group_version), to_string(mount));
  switch (mount) {
    case MountType::ENV_VAR:
      if (env_ok) return {};
      return fmt::format("{}: not found in {}", what, env_places);
    case MountType::FILE:
      if (file_ok) return {};
      return fmt::format("{}: not found at {}", what, file_places);
    case MountType::ANY:
      if (env_ok || file_ok) return {};
      return fmt::format("{}: not found in {} nor at {}", what, env_places, file_places);
  }
  return {};
}

std::vector<std::string> SecretsManager::find_missing(
    const std::vector<SecretRequest>& requests) const {
  std::vector<std::string> missing;
  for (const auto& request : requests) {
    if (auto reason = missing_reason(request); !reason.empty()) missing.push_back(reason);
  }
  return missing;
}

void SecretsManager::check(const std::vector<SecretRequest>& requests) {
  const auto missing = find_missing(requests);
  if (!missing.empty()) {
    throw SecretsError(fmt::format(
        "{} of the task's {} declared secret(s) cannot be resolved; make sure each exists in "
        "the secret store for this project and domain and can be mounted as requested:\n  - {}",
        missing.size(), requests.size(), fmt::join(missing, "\n  - ")));
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& request : requests) {
      declared_[cache_key(request.group, request.key, request.group_version)] = request;
    }
  }
  // A custom env_var names a variable (or, for FILE, a file) the task may read
  // directly: mask its value before the task can print it. The standard
  // places are registered when the host starts (injected_secrets.hpp).
  for (const auto& request : requests) {
    if (!request.env_var) continue;
    const auto value = env_(*request.env_var);
    if (!value) continue;
    if (request.mount_requirement != MountType::FILE) {
      register_sensitive_value(*value);
    } else if (!value->empty()) {
      try {
        if (auto content = read_secret_file(*value, request.group, request.key)) {
          register_sensitive_value(*content);
        }
      } catch (const SecretsError&) {
        // Reported when the task asks for the value.
      }
    }
  }
}

}  // namespace flyte
