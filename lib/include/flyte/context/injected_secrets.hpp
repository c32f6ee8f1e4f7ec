#pragma once

/// Secrets the platform put into the container before the task ran: env vars
/// under the secrets env prefix and files under the secrets folder.
///
/// The SecretsManager registers a value for redaction only when the task asks
/// for it, and only in the process that asked. A task that prints a secret it
/// read on its own (getenv, fopen) or that crashes after reading one would
/// leak it through the supervisor's relay and error.pb, which run in another
/// process. Registering every injected value up front, before the task
/// process starts, closes both holes.

#include <cstddef>
#include <string>
#include <vector>

#include "flyte/context/secrets_config.hpp"

namespace flyte {

/// Registers with register_sensitive_value() the value of every entry of
/// `environment` ("NAME=VALUE", as in `environ`) whose name starts with
/// `config.env_prefix`, and the content of every regular file under
/// `config.default_dir` of at most `max_file_size` bytes. A missing or
/// unreadable folder is not an error (most containers have none). Returns how
/// many values were registered.
std::size_t register_injected_secrets(const SecretsConfig& config,
                                      const std::vector<std::string>& environment,
                                      std::size_t max_file_size = 1 << 20);

/// This process's environment as "NAME=VALUE" entries.
std::vector<std::string> process_environment();

}  // namespace flyte
