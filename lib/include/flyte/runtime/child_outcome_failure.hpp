#pragma once

/// What to tell Flyte when the task process ended without leaving a result:
/// it crashed, was killed, called exit(), or ran out of time. The kind says
/// whether a retry can help: an OOM kill (SIGKILL we did not send) or the
/// pod being stopped (SIGTERM) is RECOVERABLE; a crash, an exit() without
/// outputs or a timeout is the task's own doing and NON_RECOVERABLE.

#include "flyte/runtime/supervisor.hpp"
#include "flyte/runtime/task_failure.hpp"

namespace flyte {

TaskFailure failure_from_outcome(const ChildOutcome& outcome, const std::string& task_name);

}  // namespace flyte
