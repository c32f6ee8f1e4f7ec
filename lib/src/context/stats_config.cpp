#include "flyte/context/stats_config.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace flyte {
namespace {

/// The value and the name it came from, FLYTE_STATSD_<key> before FLYTE_SECRETS_<key>.
std::optional<std::pair<std::string, std::string>> lookup(const EnvLookup& env,
                                                          std::string_view key) {
  for (const char* section : {"FLYTE_STATSD_", "FLYTE_SECRETS_"}) {
    std::string name = std::string(section) + std::string(key);
    if (auto value = env(name)) return std::make_pair(std::move(name), std::move(*value));
  }
  return std::nullopt;
}

int parse_port(const std::string& name, const std::string& value) {
  // Surrounding blanks are common in hand-written env files; tolerate them.
  const auto first = value.find_first_not_of(" \t\r\n");
  const auto last = value.find_last_not_of(" \t\r\n");
  const std::string_view trimmed = first == std::string::npos
                                       ? std::string_view{}
                                       : std::string_view(value).substr(first, last - first + 1);
  int port = 0;
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), port);
  if (trimmed.empty() || ec != std::errc{} || end != trimmed.data() + trimmed.size() || port < 1 ||
      port > 65535) {
    throw std::invalid_argument("statsd config: " + name + "='" + value +
                                "' is not a valid UDP port; set it to an integer in 1..65535 "
                                "(default 8125) or unset it");
  }
  return port;
}

}  // namespace

StatsConfig StatsConfig::from_env(const EnvLookup& env, StatsConfig base) {
  StatsConfig cfg = std::move(base);
  if (auto host = lookup(env, "HOST")) {
    if (host->second.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw std::invalid_argument("statsd config: " + host->first +
                                  " is set but empty; set it to the statsd host name or "
                                  "address (default localhost) or unset it");
    }
    cfg.host = host->second;
  }
  if (auto port = lookup(env, "PORT")) cfg.port = parse_port(port->first, port->second);
  if (auto disabled = lookup(env, "DISABLED")) cfg.disabled = parse_env_bool(disabled->second);
  if (auto tags = lookup(env, "DISABLE_TAGS")) cfg.disable_tags = parse_env_bool(tags->second);
  if (auto dog = env("FLYTE_STATSD_DOGSTATSD_TAGS")) cfg.dogstatsd_tags = parse_env_bool(*dog);
  return cfg;
}

StatsConfig StatsConfig::from_env(const EnvLookup& env) {
  return from_env(env, StatsConfig{});
}

}  // namespace flyte
