/* The task every whole-process case runs: two ints in, one out, in one
 * library, so no case pays for loading a bigger one. The baselines call the
 * plain function `bench_add`; flyte-execute runs the task `add`, the same
 * addition behind the task C ABI (flyte/task.h), as a C task author writes it. */
#include <flyte/task.h>
#include <stdint.h>

__attribute__((visibility("default"))) int64_t bench_add(int64_t a, int64_t b) {
  return a + b;
}

FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()

static FLYTE_Error* add_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  int64_t a = 0;
  int64_t b = 0;
  FLYTE_Error* err = api->input_int64(call, "a", &a);
  if (err != NULL) return err;
  err = api->input_int64(call, "b", &b);
  if (err != NULL) return err;
  return api->output_int64(call, "c", bench_add(a, b));
}

static const FLYTE_Variable add_inputs[] = {{"a", "integer", NULL}, {"b", "integer", NULL}};
static const FLYTE_Variable add_outputs[] = {{"c", "integer", NULL}};

FLYTE_EXPORT const FLYTE_TaskDescriptor add = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = FLYTE_TASK_API_VERSION_MAJOR,
    .api_version_minor = FLYTE_TASK_API_VERSION_MINOR,
    .name = "add",
    .description = "a + b, for the whole-process benchmark",
    .inputs = add_inputs,
    .input_count = 2,
    .outputs = add_outputs,
    .output_count = 1,
    .run = add_run,
};
