#include "flyte/io/storage_deadline.hpp"

namespace flyte {

namespace {
thread_local std::optional<StorageDeadline::Clock::time_point> t_deadline;
}  // namespace

StorageDeadline::StorageDeadline(Clock::duration budget) : previous_(t_deadline) {
  const auto mine = Clock::now() + budget;
  if (!t_deadline || mine < *t_deadline) t_deadline = mine;
}

StorageDeadline::~StorageDeadline() {
  t_deadline = previous_;
}

std::optional<StorageDeadline::Clock::time_point> StorageDeadline::current() {
  return t_deadline;
}

}  // namespace flyte
