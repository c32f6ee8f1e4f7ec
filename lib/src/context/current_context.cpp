#include "flyte/context/current_context.hpp"

#include "flyte/context/flyte_context_manager.hpp"

namespace flyte {

const ExecutionParameters& current_context() {
  const auto context = FlyteContextManager::current_context();
  const auto& state = context->execution_state();
  if (!state || !state->user_space_params()) {
    throw ContextError(
        "current_context(): no task is running in this context (the current FlyteContext has no "
        "execution parameters). It is available inside a task called by flyte-execute; in a "
        "thread the task started, adopt the task's context first "
        "(FlyteContextManager::adopt or propagate_context)");
  }
  // The parameters are owned by `context`, which the thread's stack keeps alive.
  return *state->user_space_params();
}

}  // namespace flyte
