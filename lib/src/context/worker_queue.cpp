#include "flyte/context/worker_queue.hpp"

#include <exception>
#include <utility>

#include <fmt/format.h>

#include "flyte/context/context_error.hpp"

namespace flyte {

std::string_view to_string(WorkItemPhase phase) {
  switch (phase) {
    case WorkItemPhase::QUEUED:
      return "QUEUED";
    case WorkItemPhase::RUNNING:
      return "RUNNING";
    case WorkItemPhase::SUCCEEDED:
      return "SUCCEEDED";
    case WorkItemPhase::FAILED:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::string InlineWorkerQueue::submit(const std::string& name, std::function<void()> work) {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    id = fmt::format("{}-{}", name, next_++);
    items_[id] = WorkItemStatus{WorkItemPhase::RUNNING, {}};
  }
  WorkItemStatus result{WorkItemPhase::SUCCEEDED, {}};
  try {
    if (!work) throw ContextError(fmt::format("work item '{}' has no function to run", name));
    work();
  } catch (const std::exception& e) {
    result = {WorkItemPhase::FAILED, e.what()};
  } catch (...) {
    result = {WorkItemPhase::FAILED, "unknown exception (not derived from std::exception)"};
  }
  std::lock_guard lock(mutex_);
  items_[id] = std::move(result);
  return id;
}

WorkItemStatus InlineWorkerQueue::status(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = items_.find(id);
  if (it == items_.end()) {
    throw ContextError(fmt::format(
        "no work item with id '{}' in this worker queue; use the id that submit() returned", id));
  }
  return it->second;
}

}  // namespace flyte
