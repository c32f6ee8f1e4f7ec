#pragma once

/// flytekit's FlyteContext: everything the runtime knows about "where we are"
/// (file access, compilation or execution state, serialization settings,
/// conditional nesting, output metadata, the worker queue). One context is
/// current per thread (see FlyteContextManager); a new one is derived from
/// the current one with `new_builder()` and pushed for a scope.
///
/// Immutable and always held as `std::shared_ptr<const FlyteContext>`, so a
/// context can be shared between threads and kept alive by the contexts
/// derived from it (`parent()`).

#include <memory>
#include <optional>
#include <string>

#include "flyte/context/compilation_state.hpp"
#include "flyte/context/execution_state.hpp"
#include "flyte/context/serialization_settings.hpp"

namespace flyte {

class FileAccessProvider;
class OutputMetadataTracker;
class WorkerQueue;
class ExecutionParameters;

class FlyteContext : public std::enable_shared_from_this<FlyteContext> {
 public:
  class Builder;

  // Only Builder::build() makes contexts, always owned by a shared_ptr, so
  // that new_builder() can name this context as the parent.
  FlyteContext(const FlyteContext&) = delete;
  FlyteContext& operator=(const FlyteContext&) = delete;

  /// Nesting depth: a context built without a parent is level 1 (the
  /// process root); each derived context is its parent's level + 1.
  int level() const { return level_; }
  /// How data is read and written (local, s3://...); may be null in tests.
  const std::shared_ptr<FileAccessProvider>& file_access() const { return file_access_; }
  /// The Flyte admin endpoint, when this process talks to one (eager tasks).
  const std::optional<std::string>& flyte_client() const { return flyte_client_; }
  const std::optional<CompilationState>& compilation_state() const { return compilation_state_; }
  const std::optional<ExecutionState>& execution_state() const { return execution_state_; }
  const std::optional<SerializationSettings>& serialization_settings() const {
    return serialization_settings_;
  }
  /// True inside a conditional section (set by enter_conditional_section).
  bool in_a_condition() const { return in_a_condition_; }
  const std::shared_ptr<OutputMetadataTracker>& output_metadata_tracker() const {
    return output_metadata_tracker_;
  }
  const std::shared_ptr<WorkerQueue>& worker_queue() const { return worker_queue_; }
  /// The context this one was derived from; null for a root.
  const std::shared_ptr<const FlyteContext>& parent() const { return parent_; }

  /// The execution state's user-space parameters, or null when there is no
  /// execution state or it has none.
  std::shared_ptr<const ExecutionParameters> user_space_params() const;

  /// A builder holding every field of this context, with this context as the
  /// parent; its build() gives level() + 1.
  Builder new_builder() const;

  /// Shorthands for `new_builder().with_...(...)`, as in flytekit.
  Builder with_execution_state(ExecutionState state) const;
  Builder with_compilation_state(CompilationState state) const;
  Builder with_new_compilation_state() const;
  Builder with_serialization_settings(SerializationSettings settings) const;
  Builder enter_conditional_section() const;

  /// A fresh compilation state (flytekit's entry point of compilation).
  CompilationState new_compilation_state(std::string prefix = "") const;
  /// A fresh execution state carrying this context's user-space params.
  /// flytekit defaults `working_dir` to the file access's local sandbox; this
  /// layer cannot ask the file access provider (another component), so the
  /// runtime passes the sandbox. Without one the state's working_dir is empty.
  ExecutionState new_execution_state(
      std::optional<std::filesystem::path> working_dir = std::nullopt) const;

  /// The calling thread's current context (FlyteContextManager::current_context).
  static std::shared_ptr<const FlyteContext> current_context();

 private:
  FlyteContext() = default;

  int level_ = 1;
  std::shared_ptr<FileAccessProvider> file_access_;
  std::optional<std::string> flyte_client_;
  std::optional<CompilationState> compilation_state_;
  std::optional<ExecutionState> execution_state_;
  std::optional<SerializationSettings> serialization_settings_;
  bool in_a_condition_ = false;
  std::shared_ptr<OutputMetadataTracker> output_metadata_tracker_;
  std::shared_ptr<WorkerQueue> worker_queue_;
  std::shared_ptr<const FlyteContext> parent_;
};

/// Collects the fields of a FlyteContext. Setters return *this; passing
/// std::nullopt / nullptr clears a field.
class FlyteContext::Builder {
 public:
  /// A builder for a root context (no parent): build() gives level 1.
  Builder() = default;
  /// A builder deriving from `parent`: every field copied, build() gives
  /// parent->level() + 1. Throws ContextError when `parent` is null.
  explicit Builder(std::shared_ptr<const FlyteContext> parent);

  Builder& with_file_access(std::shared_ptr<FileAccessProvider> file_access);
  Builder& with_flyte_client(std::optional<std::string> endpoint);
  Builder& with_compilation_state(std::optional<CompilationState> state);
  Builder& with_new_compilation_state();
  Builder& with_execution_state(std::optional<ExecutionState> state);
  Builder& with_serialization_settings(std::optional<SerializationSettings> settings);
  Builder& with_output_metadata_tracker(std::shared_ptr<OutputMetadataTracker> tracker);
  Builder& with_worker_queue(std::shared_ptr<WorkerQueue> queue);
  /// flytekit's enter_conditional_section: marks the context as inside a
  /// condition, gives the compilation state a fresh node list under the same
  /// prefix, and in local execution with no branch mode yet sets
  /// BRANCH_SKIPPED (until a branch is taken).
  Builder& enter_conditional_section();

  /// The level the built context will have.
  int level() const { return parent_ ? parent_->level() + 1 : 1; }
  const std::shared_ptr<const FlyteContext>& parent() const { return parent_; }
  const std::optional<ExecutionState>& execution_state() const { return execution_state_; }
  const std::optional<CompilationState>& compilation_state() const { return compilation_state_; }

  std::shared_ptr<const FlyteContext> build() const;

 private:
  std::shared_ptr<FileAccessProvider> file_access_;
  std::optional<std::string> flyte_client_;
  std::optional<CompilationState> compilation_state_;
  std::optional<ExecutionState> execution_state_;
  std::optional<SerializationSettings> serialization_settings_;
  bool in_a_condition_ = false;
  std::shared_ptr<OutputMetadataTracker> output_metadata_tracker_;
  std::shared_ptr<WorkerQueue> worker_queue_;
  std::shared_ptr<const FlyteContext> parent_;
};

}  // namespace flyte
