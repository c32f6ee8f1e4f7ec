#include "flyte/runtime/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

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
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec)) path = candidate;
    }
  }
  if (!path) return config;

  std::ifstream in(*path);
  if (!in) {
    throw ConfigError(
        fmt::format("config file {} (from {}) cannot be read: {}. Check the path, "
                    "or unset it to run with defaults.",
                    path->string(), why, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return from_yaml(text.str(), *path, env);
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
  YAML::Node node = YAML::Clone(*root_);
  for (const auto& part : split_path(key.path)) {
    if (!node.IsMap()) return std::nullopt;
    node = node[part];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
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
