/*
 * flyte/task.h - the C ABI between flyte-execute (the host) and a task library.
 *
 * A task library is a shared object that includes this header and exports
 * symbols; it does not link against the flyte-execute runtime. flyte-execute
 * dlopens it, checks the ABI version, looks a task up by its symbol and calls
 * its `run` with a table of host functions (FLYTE_HostApi) and an opaque
 * handle for the invocation (FLYTE_Call). Plain C11; also valid C++.
 *
 * Conventions (the same on every declaration):
 *   - Every host function returns FLYTE_Error*: NULL means success. A non-NULL
 *     error is OWNED BY THE TASK: return it from run (the host takes it back)
 *     or release it with error_delete. The only exceptions are the error_*
 *     accessors themselves.
 *   - "host-owned" pointers handed to the task (strings, paths, bytes) stay
 *     valid until `run` returns; copy them to keep them longer. Strings are
 *     NUL-terminated; where a length is given as well, the data may contain
 *     NUL bytes and the length is authoritative.
 *   - Pointers the task passes in (names, values) are only read during the
 *     call; the host copies what it keeps.
 *   - Host functions never unwind (no C++ exception, no longjmp) into the
 *     task, and a task's run must never unwind into the host.
 *   - All functions of one FLYTE_Call must be used from the thread that runs
 *     the task, and only while run is executing.
 *
 * Versioning: FLYTE_TASK_API_VERSION_MAJOR/_MINOR. A library built against
 * version L.l runs on a host of version H.h when L == H and l <= h: minor
 * versions only append members to the end of FLYTE_HostApi and
 * FLYTE_TaskDescriptor (both start with struct_size, so either side can tell
 * which members the other knows) and add new flag bits; a major version may
 * change anything.
 *
 * Building a task library (C):
 *
 *     #include <flyte/task.h>
 *     static FLYTE_Error* add_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
 *       int64_t a, b; FLYTE_Error* err;
 *       if ((err = api->input_int64(call, "a", &a)) != NULL) return err;
 *       if ((err = api->input_int64(call, "b", &b)) != NULL) return err;
 *       return api->output_int64(call, "c", a + b);
 *     }
 *     static const FLYTE_Variable add_in[] = {{"a", "integer", NULL}, {"b", "integer", NULL}};
 *     static const FLYTE_Variable add_out[] = {{"c", "integer", NULL}};
 *     FLYTE_EXPORT const FLYTE_TaskDescriptor add = {
 *         .struct_size = sizeof(FLYTE_TaskDescriptor),
 *         .api_version_major = FLYTE_TASK_API_VERSION_MAJOR,
 *         .api_version_minor = FLYTE_TASK_API_VERSION_MINOR,
 *         .name = "add", .inputs = add_in, .input_count = 2,
 *         .outputs = add_out, .output_count = 1, .run = add_run};
 *     FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()
 *
 * and `flyte-execute --task libmy.so:add ...`. Build with -fvisibility=hidden
 * so that only what FLYTE_EXPORT marks is visible to the host. C++ authors use
 * flyte/task.hpp instead, which writes all of this from a typed function.
 */
#ifndef FLYTE_TASK_H_
#define FLYTE_TASK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

/* The ABI version this header describes. See the compatibility rule above. */
#define FLYTE_TASK_API_VERSION_MAJOR 1
#define FLYTE_TASK_API_VERSION_MINOR 1

/* Marks a symbol the host must find with dlsym. */
#if defined(_WIN32)
#define FLYTE_EXPORT __declspec(dllexport)
#else
#define FLYTE_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Opaque handles                                                            */
/* ------------------------------------------------------------------------ */

/* One invocation of a task. Created and owned by the host; valid only while
 * the task's run executes. Only the host defines these two structs; their
 * layout is never part of the ABI. */
typedef struct FLYTE_Call FLYTE_Call;

/* An error: a code (e.g. "USER:ValueError"), a message and a kind. Created
 * only by FLYTE_HostApi.error_new or returned by a host function; whoever
 * holds it owns it (see the conventions at the top). */
typedef struct FLYTE_Error FLYTE_Error;

typedef struct FLYTE_HostApi FLYTE_HostApi;

/* Whether Flyte may retry the task after this error (ContainerError.kind). */
typedef enum FLYTE_ErrorKind {
  FLYTE_ERROR_NON_RECOVERABLE = 0,
  FLYTE_ERROR_RECOVERABLE = 1
} FLYTE_ErrorKind;

/* Log levels, numbered like Python's logging module (and
 * FLYTE_SDK_LOGGING_LEVEL). Any integer is accepted; these are the usual. */
#define FLYTE_LOG_DEBUG 10
#define FLYTE_LOG_INFO 20
#define FLYTE_LOG_WARNING 30
#define FLYTE_LOG_ERROR 40
#define FLYTE_LOG_CRITICAL 50

/* ------------------------------------------------------------------------ */
/* Task description                                                          */
/* ------------------------------------------------------------------------ */

/* One input or output of a task's interface.
 *
 * `type` is a Flyte type string in this grammar:
 *   integer float string boolean datetime duration none file directory
 *   file[<format>] dict struct binary structured_dataset
 *   list<T> map<T> union<T1,T2,...> optional<T>
 * e.g. "list<map<float>>", "optional<string>", "file[csv]".
 * `description` may be NULL. All strings are owned by the library and must
 * stay valid while it is loaded (string literals are the usual choice). */
typedef struct FLYTE_Variable {
  const char* name;
  const char* type;
  const char* description;
} FLYTE_Variable;

/* flyteidl.core.Secret.MountType */
#define FLYTE_SECRET_MOUNT_ANY 0u
#define FLYTE_SECRET_MOUNT_ENV_VAR 1u
#define FLYTE_SECRET_MOUNT_FILE 2u

/* A secret the task needs (flyteidl.core.Secret). group and key are
 * required; group_version and env_var may be NULL or "". env_var, when set,
 * must match ^[A-Z_][A-Z0-9_]*$. Strings owned by the library. */
typedef struct FLYTE_SecretRequest {
  const char* group;
  const char* key;
  const char* group_version;
  uint32_t mount_requirement; /* FLYTE_SECRET_MOUNT_* */
  const char* env_var;
} FLYTE_SecretRequest;

/* FLYTE_TaskDescriptor.flags bits. Unknown bits are ignored by the host. */
#define FLYTE_TASK_ENABLE_DECK 0x1u /* write deck.html for this task */
/* Since 1.1: registration options (TaskMetadata), read by `flyte-execute
 * package`; a run ignores them. */
#define FLYTE_TASK_INTERRUPTIBLE 0x2u /* may run on preemptible nodes */
#define FLYTE_TASK_CACHE 0x4u         /* cache outputs (needs cache_version) */

/* Since 1.1. A Kubernetes resource quantity for the task's container, e.g.
 * {"cpu", "500m"}, {"memory", "1Gi"}. name is one of "cpu", "memory", "gpu",
 * "ephemeral_storage" (flyteidl Resources.ResourceName, lower case). Strings
 * owned by the library. */
typedef struct FLYTE_Resource {
  const char* name;
  const char* value;
} FLYTE_Resource;

/* Since 1.1. An environment variable set in the task's container (not a
 * secret: it is stored in the registered task in clear). */
typedef struct FLYTE_EnvVar {
  const char* name;
  const char* value;
} FLYTE_EnvVar;

/* A task. Exported as a const object whose symbol is the task's SYMBOL in
 * `--task LIB.so:SYMBOL`. Everything it points to is owned by the library and
 * must stay valid and unchanged while the library is loaded.
 *
 * `run` executes one invocation. It reads inputs and writes every output
 * through `api`, and returns NULL on success or an error (created with
 * api->error_new, or one a host function returned) whose ownership passes to
 * the host. `api` and `call` are valid only until run returns. */
typedef struct FLYTE_TaskDescriptor {
  uint32_t struct_size; /* sizeof(FLYTE_TaskDescriptor) as the library saw it */
  uint32_t api_version_major;
  uint32_t api_version_minor;
  const char* name;             /* required, non-empty */
  const char* description;      /* may be NULL */
  const FLYTE_Variable* inputs; /* may be NULL when input_count == 0 */
  size_t input_count;
  const FLYTE_Variable* outputs; /* may be NULL when output_count == 0 */
  size_t output_count;
  const FLYTE_SecretRequest* secrets; /* may be NULL when secret_count == 0 */
  size_t secret_count;
  uint32_t flags;                                                  /* FLYTE_TASK_* bits */
  FLYTE_Error* (*run)(const FLYTE_HostApi* api, FLYTE_Call* call); /* required */

  /* ---- since 1.1: how the task is registered (`flyte-execute package`) ----
   * A 1.0 descriptor ends before these (its struct_size says so); the host
   * then reads them as zero/NULL: no retries, no timeout, no cache, no
   * resources, no env. All pointers are owned by the library. */
  uint32_t retries;          /* TaskMetadata.retries: USER-error retries */
  int64_t timeout_ns;        /* TaskMetadata.timeout; 0 = none */
  const char* cache_version; /* TaskMetadata.discovery_version; required with FLYTE_TASK_CACHE */
  const FLYTE_Resource* requests; /* may be NULL when request_count == 0 */
  size_t request_count;
  const FLYTE_Resource* limits; /* may be NULL when limit_count == 0 */
  size_t limit_count;
  const FLYTE_EnvVar* env; /* may be NULL when env_count == 0 */
  size_t env_count;
} FLYTE_TaskDescriptor;

/* ------------------------------------------------------------------------ */
/* What a library exports                                                    */
/* ------------------------------------------------------------------------ */

/* Required. Reports the FLYTE_TASK_API_VERSION the library was built
 * against; the host calls it before anything else in the library. */
FLYTE_EXPORT void FLYTE_TaskLibraryApiVersion(uint32_t* major, uint32_t* minor);

/* Recommended (used by `flyte-execute --list` and for helpful errors).
 * Returns the library's tasks; *count receives their number. The array and
 * the descriptors are owned by the library and live as long as it is
 * loaded. */
FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks(size_t* count);

/* Defines FLYTE_TaskLibraryApiVersion for this header's version. Use it
 * once, in one source file of the library. */
#define FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()                                     \
  FLYTE_EXPORT void FLYTE_TaskLibraryApiVersion(uint32_t* major, uint32_t* minor) { \
    *major = FLYTE_TASK_API_VERSION_MAJOR;                                          \
    *minor = FLYTE_TASK_API_VERSION_MINOR;                                          \
  }

/* ------------------------------------------------------------------------ */
/* Host functions                                                            */
/* ------------------------------------------------------------------------ */

/* The functions a task calls. Owned by the host; valid while run executes.
 *
 * struct_size is sizeof(FLYTE_HostApi) as the host built it. Later minor
 * versions append members; a library may call a member only when
 * offsetof(FLYTE_HostApi, member) < struct_size (guaranteed for every member
 * of the library's own minor version once the version check passed).
 *
 * Values follow the task's declared interface: reading an input with a
 * function that does not fit its declared type, or a name that is not
 * declared, returns an error naming the input, its type and the function to
 * use instead. The same holds for outputs.
 *
 * JSON (input_json / output_json) maps Flyte values so:
 *   integer <-> JSON integer; float <-> number, with NaN, Infinity and
 *   -Infinity as the strings "NaN", "Infinity", "-Infinity"; string <-> string;
 *   boolean <-> true/false; datetime <-> RFC 3339 UTC string ending in "Z"
 *   (e.g. "2024-05-01T12:00:00.250Z"); duration <-> seconds as a string with
 *   an "s" suffix (e.g. "1.500s", "-3s"); none <-> null; file/directory <->
 *   path or URI string; dict/struct <-> any JSON object; binary <-> base64
 *   string; list<T> <-> array; map<T> <-> object; union <-> the JSON of the
 *   chosen variant; optional<T> <-> null or T; structured_dataset <->
 *   {"uri": ..., "format": ...}. */
struct FLYTE_HostApi {
  size_t struct_size;
  uint32_t api_version_major; /* the host's FLYTE_TASK_API_VERSION */
  uint32_t api_version_minor;

  /* ---- errors (the only members that do not return FLYTE_Error*) ---- */

  /* Returns a new error owned by the caller until it is returned from run or
   * passed to error_delete. code and message are copied; NULL reads as "".
   * Never returns NULL (on allocation failure it returns a static error that
   * error_delete accepts). */
  FLYTE_Error* (*error_new)(const char* code, const char* message, FLYTE_ErrorKind kind);
  /* Accessors: the strings are owned by the error and live until it is
   * deleted or returned. */
  const char* (*error_code)(const FLYTE_Error* error);
  const char* (*error_message)(const FLYTE_Error* error);
  FLYTE_ErrorKind (*error_kind)(const FLYTE_Error* error);
  /* Releases an error the task owns. NULL is ignored. */
  void (*error_delete)(FLYTE_Error* error);

  /* ---- execution context (flytekit's ExecutionParameters) ---- */

  /* A fresh local directory the task may use freely. Host-owned. */
  FLYTE_Error* (*working_directory)(FLYTE_Call* call, const char** path);
  /* The workflow execution id in flytekit's string form "ex:project:domain:name". */
  FLYTE_Error* (*execution_id)(FLYTE_Call* call, const char** id);
  /* The task id in flytekit's form "TASK:project:domain:name:version". */
  FLYTE_Error* (*task_id)(FLYTE_Call* call, const char** id);
  /* Start of this execution: nanoseconds since the Unix epoch, UTC. */
  FLYTE_Error* (*execution_date)(FLYTE_Call* call, int64_t* unix_ns);
  /* Where offloaded raw data goes (--raw-output-data-prefix). Host-owned. */
  FLYTE_Error* (*raw_output_prefix)(FLYTE_Call* call, const char** prefix);
  /* Retry attempt number, 0 for the first (FLYTE_ATTEMPT_NUMBER). */
  FLYTE_Error* (*attempt)(FLYTE_Call* call, uint32_t* attempt);

  /* ---- inputs: name is a declared input; results are host-owned ---- */

  FLYTE_Error* (*input_int64)(FLYTE_Call* call, const char* name, int64_t* value);
  FLYTE_Error* (*input_double)(FLYTE_Call* call, const char* name, double* value);
  FLYTE_Error* (*input_bool)(FLYTE_Call* call, const char* name, bool* value);
  FLYTE_Error* (*input_string)(FLYTE_Call* call, const char* name, const char** data, size_t* len);
  /* datetime: nanoseconds since the Unix epoch, UTC. */
  FLYTE_Error* (*input_datetime)(FLYTE_Call* call, const char* name, int64_t* unix_ns);
  FLYTE_Error* (*input_duration)(FLYTE_Call* call, const char* name, int64_t* ns);
  /* Any type, as JSON text in the mapping above. */
  FLYTE_Error* (*input_json)(FLYTE_Call* call, const char* name, const char** json, size_t* len);
  /* file / directory: downloaded into the working directory on first access;
   * returns the local path. */
  FLYTE_Error* (*input_path)(FLYTE_Call* call, const char* name, const char** local_path);

  /* ---- outputs: name is a declared output; values are copied ---- */

  FLYTE_Error* (*output_int64)(FLYTE_Call* call, const char* name, int64_t value);
  FLYTE_Error* (*output_double)(FLYTE_Call* call, const char* name, double value);
  FLYTE_Error* (*output_bool)(FLYTE_Call* call, const char* name, bool value);
  FLYTE_Error* (*output_string)(FLYTE_Call* call, const char* name, const char* data, size_t len);
  FLYTE_Error* (*output_datetime)(FLYTE_Call* call, const char* name, int64_t unix_ns);
  FLYTE_Error* (*output_duration)(FLYTE_Call* call, const char* name, int64_t ns);
  FLYTE_Error* (*output_json)(FLYTE_Call* call, const char* name, const char* json, size_t len);
  /* file / directory: a local path the host uploads under the raw output
   * prefix after run returns; the file must exist until then. */
  FLYTE_Error* (*output_path)(FLYTE_Call* call, const char* name, const char* local_path);

  /* ---- secrets ---- */

  /* The secret's value, stripped of surrounding white space, host-owned. The
   * host masks the value in everything it logs. group_version may be NULL.
   * Not found -> an error naming the env var and file that were tried. */
  FLYTE_Error* (*secret_get)(FLYTE_Call* call, const char* group, const char* key,
                             const char* group_version, const char** value, size_t* len);

  /* ---- checkpoint (flytekit's SyncCheckpoint) ----
   * All return an error when the task was started without --checkpoint-path. */

  FLYTE_Error* (*checkpoint_prev_exists)(FLYTE_Call* call, bool* exists);
  /* Downloads the previous checkpoint (once) into a local directory and
   * returns its path, host-owned; *local_dir is NULL when there is none. */
  FLYTE_Error* (*checkpoint_restore)(FLYTE_Call* call, const char** local_dir);
  /* The bytes of the single file of the previous checkpoint, host-owned;
   * *bytes is NULL (and *len 0) when there is no previous checkpoint. */
  FLYTE_Error* (*checkpoint_read)(FLYTE_Call* call, const char** bytes, size_t* len);
  /* Saves bytes as this attempt's checkpoint (replacing an earlier write). */
  FLYTE_Error* (*checkpoint_write)(FLYTE_Call* call, const char* bytes, size_t len);
  /* Uploads a local file (under its own name) or a directory's contents. */
  FLYTE_Error* (*checkpoint_save_path)(FLYTE_Call* call, const char* local_path);

  /* ---- decks: shown only when the task sets FLYTE_TASK_ENABLE_DECK ---- */

  /* Appends HTML to the named deck ("default" is flytekit's default_deck). */
  FLYTE_Error* (*deck_append)(FLYTE_Call* call, const char* deck_name, const char* html);

  /* ---- stats (flytekit's user_stats; names are dotted metric names) ---- */

  FLYTE_Error* (*stats_incr)(FLYTE_Call* call, const char* name, int64_t value);
  FLYTE_Error* (*stats_gauge)(FLYTE_Call* call, const char* name, double value);
  FLYTE_Error* (*stats_timing_ms)(FLYTE_Call* call, const char* name, double ms);

  /* ---- logging: to the "user_space" logger; level as FLYTE_LOG_* ----
   * (named log_message, not log, so that <tgmath.h>'s log macro cannot
   * clash with it) */
  FLYTE_Error* (*log_message)(FLYTE_Call* call, int32_t level, const char* message);

  /* ---- output metadata: key/value pairs attached to a declared output ---- */
  FLYTE_Error* (*output_metadata_add)(FLYTE_Call* call, const char* output_name, const char* key,
                                      const char* value);

  /* ---- since 1.1 (check struct_size before calling, see above) ---- */

  /* flytekit's ExecutionParameters.output_metadata_prefix: where the task's
   * outputs.pb / error.pb / deck.html go (--output-prefix, or the local run's
   * own folder). Host-owned. */
  FLYTE_Error* (*output_metadata_prefix)(FLYTE_Call* call, const char** prefix);
  /* flytekit's ExecutionParameters.enable_deck: whether this run writes
   * deck.html (the task set FLYTE_TASK_ENABLE_DECK). */
  FLYTE_Error* (*enable_deck)(FLYTE_Call* call, bool* enabled);
};

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLYTE_TASK_H_ */
