/* Libraries the loader must refuse, built from this one file with different
 * definitions (see examples/CMakeLists.txt):
 *   EXAMPLE_API_MAJOR / EXAMPLE_API_MINOR  the version the library claims
 *   EXAMPLE_NO_VERSION                     no FLYTE_TaskLibraryApiVersion at all
 *   EXAMPLE_UNRESOLVED                     needs a symbol nothing defines */
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

FLYTE_EXPORT const FLYTE_TaskDescriptor noop = {
    .struct_size = sizeof(FLYTE_TaskDescriptor),
    .api_version_major = EXAMPLE_API_MAJOR,
    .api_version_minor = EXAMPLE_API_MINOR,
    .name = "noop",
    .run = noop_run,
};

static const FLYTE_TaskDescriptor* const all_tasks[] = {&noop};

FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks(size_t* count) {
  *count = 1;
  return all_tasks;
}

#ifndef EXAMPLE_NO_VERSION
FLYTE_EXPORT void FLYTE_TaskLibraryApiVersion(uint32_t* major, uint32_t* minor) {
  *major = EXAMPLE_API_MAJOR;
  *minor = EXAMPLE_API_MINOR;
}
#endif
