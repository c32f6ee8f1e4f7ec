// Micro benchmarks of the context stack: what a task pays to enter and leave
// a context scope, and to ask for its ExecutionParameters.
#include <benchmark/benchmark.h>

#include "flyte/context/current_context.hpp"
#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/execution_state.hpp"
#include "flyte/context/flyte_context.hpp"
#include "flyte/context/flyte_context_manager.hpp"

namespace {

using flyte::ExecutionParameters;
using flyte::ExecutionState;
using flyte::FlyteContext;
using flyte::FlyteContextManager;

std::shared_ptr<const FlyteContext> task_context() {
  FlyteContextManager::initialize(FlyteContext::Builder().build());
  auto params = ExecutionParameters::new_builder().build();
  return FlyteContextManager::current_context()
      ->with_execution_state(ExecutionState("/tmp", ExecutionState::Mode::TASK_EXECUTION,
                                            std::nullopt, std::nullopt, params))
      .build();
}

// Push + pop of an existing context for a scope (what propagate_context and
// every nested scope costs): the target is <= 100 ns.
void BM_context_push_pop_scope(benchmark::State& state) {
  auto context = task_context();
  for (auto _ : state) {
    auto scope = FlyteContextManager::adopt(context);
    benchmark::DoNotOptimize(scope.context().get());
  }
}
BENCHMARK(BM_context_push_pop_scope);

// flytekit's `with FlyteContextManager.with_context(builder)`: builds a new
// context from the builder (copying every field) and pushes it for the scope.
void BM_context_with_context_build_push_pop(benchmark::State& state) {
  auto context = task_context();
  auto scope = FlyteContextManager::adopt(context);
  auto builder = context->new_builder();
  for (auto _ : state) {
    auto inner = FlyteContextManager::with_context(builder);
    benchmark::DoNotOptimize(inner.context().get());
  }
}
BENCHMARK(BM_context_with_context_build_push_pop);

void BM_context_push_pop_raw(benchmark::State& state) {
  auto context = task_context();
  for (auto _ : state) {
    FlyteContextManager::push_context(context);
    benchmark::DoNotOptimize(FlyteContextManager::pop_context());
  }
}
BENCHMARK(BM_context_push_pop_raw);

void BM_current_context(benchmark::State& state) {
  auto context = task_context();
  auto scope = FlyteContextManager::adopt(context);
  for (auto _ : state) {
    benchmark::DoNotOptimize(&flyte::current_context());
  }
}
BENCHMARK(BM_current_context);

void BM_context_manager_current_context(benchmark::State& state) {
  auto context = task_context();
  auto scope = FlyteContextManager::adopt(context);
  for (auto _ : state) {
    benchmark::DoNotOptimize(FlyteContextManager::current_context());
  }
}
BENCHMARK(BM_context_manager_current_context);

}  // namespace
