#pragma once

/// Everything a run needs, resolved once by the parent process from flags,
/// env and config before the task process starts (ARCHITECTURE: data flows
/// one way; nothing downstream re-reads argv or env).

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "flyte/context/env_lookup.hpp"
#include "flyte/context/secrets_config.hpp"
#include "flyte/context/stats_config.hpp"
#include "flyte/io/file_access.hpp"
#include "flyte/runtime/container_identity.hpp"
#include "flyte/runtime/output_offloading.hpp"
#include "flyte/runtime/run_options.hpp"

namespace flyte {

struct ExecutionPlan {
  RunOptions options;
  TaskRef task;
  bool container_run = false;  ///< TASK_EXECUTION (engine gave --inputs/--output-prefix)
  EnvLookup env;

  ContainerIdentity identity;
  std::optional<std::size_t> array_index;  ///< set for --map-task runs
  std::uint32_t attempt = 0;
  std::chrono::system_clock::time_point execution_date;

  SecretsConfig secrets;
  StatsConfig stats;
  OffloadThresholds offload;

  std::shared_ptr<FileAccessProvider> file_access;
  std::filesystem::path run_dir;      ///< this run's sandbox: holds working_dir and engine_dir
  bool keep_sandbox = false;          ///< leave run_dir in place when the run ends
  std::filesystem::path working_dir;  ///< fresh, 0700, the task's
  std::filesystem::path engine_dir;   ///< fresh, 0700, ours
  std::string output_prefix;          ///< where outputs.pb / error.pb / deck.html go
  std::string raw_output_prefix;
  std::string error_file_name;  ///< error.pb or error-<hex>.pb
  /// Bound on publishing the results to the output prefix, all retries
  /// included (storage.connection.publish-timeout, seconds; flyte/io/storage_deadline.hpp).
  std::chrono::seconds publish_timeout{60};

  /// Results are staged here by the task process and published by the parent.
  std::filesystem::path staging_dir() const { return engine_dir / "staged"; }
};

}  // namespace flyte
