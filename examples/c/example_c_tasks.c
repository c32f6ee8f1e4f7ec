/* Example task library in plain C11, using only flyte/task.h.
 *
 *   flyte-execute --task build/lib/libexample_c_tasks.so:add ...
 */
#include <flyte/task.h>
#include <stdio.h>

/* add(a: integer, b: integer) -> c: integer */
static FLYTE_Error* add_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  int64_t a = 0;
  int64_t b = 0;
  FLYTE_Error* err = api->input_int64(call, "a", &a);
  if (err != NULL) return err;
  err = api->input_int64(call, "b", &b);
  if (err != NULL) return err;
  return api->output_int64(call, "c", a + b);
}

static const FLYTE_Variable add_inputs[] = {
    {"a", "integer", "first addend"},
    {"b", "integer", "second addend"},
};
static const FLYTE_Variable add_outputs[] = {{"c", "integer", "a + b"}};

FLYTE_EXPORT const FLYTE_TaskDescriptor add = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = FLYTE_TASK_API_VERSION_MAJOR,
    .api_version_minor = FLYTE_TASK_API_VERSION_MINOR,
    .name = "add",
    .description = "Adds two integers (C example).",
    .inputs = add_inputs,
    .input_count = 2,
    .outputs = add_outputs,
    .output_count = 1,
    .run = add_run,
};

/* fail(reason: string) -> nothing: always fails with a recoverable error
 * carrying the reason, to show errors as data. */
static FLYTE_Error* fail_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  const char* reason = NULL;
  size_t len = 0;
  FLYTE_Error* err = api->input_string(call, "reason", &reason, &len);
  if (err != NULL) return err;
  char message[256];
  snprintf(message, sizeof message, "c task failed on purpose: %.*s", (int)(len > 200 ? 200 : len),
           reason);
  return api->error_new("USER:CTaskFailed", message, FLYTE_ERROR_RECOVERABLE);
}

static const FLYTE_Variable fail_inputs[] = {{"reason", "string", NULL}};

FLYTE_EXPORT const FLYTE_TaskDescriptor fail = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = FLYTE_TASK_API_VERSION_MAJOR,
    .api_version_minor = FLYTE_TASK_API_VERSION_MINOR,
    .name = "fail",
    .description = "Always fails with code USER:CTaskFailed (recoverable).",
    .inputs = fail_inputs,
    .input_count = 1,
    .run = fail_run,
};

static const FLYTE_TaskDescriptor* const all_tasks[] = {&add, &fail};

FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks(size_t* count) {
  *count = sizeof all_tasks / sizeof all_tasks[0];
  return all_tasks;
}

FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()
