#pragma once

/// error.pb: what the engine reads when a task fails (CONTRACT §2-3).

#include <chrono>
#include <string>

#include "flyte/context/env_lookup.hpp"
#include "flyte/runtime/task_failure.hpp"

namespace flyteidl::core {
class ErrorDocument;
}

namespace flyte {

/// The ErrorDocument for `failure`, stamped with `worker` and `when`.
/// The message passes through redact() so no secret value reaches the engine.
flyteidl::core::ErrorDocument make_error_document(const TaskFailure& failure,
                                                  const std::string& worker,
                                                  std::chrono::system_clock::time_point when);

/// The error file's name: `error.pb`, or `error-<32 hex>.pb` when
/// FLYTE_INTERNAL_DIST_ERROR_STRATEGY (or _F_DES) is present, so that the
/// workers of a distributed job do not overwrite each other's errors.
std::string error_file_name(const EnvLookup& env);

/// The worker name for ContainerError.worker (FLYTE_INTERNAL_WORKER_NAME or _F_WN),
/// only under a distributed error strategy, else "" (flytekit's
/// entrypoint._get_worker_name).
std::string worker_name(const EnvLookup& env);

/// The process exit status after a failure was recorded in error.pb:
/// 0 in container mode (the engine reads the file) unless FLYTE_FAIL_ON_ERROR
/// is true/t/1, then 1; a local run always fails loudly with 1.
int exit_code_after_failure(const EnvLookup& env, bool local_run);

}  // namespace flyte
