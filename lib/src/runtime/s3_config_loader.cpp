#include "flyte/runtime/s3_config_loader.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "flyte/context/redaction.hpp"

namespace flyte {

namespace {

std::optional<std::string> setting(const Config& config, const EnvLookup& env, const ConfigKey& key,
                                   std::initializer_list<std::string_view> aws_names) {
  if (auto value = config.get(key)) return value;
  return first_present(env, aws_names);
}

}  // namespace

S3Config load_s3_config(const Config& config, const EnvLookup& env) {
  S3Config s3;
  if (auto v = setting(config, env, {"storage.connection.endpoint", {"FLYTE_AWS_ENDPOINT"}},
                       {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})) {
    s3.endpoint = *v;
  }
  if (auto v = setting(config, env, {"storage.connection.access-key", {"FLYTE_AWS_ACCESS_KEY_ID"}},
                       {"AWS_ACCESS_KEY_ID"})) {
    s3.access_key = *v;
  }
  if (auto v =
          setting(config, env, {"storage.connection.secret-key", {"FLYTE_AWS_SECRET_ACCESS_KEY"}},
                  {"AWS_SECRET_ACCESS_KEY"})) {
    s3.secret_key = *v;
  }
  if (auto v =
          setting(config, env, {"storage.connection.session-token", {"FLYTE_AWS_SESSION_TOKEN"}},
                  {"AWS_SESSION_TOKEN"})) {
    s3.session_token = *v;
  }
  if (auto v = setting(config, env, {"storage.connection.region", {"FLYTE_AWS_REGION"}},
                       {"AWS_REGION", "AWS_DEFAULT_REGION"});
      v && !v->empty()) {
    s3.region = *v;
  }
  const ConfigKey style_key{"storage.connection.addressing-style", {}};
  if (auto v = config.get(style_key)) {
    try {
      s3.addressing_style = parse_s3_addressing_style(*v);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(fmt::format("storage.connection.addressing-style (or {}): {}",
                                    Config::env_name_for(style_key.path), error.what()));
    }
  }
  s3.max_retries =
      static_cast<int>(config.get_int({"storage.connection.max-retries", {}}, s3.max_retries));
  const auto threshold = config.get_int({"storage.connection.multipart-threshold", {}},
                                        static_cast<long long>(s3.multipart_threshold));
  const auto part_size = config.get_int({"storage.connection.multipart-part-size", {}},
                                        static_cast<long long>(s3.multipart_part_size));
  if (threshold <= 0 || part_size <= 0 || s3.max_retries < 0) {
    throw ConfigError(
        "storage.connection.multipart-threshold and multipart-part-size must be positive byte "
        "counts and max-retries 0 or more");
  }
  // botocore's names (connect_timeout, read_timeout), in flytekit's
  // dashed key style; seconds.
  const auto connect_timeout =
      config.get_int({"storage.connection.connect-timeout", {}}, s3.connect_timeout_seconds);
  const auto read_timeout =
      config.get_int({"storage.connection.read-timeout", {}}, s3.stall_timeout_seconds);
  if (connect_timeout <= 0 || read_timeout <= 0) {
    throw ConfigError(fmt::format(
        "storage.connection.connect-timeout ({}) and read-timeout ({}) must be positive numbers "
        "of seconds (FLYTE_STORAGE_CONNECTION_CONNECT_TIMEOUT / _READ_TIMEOUT)",
        connect_timeout, read_timeout));
  }
  s3.connect_timeout_seconds = static_cast<long>(connect_timeout);
  s3.stall_timeout_seconds = static_cast<long>(read_timeout);
  s3.multipart_threshold = static_cast<std::uint64_t>(threshold);
  s3.multipart_part_size = static_cast<std::uint64_t>(part_size);
  register_sensitive_value(s3.secret_key);
  register_sensitive_value(s3.session_token);
  return s3;
}

}  // namespace flyte
