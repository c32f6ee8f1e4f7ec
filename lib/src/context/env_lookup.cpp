#include "flyte/context/env_lookup.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace flyte {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str())) return std::string(value);
    return std::nullopt;
  };
}

EnvLookup env_from_map(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<std::string> first_present(const EnvLookup& env,
                                         std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (auto value = env(name)) return value;
  }
  return std::nullopt;
}

bool parse_env_bool(std::string_view value) {
  std::string lowered(value);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !(lowered.empty() || lowered == "false" || lowered == "0" || lowered == "off" ||
           lowered == "no");
}

}  // namespace flyte
