#include "flyte/context/execution_state.hpp"

#include <utility>

namespace flyte {

ExecutionState::ExecutionState(std::filesystem::path working_dir, std::optional<Mode> mode,
                               std::optional<std::filesystem::path> engine_dir,
                               std::optional<BranchEvalMode> branch_eval_mode,
                               std::shared_ptr<const ExecutionParameters> user_space_params)
    : working_dir_(std::move(working_dir)),
      mode_(mode),
      branch_eval_mode_(branch_eval_mode),
      user_space_params_(std::move(user_space_params)) {
  if (engine_dir && !engine_dir->empty()) {
    engine_dir_ = std::move(*engine_dir);
  } else if (!working_dir_.empty()) {
    engine_dir_ = working_dir_ / "engine_dir";
  }
}

ExecutionState ExecutionState::with_params(const ExecutionStateOverrides& overrides) const {
  return ExecutionState(
      overrides.working_dir ? *overrides.working_dir : working_dir_,
      overrides.mode ? overrides.mode : mode_,
      overrides.engine_dir ? *overrides.engine_dir : engine_dir_,
      overrides.branch_eval_mode ? overrides.branch_eval_mode : branch_eval_mode_,
      overrides.user_space_params ? overrides.user_space_params : user_space_params_);
}

ExecutionState ExecutionState::take_branch() const {
  ExecutionState copy = *this;
  copy.branch_eval_mode_ = BranchEvalMode::BRANCH_ACTIVE;
  return copy;
}

ExecutionState ExecutionState::branch_complete() const {
  ExecutionState copy = *this;
  copy.branch_eval_mode_ = BranchEvalMode::BRANCH_SKIPPED;
  return copy;
}

bool ExecutionState::is_local_execution() const {
  if (!mode_) return false;
  switch (*mode_) {
    case Mode::LOCAL_WORKFLOW_EXECUTION:
    case Mode::LOCAL_TASK_EXECUTION:
    case Mode::LOCAL_DYNAMIC_TASK_EXECUTION:
    case Mode::EAGER_LOCAL_EXECUTION:
      return true;
    case Mode::TASK_EXECUTION:
    case Mode::DYNAMIC_TASK_EXECUTION:
    case Mode::EAGER_EXECUTION:
      return false;
  }
  return false;
}

std::string_view to_string(ExecutionState::Mode mode) {
  using Mode = ExecutionState::Mode;
  switch (mode) {
    case Mode::TASK_EXECUTION:
      return "TASK_EXECUTION";
    case Mode::LOCAL_WORKFLOW_EXECUTION:
      return "LOCAL_WORKFLOW_EXECUTION";
    case Mode::LOCAL_TASK_EXECUTION:
      return "LOCAL_TASK_EXECUTION";
    case Mode::DYNAMIC_TASK_EXECUTION:
      return "DYNAMIC_TASK_EXECUTION";
    case Mode::EAGER_EXECUTION:
      return "EAGER_EXECUTION";
    case Mode::EAGER_LOCAL_EXECUTION:
      return "EAGER_LOCAL_EXECUTION";
    case Mode::LOCAL_DYNAMIC_TASK_EXECUTION:
      return "LOCAL_DYNAMIC_TASK_EXECUTION";
  }
  return "UNKNOWN";
}

std::string_view to_string(BranchEvalMode mode) {
  switch (mode) {
    case BranchEvalMode::BRANCH_ACTIVE:
      return "BRANCH_ACTIVE";
    case BranchEvalMode::BRANCH_SKIPPED:
      return "BRANCH_SKIPPED";
  }
  return "UNKNOWN";
}

}  // namespace flyte
