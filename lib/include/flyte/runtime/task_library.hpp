#pragma once

/// Host side of the task ABI (flyte/task.h): opening a task library, checking
/// that it speaks our ABI version, and finding its tasks.
///
///     auto lib = flyte::TaskLibrary::open("build/lib/libexample_tasks.so");
///     const flyte::LoadedTask& add = lib.find_task("add");
///     add.descriptor->run(&host_api, call);
///
/// Apart from the library's static initialisers (which dlopen runs), nothing
/// in it is called before its ABI version has been checked, and every
/// descriptor handed out has been validated, so the caller can use its fields
/// without further checks.

#include <flyte/task.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flyte {

/// A task library cannot be used: not found, not loadable, wrong ABI
/// version, no such task, or a malformed descriptor. The message names the
/// library path, what went wrong (with dlerror's text where there is one)
/// and how to fix it. Flyte treats it as a user error.
class TaskLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An ABI version (FLYTE_TASK_API_VERSION_MAJOR / _MINOR).
struct TaskApiVersion {
  uint32_t major = 0;
  uint32_t minor = 0;

  /// The version this flyte-execute implements.
  static constexpr TaskApiVersion host() {
    return {FLYTE_TASK_API_VERSION_MAJOR, FLYTE_TASK_API_VERSION_MINOR};
  }
  /// The rule of flyte/task.h: same major, and the library's minor no newer
  /// than the host's.
  bool runs_on(const TaskApiVersion& host_version) const {
    return major == host_version.major && minor <= host_version.minor;
  }
  /// "1.0"
  std::string to_string() const;
  friend bool operator==(const TaskApiVersion& a, const TaskApiVersion& b) {
    return a.major == b.major && a.minor == b.minor;
  }
};

/// One input or output of a task's interface, copied out of the library.
/// `type` is the Flyte type string as the library declared it (parsed
/// elsewhere).
struct TaskVariable {
  std::string name;
  std::string type;
  std::string description;
};

/// A secret a task declared (flyteidl.core.Secret).
struct TaskSecretRequest {
  std::string group;
  std::string key;
  std::string group_version;
  uint32_t mount_requirement = FLYTE_SECRET_MOUNT_ANY;
  std::string env_var;
};

/// A validated task of an open library. `descriptor` points into the
/// library and is valid as long as the TaskLibrary that produced it.
/// How a task asks to be registered (descriptor members of ABI 1.1; all
/// default for a 1.0 library). Read by `flyte-execute package`.
struct TaskRegistrationOptions {
  uint32_t retries = 0;
  std::chrono::nanoseconds timeout{0};  ///< 0 = none
  bool interruptible = false;
  bool cache = false;
  std::string cache_version;
  std::vector<std::pair<std::string, std::string>> requests;  ///< resource name, quantity
  std::vector<std::pair<std::string, std::string>> limits;
  std::vector<std::pair<std::string, std::string>> env;
};

struct LoadedTask {
  std::string symbol;  ///< what --task LIB.so:SYMBOL named (or the task's name when listed)
  std::string name;
  std::string description;
  std::vector<TaskVariable> inputs;
  std::vector<TaskVariable> outputs;
  std::vector<TaskSecretRequest> secrets;
  uint32_t flags = 0;
  TaskApiVersion api_version;
  const FLYTE_TaskDescriptor* descriptor = nullptr;

  bool deck_enabled() const { return (flags & FLYTE_TASK_ENABLE_DECK) != 0; }
};

/// One entry of a library's task list: the checked task, or why it is not one.
struct ListedTask {
  std::optional<LoadedTask> task;
  std::string problem;  ///< set when task is empty: what is wrong and the fix
};

/// The task's registration options. A run never reads them (a bad one must
/// not stop a task from running); `package` and `validate` do. Throws
/// TaskLoadError for a NULL array with a non-zero count, an empty name or
/// value, or a negative timeout. The task's library must still be open.
TaskRegistrationOptions registration_options(const LoadedTask& task);

/// An open task library (dlopen handle). Move-only. Destruction releases the
/// handle; treat every descriptor it handed out as invalid from then on (the
/// code itself stays mapped, RTLD_NODELETE, so that thread_local destructors
/// and atexit handlers the library registered can still run at exit).
class TaskLibrary {
 public:
  /// dlopens `path` (RTLD_NOW | RTLD_LOCAL: every symbol resolved now, none
  /// leaking into other libraries) and checks its ABI version. Throws
  /// TaskLoadError when the file is missing, is not a loadable shared
  /// library, has unresolved symbols, exports no FLYTE_TaskLibraryApiVersion,
  /// or was built for an ABI this host does not run.
  static TaskLibrary open(const std::filesystem::path& path);

  TaskLibrary(TaskLibrary&&) noexcept;
  TaskLibrary& operator=(TaskLibrary&&) noexcept;
  ~TaskLibrary();

  /// The absolute path that was opened.
  const std::filesystem::path& path() const;
  /// The ABI version the library reports.
  TaskApiVersion api_version() const;

  /// The task exported under `symbol` (the SYMBOL of --task LIB.so:SYMBOL),
  /// validated. Throws TaskLoadError when there is no such symbol (listing
  /// the tasks the library does export, when it says), when the symbol is
  /// not one of the library's tasks, or when its descriptor is malformed.
  /// The result is cached: the reference stays valid with the library.
  const LoadedTask& find_task(std::string_view symbol) const;

  /// Whether the library exports FLYTE_TaskLibraryTasks.
  bool has_task_list() const;
  /// Every task the library lists (FLYTE_TaskLibraryTasks), validated, in the
  /// library's order. Throws TaskLoadError when the library has no task list
  /// or one of its descriptors is malformed.
  std::vector<LoadedTask> list_tasks() const;
  /// Like list_tasks, but a malformed descriptor becomes an entry with its
  /// problem instead of ending the listing (for `flyte-execute validate`).
  /// Throws TaskLoadError only when the library has no task list.
  std::vector<ListedTask> list_tasks_checked() const;

 private:
  struct Impl;
  explicit TaskLibrary(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Checks one descriptor (struct size, ABI version, non-null run, names and
/// types present, no duplicate variable names, valid mount requirements) and
/// copies it out. `where` names it in error messages (e.g. "task 'add' of
/// /path/lib.so"). Throws TaskLoadError.
LoadedTask validate_task_descriptor(const FLYTE_TaskDescriptor& descriptor, std::string symbol,
                                    const std::string& where);

}  // namespace flyte
