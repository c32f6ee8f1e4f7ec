#pragma once

/// error.pb: what the engine reads when a task fails (CONTRACT §2-3).

#include <chrono>
#include <cstddef>
#include <string>

#include "flyte/context/env_lookup.hpp"
#include "flyte/runtime/task_failure.hpp"

namespace flyteidl::core {
class ErrorDocument;
}

namespace flyte {

/// Bounds of the document's text fields. The engine refuses an error file over
/// its download limit (2 MB by default, CONTRACT §11) without a verdict, so
/// the document must always fit well under it.
inline constexpr std::size_t kMaxErrorMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxErrorCodeBytes = 1024;

/// The ErrorDocument for `failure`, stamped with `worker` and `when`.
/// Code and message pass through redact() so no secret value reaches the
/// engine, and are then bounded (kMaxError*Bytes): a longer message keeps its
/// head and its tail (the task's last output lines) with a note of the cut.
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
