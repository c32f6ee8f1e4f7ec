/* Example task library in plain C11, using only flyte/task.h.
 *
 *   flyte-execute --task build/lib/libexample_c_tasks.so:add ...
 */
#include <flyte/task.h>
#include <stdio.h>
#include <string.h>

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

/* ABI 1.1: the run's output prefix and deck switch (flytekit's
 * ExecutionParameters.output_metadata_prefix / enable_deck), and how the
 * task is registered (`flyte-execute package`). */
static FLYTE_Error* where_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  const char* prefix = NULL;
  bool deck = true;
  FLYTE_Error* err = api->output_metadata_prefix(call, &prefix);
  if (err != NULL) return err;
  if ((err = api->enable_deck(call, &deck)) != NULL) return err;
  if ((err = api->output_string(call, "prefix", prefix, strlen(prefix))) != NULL) return err;
  return api->output_bool(call, "deck", deck);
}

static const FLYTE_Variable where_outputs[] = {{"prefix", "string", "output_metadata_prefix"},
                                               {"deck", "boolean", "enable_deck"}};
static const FLYTE_Resource where_requests[] = {{"cpu", "250m"}, {"memory", "64Mi"}};
static const FLYTE_Resource where_limits[] = {{"memory", "128Mi"}};
static const FLYTE_EnvVar where_env[] = {{"WHERE_MODE", "c"}};

FLYTE_EXPORT const FLYTE_TaskDescriptor where = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = FLYTE_TASK_API_VERSION_MAJOR,
    .api_version_minor = FLYTE_TASK_API_VERSION_MINOR,
    .name = "where",
    .description = "Reports where its results go and whether it writes a deck.",
    .outputs = where_outputs,
    .output_count = 2,
    .flags = FLYTE_TASK_INTERRUPTIBLE | FLYTE_TASK_CACHE,
    .run = where_run,
    .retries = 2,
    .timeout_ns = 90LL * 1000 * 1000 * 1000,
    .cache_version = "c-1",
    .requests = where_requests,
    .request_count = 2,
    .limits = where_limits,
    .limit_count = 1,
    .env = where_env,
    .env_count = 1,
};

static const FLYTE_TaskDescriptor* const all_tasks[] = {&add, &fail, &where};

FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks(size_t* count) {
  *count = sizeof all_tasks / sizeof all_tasks[0];
  return all_tasks;
}

FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()
