#pragma once

/// The task author's entry point (flytekit's `flytekit.current_context()`).

#include "flyte/context/execution_parameters.hpp"

namespace flyte {

/// The ExecutionParameters of the calling thread's current FlyteContext (its
/// execution state's user-space params). Throws ContextError when the current
/// context has none, i.e. outside a task run (or in a thread that did not
/// adopt the task's context: see FlyteContextManager).
///
/// The reference stays valid while the context that holds it stays pushed,
/// which is the whole task call for a task. To keep the parameters longer,
/// hold `FlyteContextManager::current_context()->user_space_params()`.
const ExecutionParameters& current_context();

}  // namespace flyte
