#pragma once

/// Where asynchronous work of a task goes (flytekit's eager-mode Controller,
/// `FlyteContext.worker_queue`). Eager execution (a task that launches other
/// tasks and awaits them) will provide the real implementation that submits
/// executions to Flyte's admin and tracks them; until then the context only
/// carries the handle, and InlineWorkerQueue runs work immediately in the
/// caller's thread (enough for local runs and tests).

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace flyte {

/// The lifecycle of a submitted work item.
enum class WorkItemPhase {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
};

std::string_view to_string(WorkItemPhase phase);

struct WorkItemStatus {
  WorkItemPhase phase = WorkItemPhase::QUEUED;
  /// Why the item failed; empty otherwise.
  std::string error;
};

class WorkerQueue {
 public:
  virtual ~WorkerQueue() = default;
  /// Queues `work` under a human-readable `name` (used in logs and ids) and
  /// returns the item's id, unique within this queue.
  virtual std::string submit(const std::string& name, std::function<void()> work) = 0;
  /// The current status of the item `id`; throws ContextError for an id this
  /// queue never returned.
  virtual WorkItemStatus status(const std::string& id) const = 0;
};

/// Runs each item to completion inside submit(); an exception thrown by the
/// item marks it FAILED with the exception's message instead of propagating.
/// Thread-safe.
class InlineWorkerQueue final : public WorkerQueue {
 public:
  std::string submit(const std::string& name, std::function<void()> work) override;
  WorkItemStatus status(const std::string& id) const override;

 private:
  mutable std::mutex mutex_;
  std::size_t next_ = 0;
  std::map<std::string, WorkItemStatus> items_;
};

}  // namespace flyte
