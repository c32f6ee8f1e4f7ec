#pragma once

#include <stdexcept>
#include <string>

namespace flyte {

/// Thrown when the execution context is used in a way it cannot serve: asking
/// for something that was not configured for this run (checkpoint, stats,
/// secrets, decks, a task-type attribute), reading the task context outside a
/// task, or unbalancing the context stack. The message says what was asked for
/// and how to make it available, so it can be shown to a task author as is.
class ContextError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flyte
