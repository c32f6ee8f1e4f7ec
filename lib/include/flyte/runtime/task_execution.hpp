#pragma once

/// The task process's work: load the library, decode inputs, call the task
/// inside a pushed FlyteContext, encode outputs. Its only product is files in
/// the plan's staging folder (outputs.pb and any offloaded literals, or the
/// error file; deck.html; outputs.json for local runs); the parent publishes
/// them. Every failure becomes a staged error file.

#include "flyte/runtime/execution_plan.hpp"
#include "flyte/runtime/task_failure.hpp"

namespace flyte {

/// Runs the task of `plan`. Returns 0 when a result (outputs or error) was
/// staged or when --test asked for nothing to run; non-zero only if even the
/// error could not be staged.
int execute_task(const ExecutionPlan& plan);

/// Stages `failure` as the plan's error file and logs it between flytekit's
/// "!! Begin ... Error Captured by Flyte !!" markers. Throws IoError when the
/// file cannot be written.
void stage_failure(const ExecutionPlan& plan, const TaskFailure& failure);

}  // namespace flyte
