#include "flyte/context/flyte_context.hpp"

#include <catch2/catch.hpp>

#include "flyte/context/context_error.hpp"
#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/output_metadata_tracker.hpp"
#include "flyte/context/worker_queue.hpp"

using namespace flyte;
using Mode = ExecutionState::Mode;

TEST_CASE("A context built without a parent is a level 1 root with nothing set") {
  auto root = FlyteContext::Builder().build();
  CHECK(root->level() == 1);
  CHECK(root->parent() == nullptr);
  CHECK(root->file_access() == nullptr);
  CHECK_FALSE(root->flyte_client().has_value());
  CHECK_FALSE(root->compilation_state().has_value());
  CHECK_FALSE(root->execution_state().has_value());
  CHECK_FALSE(root->serialization_settings().has_value());
  CHECK_FALSE(root->in_a_condition());
  CHECK(root->output_metadata_tracker() == nullptr);
  CHECK(root->worker_queue() == nullptr);
  CHECK(root->user_space_params() == nullptr);
}

TEST_CASE("Each derived context is one level deeper than its parent") {
  auto root = FlyteContext::Builder().build();
  auto child = root->new_builder().build();
  auto grandchild = child->new_builder().build();
  CHECK(child->level() == 2);
  CHECK(grandchild->level() == 3);
  CHECK(child->parent() == root);
  CHECK(grandchild->parent() == child);
  // Building twice from one builder gives two siblings at the same level.
  auto builder = child->new_builder();
  CHECK(builder.level() == 3);
  CHECK(builder.build()->level() == 3);
  CHECK(builder.build()->level() == 3);
  CHECK_THROWS_AS(FlyteContext::Builder(nullptr), ContextError);
}

TEST_CASE("new_builder carries every field of the context it derives from") {
  auto tracker = std::make_shared<OutputMetadataTracker>();
  auto queue = std::make_shared<InlineWorkerQueue>();
  auto params = ExecutionParameters::new_builder().add_attr("marker", 7).build();
  SerializationSettings settings{"proj", "dev", "v1", "ghcr.io/org/image:tag", {{"A", "1"}}};

  auto root = FlyteContext::Builder()
                  .with_flyte_client("dns:///flyte.example.com")
                  .with_compilation_state(CompilationState("pre-"))
                  .with_execution_state(ExecutionState("/wd", Mode::TASK_EXECUTION, std::nullopt,
                                                       std::nullopt, params))
                  .with_serialization_settings(settings)
                  .with_output_metadata_tracker(tracker)
                  .with_worker_queue(queue)
                  .build();
  auto child = root->new_builder().build();
  CHECK(child->flyte_client() == std::optional<std::string>("dns:///flyte.example.com"));
  CHECK(child->compilation_state()->prefix() == "pre-");
  CHECK(child->execution_state()->mode() == Mode::TASK_EXECUTION);
  CHECK(child->user_space_params() == params);
  CHECK(child->serialization_settings() == settings);
  CHECK(child->output_metadata_tracker() == tracker);
  CHECK(child->worker_queue() == queue);
  CHECK_FALSE(child->in_a_condition());

  // Overriding and clearing fields in the derived builder leaves the parent alone.
  auto changed = root->new_builder()
                     .with_serialization_settings(std::nullopt)
                     .with_execution_state(
                         root->execution_state()->with_params({.mode = Mode::LOCAL_TASK_EXECUTION}))
                     .with_worker_queue(nullptr)
                     .build();
  CHECK_FALSE(changed->serialization_settings().has_value());
  CHECK(changed->execution_state()->mode() == Mode::LOCAL_TASK_EXECUTION);
  CHECK(changed->worker_queue() == nullptr);
  CHECK(root->serialization_settings() == settings);
  CHECK(root->execution_state()->mode() == Mode::TASK_EXECUTION);
}

TEST_CASE("Context shorthands derive a builder with one field changed") {
  auto root = FlyteContext::Builder().build();
  auto with_state = root->with_execution_state(ExecutionState("/wd")).build();
  CHECK(with_state->execution_state()->working_dir() == "/wd");
  CHECK(with_state->level() == 2);

  auto compiling = root->with_new_compilation_state().build();
  REQUIRE(compiling->compilation_state().has_value());
  CHECK(compiling->compilation_state()->prefix().empty());
  CHECK(root->new_compilation_state("p-").prefix() == "p-");

  auto settings = root->with_serialization_settings({"p", "d", "v", "img", {}}).build();
  CHECK(settings->serialization_settings()->project == "p");
}

TEST_CASE("new_execution_state carries the user-space params and the given working dir") {
  auto params = ExecutionParameters::new_builder().build();
  auto ctx = FlyteContext::Builder()
                 .with_execution_state(ExecutionState("/wd", Mode::TASK_EXECUTION, std::nullopt,
                                                      std::nullopt, params))
                 .build();
  auto state = ctx->new_execution_state("/sandbox");
  CHECK(state.working_dir() == "/sandbox");
  CHECK(state.user_space_params() == params);
  CHECK_FALSE(state.mode().has_value());
  CHECK(ctx->new_execution_state().working_dir().empty());
}

TEST_CASE("enter_conditional_section marks the condition and skips in local execution") {
  auto local = FlyteContext::Builder()
                   .with_execution_state(ExecutionState("/wd", Mode::LOCAL_WORKFLOW_EXECUTION))
                   .with_compilation_state(CompilationState("pre-", 1, nullptr, {Node{"n0", {}}}))
                   .build();
  auto cond = local->enter_conditional_section().build();
  CHECK(cond->in_a_condition());
  CHECK(cond->execution_state()->branch_eval_mode() == BranchEvalMode::BRANCH_SKIPPED);
  CHECK(cond->compilation_state()->prefix() == "pre-");
  CHECK(cond->compilation_state()->nodes().empty());

  // A branch mode already set is kept.
  auto taken = local->with_execution_state(local->execution_state()->take_branch()).build();
  CHECK(taken->enter_conditional_section().build()->execution_state()->branch_eval_mode() ==
        BranchEvalMode::BRANCH_ACTIVE);

  // In a container the branch mode stays unset.
  auto remote = FlyteContext::Builder()
                    .with_execution_state(ExecutionState("/wd", Mode::TASK_EXECUTION))
                    .build();
  auto remote_cond = remote->enter_conditional_section().build();
  CHECK(remote_cond->in_a_condition());
  CHECK_FALSE(remote_cond->execution_state()->branch_eval_mode().has_value());
}
