#include "flyte/context/execution_state.hpp"

#include <catch2/catch.hpp>

#include "flyte/context/execution_parameters.hpp"

using namespace flyte;
using Mode = ExecutionState::Mode;

TEST_CASE("ExecutionState modes carry flytekit's numbers") {
  CHECK(static_cast<int>(Mode::TASK_EXECUTION) == 1);
  CHECK(static_cast<int>(Mode::LOCAL_WORKFLOW_EXECUTION) == 2);
  CHECK(static_cast<int>(Mode::LOCAL_TASK_EXECUTION) == 3);
  CHECK(static_cast<int>(Mode::DYNAMIC_TASK_EXECUTION) == 4);
  CHECK(static_cast<int>(Mode::EAGER_EXECUTION) == 5);
  CHECK(static_cast<int>(Mode::EAGER_LOCAL_EXECUTION) == 6);
  CHECK(static_cast<int>(Mode::LOCAL_DYNAMIC_TASK_EXECUTION) == 7);
  CHECK(to_string(Mode::LOCAL_DYNAMIC_TASK_EXECUTION) == "LOCAL_DYNAMIC_TASK_EXECUTION");
  CHECK(to_string(BranchEvalMode::BRANCH_SKIPPED) == "BRANCH_SKIPPED");
}

TEST_CASE("is_local_execution is true exactly for the LOCAL_* and EAGER_LOCAL modes") {
  struct Case {
    Mode mode;
    bool local;
  };
  for (auto [mode, local] :
       {Case{Mode::TASK_EXECUTION, false}, Case{Mode::LOCAL_WORKFLOW_EXECUTION, true},
        Case{Mode::LOCAL_TASK_EXECUTION, true}, Case{Mode::DYNAMIC_TASK_EXECUTION, false},
        Case{Mode::EAGER_EXECUTION, false}, Case{Mode::EAGER_LOCAL_EXECUTION, true},
        Case{Mode::LOCAL_DYNAMIC_TASK_EXECUTION, true}}) {
    INFO(to_string(mode));
    CHECK(ExecutionState("/tmp/wd", mode).is_local_execution() == local);
  }
  CHECK_FALSE(ExecutionState("/tmp/wd").is_local_execution());
}

TEST_CASE("ExecutionState defaults engine_dir under the working directory") {
  ExecutionState state("/sandbox/wd");
  CHECK(state.working_dir() == "/sandbox/wd");
  CHECK(state.engine_dir() == "/sandbox/wd/engine_dir");
  CHECK_FALSE(state.mode().has_value());
  CHECK_FALSE(state.branch_eval_mode().has_value());
  CHECK(state.user_space_params() == nullptr);

  ExecutionState explicit_engine("/sandbox/wd", Mode::TASK_EXECUTION, "/engine");
  CHECK(explicit_engine.engine_dir() == "/engine");

  ExecutionState no_dir("");
  CHECK(no_dir.working_dir().empty());
  CHECK(no_dir.engine_dir().empty());
}

TEST_CASE("with_params returns a modified copy and leaves the original unchanged") {
  auto params = ExecutionParameters::new_builder().build();
  const ExecutionState original("/wd", Mode::TASK_EXECUTION, "/engine");

  const auto changed = original.with_params({.mode = Mode::LOCAL_TASK_EXECUTION,
                                             .branch_eval_mode = BranchEvalMode::BRANCH_ACTIVE,
                                             .user_space_params = params});
  CHECK(changed.mode() == Mode::LOCAL_TASK_EXECUTION);
  CHECK(changed.branch_eval_mode() == BranchEvalMode::BRANCH_ACTIVE);
  CHECK(changed.user_space_params() == params);
  CHECK(changed.working_dir() == "/wd");
  CHECK(changed.engine_dir() == "/engine");

  CHECK(original.mode() == Mode::TASK_EXECUTION);
  CHECK_FALSE(original.branch_eval_mode().has_value());
  CHECK(original.user_space_params() == nullptr);

  // As in flytekit, a new working_dir keeps the old engine_dir.
  const auto moved = original.with_params({.working_dir = "/other"});
  CHECK(moved.working_dir() == "/other");
  CHECK(moved.engine_dir() == "/engine");
  CHECK(moved.mode() == Mode::TASK_EXECUTION);
}

TEST_CASE("take_branch and branch_complete return copies with the branch mode set") {
  const ExecutionState state("/wd", Mode::LOCAL_WORKFLOW_EXECUTION);
  const auto active = state.take_branch();
  CHECK(active.branch_eval_mode() == BranchEvalMode::BRANCH_ACTIVE);
  const auto done = active.branch_complete();
  CHECK(done.branch_eval_mode() == BranchEvalMode::BRANCH_SKIPPED);
  CHECK(active.branch_eval_mode() == BranchEvalMode::BRANCH_ACTIVE);
  CHECK_FALSE(state.branch_eval_mode().has_value());
  CHECK(done.mode() == Mode::LOCAL_WORKFLOW_EXECUTION);
}
