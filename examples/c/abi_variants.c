/* Libraries the loader must refuse, built from this one file with different
 * definitions (see examples/CMakeLists.txt):
 *   EXAMPLE_API_MAJOR / EXAMPLE_API_MINOR  the version the library claims
 *   EXAMPLE_NO_VERSION                     no FLYTE_TaskLibraryApiVersion at all
 *   EXAMPLE_UNRESOLVED                     needs a symbol nothing defines
 * and libraries `flyte-execute validate` / `package` must judge:
 *   EXAMPLE_NO_TASKS                       lists no tasks
 *   EXAMPLE_BAD_TYPE                       declares an input of no Flyte type
 *   EXAMPLE_ABI_1_0                        built against ABI 1.0: its descriptor
 *                                          ends at run, and what follows it is
 *                                          not a descriptor member */
#include <flyte/task.h>

#ifndef EXAMPLE_API_MAJOR
#define EXAMPLE_API_MAJOR FLYTE_TASK_API_VERSION_MAJOR
#endif
#ifndef EXAMPLE_API_MINOR
#define EXAMPLE_API_MINOR FLYTE_TASK_API_VERSION_MINOR
#endif

#ifdef EXAMPLE_UNRESOLVED
/* Declared, defined nowhere: dlopen(RTLD_NOW) must fail. */
extern int flyte_example_symbol_defined_nowhere(void);
#endif

static FLYTE_Error* noop_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  (void)call;
#ifdef EXAMPLE_UNRESOLVED
  if (flyte_example_symbol_defined_nowhere() != 0) {
    return api->error_new("USER:Unreachable", "unreachable", FLYTE_ERROR_NON_RECOVERABLE);
  }
#endif
  (void)api;
  return NULL;
}

#ifdef EXAMPLE_ABI_1_0
/* The 1.0 descriptor (every member up to run) followed by bytes that would
 * read as absurd 1.1 options (retries, timeout, ...) if the host read past
 * struct_size. */
#include <stddef.h>
#include <string.h>
struct descriptor_1_0_and_more {
  FLYTE_TaskDescriptor d;
};
FLYTE_EXPORT const struct descriptor_1_0_and_more noop_storage = {{
    .struct_size = offsetof(FLYTE_TaskDescriptor, run) + sizeof(void*),
    .api_version_major = 1,
    .api_version_minor = 0,
    .name = "noop",
    .run = noop_run,
    .retries = 0xdeadbeefu,
    .timeout_ns = -1,
    .cache_version = "",
    .request_count = 7,
    .limit_count = 7,
    .env_count = 7,
}};
#define noop (noop_storage.d)
#else
#ifdef EXAMPLE_BAD_TYPE
static const FLYTE_Variable noop_inputs[] = {{"x", "integr", NULL}};
#endif
FLYTE_EXPORT const FLYTE_TaskDescriptor noop = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = EXAMPLE_API_MAJOR,
    .api_version_minor = EXAMPLE_API_MINOR,
    .name = "noop",
#ifdef EXAMPLE_BAD_TYPE
    .inputs = noop_inputs,
    .input_count = 1,
#endif
    .run = noop_run,
};
#endif

static const FLYTE_TaskDescriptor* const all_tasks[] = {&noop};

FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks(size_t* count) {
#ifdef EXAMPLE_NO_TASKS
  *count = 0;
#else
  *count = 1;
#endif
  return all_tasks;
}

#ifndef EXAMPLE_NO_VERSION
FLYTE_EXPORT void FLYTE_TaskLibraryApiVersion(uint32_t* major, uint32_t* minor) {
  *major = EXAMPLE_API_MAJOR;
  *minor = EXAMPLE_API_MINOR;
}
#endif
