#pragma once

/// flytekit's ExecutionState: how the current code is being run (in a
/// container, locally, inside a conditional branch) and the task-facing
/// ExecutionParameters of that run.
///
/// Unlike flytekit, an ExecutionState is an immutable value: flytekit's
/// `take_branch()` / `branch_complete()` mutate the state in place (shared by
/// every context that holds it); ours return a modified copy that the caller
/// puts into a new context. Constructing a state does no file-system work
/// (flytekit creates `engine_dir`); the runtime creates the directories it
/// stages files in.

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

namespace flyte {

class ExecutionParameters;

/// Which branch of a local conditional the engine is evaluating. Absent
/// (std::nullopt) means "not inside a conditional".
enum class BranchEvalMode {
  BRANCH_ACTIVE,
  BRANCH_SKIPPED,
};

struct ExecutionStateOverrides;

class ExecutionState {
 public:
  /// flytekit's ExecutionState.Mode, with its numbers.
  enum class Mode {
    /// Running inside a container started by Flyte's engine.
    TASK_EXECUTION = 1,
    LOCAL_WORKFLOW_EXECUTION = 2,
    LOCAL_TASK_EXECUTION = 3,
    DYNAMIC_TASK_EXECUTION = 4,
    EAGER_EXECUTION = 5,
    EAGER_LOCAL_EXECUTION = 6,
    LOCAL_DYNAMIC_TASK_EXECUTION = 7,
  };

  /// `engine_dir` defaults to `<working_dir>/engine_dir` (flytekit's default)
  /// when `working_dir` is set. An empty `working_dir` is allowed (flytekit
  /// requires one): it means "not known here", e.g. a state made before the
  /// file access layer has chosen a sandbox.
  explicit ExecutionState(std::filesystem::path working_dir,
                          std::optional<Mode> mode = std::nullopt,
                          std::optional<std::filesystem::path> engine_dir = std::nullopt,
                          std::optional<BranchEvalMode> branch_eval_mode = std::nullopt,
                          std::shared_ptr<const ExecutionParameters> user_space_params = nullptr);

  const std::optional<Mode>& mode() const { return mode_; }
  /// Where the user's code may write (the task sandbox).
  const std::filesystem::path& working_dir() const { return working_dir_; }
  /// Where the runtime stages its own files (outputs, error document, decks),
  /// kept apart from the user's working directory.
  const std::filesystem::path& engine_dir() const { return engine_dir_; }
  const std::optional<BranchEvalMode>& branch_eval_mode() const { return branch_eval_mode_; }
  /// What the task sees as `current_context()`; may be null before set-up.
  const std::shared_ptr<const ExecutionParameters>& user_space_params() const {
    return user_space_params_;
  }

  /// A copy with every field given in `overrides` replaced (flytekit's
  /// `with_params`). As in flytekit, changing working_dir does not re-derive
  /// engine_dir.
  [[nodiscard]] ExecutionState with_params(const ExecutionStateOverrides& overrides) const;

  /// A copy that records "inside a conditional, the current branch evaluated
  /// to true" (BRANCH_ACTIVE). Only meaningful in local execution.
  [[nodiscard]] ExecutionState take_branch() const;
  /// A copy that records "inside a conditional, the active branch is done;
  /// skip the rest" (BRANCH_SKIPPED).
  [[nodiscard]] ExecutionState branch_complete() const;

  /// True for LOCAL_WORKFLOW_EXECUTION, LOCAL_TASK_EXECUTION,
  /// LOCAL_DYNAMIC_TASK_EXECUTION and EAGER_LOCAL_EXECUTION; false in a
  /// container (and when no mode is set).
  bool is_local_execution() const;

 private:
  std::filesystem::path working_dir_;
  std::optional<Mode> mode_;
  std::filesystem::path engine_dir_;
  std::optional<BranchEvalMode> branch_eval_mode_;
  std::shared_ptr<const ExecutionParameters> user_space_params_;
};

/// The fields `ExecutionState::with_params` may replace; unset fields keep the
/// current value. Meant for designated initialisers:
/// `state.with_params({.mode = ExecutionState::Mode::LOCAL_TASK_EXECUTION})`.
struct ExecutionStateOverrides {
  std::optional<std::filesystem::path> working_dir{};
  std::optional<ExecutionState::Mode> mode{};
  std::optional<std::filesystem::path> engine_dir{};
  std::optional<BranchEvalMode> branch_eval_mode{};
  std::shared_ptr<const ExecutionParameters> user_space_params{};
};

/// The enumerator names as flytekit spells them (`"TASK_EXECUTION"`), for logs.
std::string_view to_string(ExecutionState::Mode mode);
std::string_view to_string(BranchEvalMode mode);

}  // namespace flyte
