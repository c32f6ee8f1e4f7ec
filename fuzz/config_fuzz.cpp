// Fuzzes YAML config parsing and typed lookups: any input may be rejected
// with a ConfigError, nothing else may escape and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flyte/runtime/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto env = flyte::env_from_map({});
  try {
    auto config = flyte::Config::from_yaml(text, "fuzz.yaml", env);
    (void)config.get({"storage.connection.endpoint", {}});
    (void)config.get_int({"statsd.port", {}}, 8125);
    (void)config.get_bool({"statsd.disabled", {}}, false);
    (void)config.get_or({"secrets.env_prefix", {}}, "_FSEC_");
  } catch (const flyte::ConfigError&) {
  }
  return 0;
}
