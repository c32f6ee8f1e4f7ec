#include "flyte/context/flyte_context.hpp"

#include <utility>

#include "flyte/context/context_error.hpp"
#include "flyte/context/flyte_context_manager.hpp"

namespace flyte {

std::shared_ptr<const ExecutionParameters> FlyteContext::user_space_params() const {
  if (execution_state_) return execution_state_->user_space_params();
  return nullptr;
}

FlyteContext::Builder FlyteContext::new_builder() const {
  return Builder(shared_from_this());
}

FlyteContext::Builder FlyteContext::with_execution_state(ExecutionState state) const {
  auto builder = new_builder();
  builder.with_execution_state(std::move(state));
  return builder;
}

FlyteContext::Builder FlyteContext::with_compilation_state(CompilationState state) const {
  auto builder = new_builder();
  builder.with_compilation_state(std::move(state));
  return builder;
}

FlyteContext::Builder FlyteContext::with_new_compilation_state() const {
  return with_compilation_state(new_compilation_state());
}

FlyteContext::Builder FlyteContext::with_serialization_settings(
    SerializationSettings settings) const {
  auto builder = new_builder();
  builder.with_serialization_settings(std::move(settings));
  return builder;
}

FlyteContext::Builder FlyteContext::enter_conditional_section() const {
  auto builder = new_builder();
  builder.enter_conditional_section();
  return builder;
}

CompilationState FlyteContext::new_compilation_state(std::string prefix) const {
  return CompilationState(std::move(prefix));
}

ExecutionState FlyteContext::new_execution_state(
    std::optional<std::filesystem::path> working_dir) const {
  return ExecutionState(working_dir.value_or(std::filesystem::path{}), std::nullopt, std::nullopt,
                        std::nullopt, user_space_params());
}

std::shared_ptr<const FlyteContext> FlyteContext::current_context() {
  return FlyteContextManager::current_context();
}

FlyteContext::Builder::Builder(std::shared_ptr<const FlyteContext> parent) {
  if (!parent) {
    throw ContextError(
        "FlyteContext::Builder: the parent context is null; use FlyteContext::Builder() for a "
        "root context or derive from an existing one with ctx->new_builder()");
  }
  file_access_ = parent->file_access_;
  flyte_client_ = parent->flyte_client_;
  compilation_state_ = parent->compilation_state_;
  execution_state_ = parent->execution_state_;
  serialization_settings_ = parent->serialization_settings_;
  in_a_condition_ = parent->in_a_condition_;
  output_metadata_tracker_ = parent->output_metadata_tracker_;
  worker_queue_ = parent->worker_queue_;
  parent_ = std::move(parent);
}

FlyteContext::Builder& FlyteContext::Builder::with_file_access(
    std::shared_ptr<FileAccessProvider> file_access) {
  file_access_ = std::move(file_access);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_flyte_client(
    std::optional<std::string> endpoint) {
  flyte_client_ = std::move(endpoint);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_compilation_state(
    std::optional<CompilationState> state) {
  compilation_state_ = std::move(state);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_new_compilation_state() {
  compilation_state_ = CompilationState();
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_execution_state(
    std::optional<ExecutionState> state) {
  execution_state_ = std::move(state);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_serialization_settings(
    std::optional<SerializationSettings> settings) {
  serialization_settings_ = std::move(settings);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_output_metadata_tracker(
    std::shared_ptr<OutputMetadataTracker> tracker) {
  output_metadata_tracker_ = std::move(tracker);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::with_worker_queue(
    std::shared_ptr<WorkerQueue> queue) {
  worker_queue_ = std::move(queue);
  return *this;
}

FlyteContext::Builder& FlyteContext::Builder::enter_conditional_section() {
  if (compilation_state_) {
    compilation_state_ = compilation_state_->with_params(compilation_state_->prefix());
  }
  if (execution_state_ && execution_state_->is_local_execution() &&
      !execution_state_->branch_eval_mode()) {
    execution_state_ = execution_state_->branch_complete();
  }
  in_a_condition_ = true;
  return *this;
}

std::shared_ptr<const FlyteContext> FlyteContext::Builder::build() const {
  auto context = std::shared_ptr<FlyteContext>(new FlyteContext());
  context->level_ = level();
  context->file_access_ = file_access_;
  context->flyte_client_ = flyte_client_;
  context->compilation_state_ = compilation_state_;
  context->execution_state_ = execution_state_;
  context->serialization_settings_ = serialization_settings_;
  context->in_a_condition_ = in_a_condition_;
  context->output_metadata_tracker_ = output_metadata_tracker_;
  context->worker_queue_ = worker_queue_;
  context->parent_ = parent_;
  return context;
}

}  // namespace flyte
