#include "flyte/runtime/child_outcome_failure.hpp"

#include <csignal>

#include <fmt/format.h>

namespace flyte {

TaskFailure failure_from_outcome(const ChildOutcome& outcome, const std::string& task_name) {
  const std::string tail = outcome.tail();
  std::string last = tail.empty() ? std::string() : fmt::format("\nLast output lines:\n{}", tail);
  if (outcome.dropped_output_bytes > 0) {
    last += fmt::format(
        "\n({} bytes of the task's output were dropped: the log reader was not keeping up)",
        outcome.dropped_output_bytes);
  }
  const std::string what = fmt::format("task '{}' {}", task_name, outcome.describe());

  if (!outcome.host_failure.empty() && !outcome.timed_out && outcome.forwarded_signal == 0) {
    // Not the task's doing: the host could not record the task's result (a
    // full or failing local disk). Another attempt, maybe on another node.
    return TaskFailure::system(
        fmt::format("flyte-execute could not record the result of task '{}': {}.{}", task_name,
                    outcome.host_failure, last),
        /*recoverable=*/true);
  }

  if (outcome.timed_out) {
    return TaskFailure::user(what + " and was stopped." + last, "USER:Timeout");
  }
  if (outcome.forwarded_signal != 0) {
    return TaskFailure::system(
        fmt::format("{}: the container was asked to stop ({}) before the task finished; a retry "
                    "may resume from its last checkpoint.{}",
                    what, signal_name(outcome.forwarded_signal), last),
        /*recoverable=*/true);
  }
  if (!outcome.exited && outcome.signal == SIGKILL) {
    return TaskFailure::user(
        what +
            ". Nothing in flyte-execute sent it: this is most often the kernel's OOM killer "
            "(the task exceeded its memory limit)." +
            last,
        "USER:OOMKilled", /*recoverable=*/true);
  }
  if (!outcome.exited) {
    return TaskFailure::user(fmt::format("{}: the task crashed.{}", what, last),
                             "USER:" + signal_name(outcome.signal));
  }
  return TaskFailure::user(
      fmt::format("{} without writing its outputs (did the task call exit() or _exit()?).{}", what,
                  last),
      "USER:RuntimeError");
}

}  // namespace flyte
