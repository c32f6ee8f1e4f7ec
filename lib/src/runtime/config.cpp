#include "flyte/runtime/config.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace flyte {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

/// Reads the config file, refusing what cannot be one: a folder (a ConfigMap
/// mounted where its key was expected), a fifo or device (a read that never
/// ends), or a file far larger than any real config.
std::string read_config_file(const std::filesystem::path& path, const std::string& why) {
  // O_NONBLOCK: opening a fifo must not wait for a writer before we can see
  // that it is one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    throw ConfigError(fmt::format(
        "config file {} (from {}) cannot be read: {}. {}", path.string(), why, std::strerror(error),
        error == EISDIR ? "It is a folder: point at the YAML file inside it (a ConfigMap mounts "
                          "its keys as files, e.g. /etc/flyte/config/config.yaml)"
                        : "Check the path, or unset it to run with defaults."));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    throw ConfigError(fmt::format("config file {} (from {}) cannot be examined: {}", path.string(),
                                  why, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    throw ConfigError(fmt::format(
        "config file {} (from {}) is a folder, not a file: point at the YAML file inside it (a "
        "ConfigMap mounts its keys as files, e.g. /etc/flyte/config/config.yaml)",
        path.string(), why));
  }
  if (!S_ISREG(st.st_mode)) {
    throw ConfigError(fmt::format(
        "config file {} (from {}) is not a regular file (a fifo, socket or device); refusing "
        "to read it. Point at a YAML file",
        path.string(), why));
  }
  if (static_cast<std::uint64_t>(st.st_size) > Config::kMaxFileBytes) {
    throw ConfigError(
        fmt::format("config file {} (from {}) is {} bytes, more than the limit of {} bytes "
                    "for a config file; is it the right file?",
                    path.string(), why, st.st_size, Config::kMaxFileBytes));
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ConfigError(fmt::format("config file {} (from {}) cannot be read: {}", path.string(),
                                    why, std::strerror(errno)));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    // The file may grow after fstat; the limit holds for what is read.
    if (text.size() > Config::kMaxFileBytes) {
      throw ConfigError(
          fmt::format("config file {} (from {}) grew beyond the limit of {} bytes while being read",
                      path.string(), why, Config::kMaxFileBytes));
    }
  }
  return text;
}

}  // namespace

std::string Config::env_name_for(std::string_view path) {
  std::string name = "FLYTE_";
  for (char c : path) {
    name += (c == '.' || c == '-') ? '_'
                                   : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

Config Config::from_env_only(const EnvLookup& env) {
  Config config;
  config.env_ = env;
  return config;
}

Config Config::load(const std::optional<std::filesystem::path>& explicit_file,
                    const EnvLookup& env) {
  Config config = from_env_only(env);
  std::optional<std::filesystem::path> path = explicit_file;
  std::string why = "--config";
  if (!path) {
    if (auto from_env = env("FLYTECTL_CONFIG"); from_env && !from_env->empty()) {
      path = *from_env;
      why = "FLYTECTL_CONFIG";
    }
  }
  if (!path) {
    auto home = env("HOME");
    if (home && !home->empty()) {
      auto candidate = std::filesystem::path(*home) / ".flyte" / "config.yaml";
      // Optional only in being absent: a folder or fifo there is refused
      // like an explicit one, not skipped in silence.
      std::error_code ec;
      if (std::filesystem::exists(std::filesystem::symlink_status(candidate, ec))) {
        path = candidate;
        why = "the default ~/.flyte/config.yaml";
      }
    }
  }
  if (!path) return config;
  return from_yaml(read_config_file(*path, why), *path, env);
}

Config Config::from_yaml(std::string_view text, const std::filesystem::path& source,
                         const EnvLookup& env) {
  Config config = from_env_only(env);
  try {
    auto root = std::make_shared<YAML::Node>(YAML::Load(std::string(text)));
    if (!root->IsNull() && !root->IsMap()) {
      throw ConfigError(fmt::format(
          "config file {}: the top level must be a mapping of sections (e.g. 'storage:', "
          "'statsd:'), found a {}",
          source.string(), root->IsSequence() ? "list" : "scalar"));
    }
    config.root_ = std::move(root);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("config file {} is not valid YAML at line {}, column {}: {}",
                                  source.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  config.file_ = source;
  return config;
}

std::optional<Config::Found> Config::find(const ConfigKey& key) const {
  std::vector<std::string> names{env_name_for(key.path)};
  names.insert(names.end(), key.env_aliases.begin(), key.env_aliases.end());
  if (env_) {
    for (const auto& name : names) {
      if (auto value = env_(name)) return Found{*value, "env " + name};
    }
  }
  if (!root_) return std::nullopt;
  // A const walk: Node::operator= would assign through the reference (hence
  // the old deep copy of the whole tree per lookup), and the non-const
  // operator[] inserts missing keys. reset() rebinds without copying.
  const YAML::Node& root = *root_;
  YAML::Node node;
  node.reset(root);
  for (const auto& part : split_path(key.path)) {
    if (!node.IsMap()) return std::nullopt;
    const YAML::Node& current = node;
    const YAML::Node child = current[part];
    if (!child.IsDefined() || child.IsNull()) return std::nullopt;
    node.reset(child);
  }
  const std::string source = fmt::format("{}: key '{}'", file_->string(), key.path);
  if (!node.IsScalar()) {
    throw ConfigError(fmt::format("{} must be a single value, found a {}", source,
                                  node.IsMap() ? "mapping" : "list"));
  }
  return Found{node.Scalar(), source};
}

std::optional<std::string> Config::get(const ConfigKey& key) const {
  if (auto found = find(key)) return found->value;
  return std::nullopt;
}

std::string Config::get_or(const ConfigKey& key, std::string fallback) const {
  auto value = get(key);
  return value ? *value : std::move(fallback);
}

bool Config::get_bool(const ConfigKey& key, bool fallback) const {
  auto found = find(key);
  if (!found) return fallback;
  if (found->source.rfind("env ", 0) == 0) return parse_env_bool(found->value);
  std::string lowered = found->value;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "true" || lowered == "yes" || lowered == "on" || lowered == "1") return true;
  if (lowered == "false" || lowered == "no" || lowered == "off" || lowered == "0") return false;
  throw ConfigError(
      fmt::format("{}: expected a boolean (true/false), found '{}'", found->source, found->value));
}

long long Config::get_int(const ConfigKey& key, long long fallback) const {
  auto found = find(key);
  if (!found) return fallback;
  long long value = 0;
  const auto& text = found->value;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw ConfigError(
        fmt::format("{}: expected an integer, found '{}'", found->source, found->value));
  }
  return value;
}

}  // namespace flyte
