#include "flyte/context/current_context.hpp"

#include <thread>

#include <catch2/catch.hpp>

#include "flyte/context/flyte_context_manager.hpp"

using namespace flyte;

TEST_CASE("current_context outside a task is a clear error") {
  FlyteContextManager::initialize(FlyteContext::Builder().build());
  CHECK_THROWS_AS(flyte::current_context(), ContextError);
  CHECK_THROWS_WITH(flyte::current_context(), Catch::Contains("no task is running"));
  // An execution state without parameters is not a task run either.
  auto scope = FlyteContextManager::with_context(
      FlyteContextManager::current_context()->with_execution_state(ExecutionState("/wd")));
  CHECK_THROWS_AS(flyte::current_context(), ContextError);
}

TEST_CASE("current_context returns the parameters of the current execution state") {
  FlyteContextManager::initialize(FlyteContext::Builder().build());
  auto params = ExecutionParameters::new_builder()
                    .with_task_id({ResourceType::TASK, "p", "d", "my_task", "v", ""})
                    .build();
  {
    auto scope = FlyteContextManager::with_context(
        FlyteContextManager::current_context()->with_execution_state(ExecutionState(
            "/wd", ExecutionState::Mode::TASK_EXECUTION, std::nullopt, std::nullopt, params)));
    const ExecutionParameters& seen = flyte::current_context();
    CHECK(&seen == params.get());
    CHECK(seen.task_id().name == "my_task");

    // A thread the task starts sees it only after adopting the task's context.
    bool plain_thread_throws = false;
    std::string adopted_task;
    std::thread plain([&] {
      try {
        (void)flyte::current_context();
      } catch (const ContextError&) {
        plain_thread_throws = true;
      }
    });
    plain.join();
    std::thread adopted(
        propagate_context([&] { adopted_task = flyte::current_context().task_id().name; }));
    adopted.join();
    CHECK(plain_thread_throws);
    CHECK(adopted_task == "my_task");
  }
  CHECK_THROWS_AS(flyte::current_context(), ContextError);
}
