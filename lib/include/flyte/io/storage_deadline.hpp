#pragma once

/// A deadline for every storage operation the current thread starts while
/// the scope lives: remote backends (S3) cap each attempt's total time at
/// what is left, do not start an attempt or a backoff past it, and fail with
/// IoError naming the deadline. Used for what must finish in bounded time
/// whatever the store does, such as publishing the run's outputs or error
/// document before the pod's grace period ends. Scopes nest; the earlier
/// deadline wins. Local file operations are not bounded by it.

#include <chrono>
#include <optional>

namespace flyte {

class StorageDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit StorageDeadline(Clock::duration budget);
  ~StorageDeadline();
  StorageDeadline(const StorageDeadline&) = delete;
  StorageDeadline& operator=(const StorageDeadline&) = delete;

  /// The deadline in force on this thread, if any.
  static std::optional<Clock::time_point> current();

 private:
  std::optional<Clock::time_point> previous_;
};

}  // namespace flyte
