#include "flyte/runtime/task_library.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <system_error>

#include <fmt/format.h>

namespace flyte {

namespace {

using ApiVersionFn = void (*)(uint32_t*, uint32_t*);
using TaskListFn = const FLYTE_TaskDescriptor* const* (*)(size_t*);

/// The size of the 1.0 descriptor: every member up to and including `run`.
constexpr std::size_t kMinDescriptorSize =
    offsetof(FLYTE_TaskDescriptor, run) + sizeof(FLYTE_TaskDescriptor::run);

std::string last_dlerror() {
  const char* e = dlerror();
  return e ? e : "no error text from dlerror";
}

/// Clears a stale dlerror and looks `name` up; nullptr when absent.
void* find_symbol(void* handle, const char* name) {
  dlerror();
  return dlsym(handle, name);
}

const char* const kLibraryHint =
    "A task library is a shared object built against flyte/task.h: in C++ add "
    "FLYTE_TASK_LIBRARY() once and FLYTE_TASK(fn, ...) per task (flyte/task.hpp); in C define "
    "FLYTE_TaskLibraryApiVersion (FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()) and export a const "
    "FLYTE_TaskDescriptor per task.";

void check_variables(const FLYTE_Variable* vars, std::size_t count, const char* what,
                     const char* count_field, const std::string& where,
                     std::vector<TaskVariable>& out) {
  if (count > 0 && vars == nullptr) {
    throw TaskLoadError(
        fmt::format("{}: {} is {} but {} is NULL; point {} at an array of "
                    "{} FLYTE_Variable",
                    where, count_field, count, what, what, count));
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const FLYTE_Variable& v = vars[i];
    if (v.name == nullptr || *v.name == '\0') {
      throw TaskLoadError(
          fmt::format("{}: {}[{}] has no name; every variable needs a non-empty "
                      "name",
                      where, what, i));
    }
    if (v.type == nullptr || *v.type == '\0') {
      throw TaskLoadError(
          fmt::format("{}: {} '{}' has no type; give a Flyte type string such as "
                      "\"integer\" or \"list<string>\"",
                      where, what, v.name));
    }
    if (!seen.insert(v.name).second) {
      throw TaskLoadError(
          fmt::format("{}: {} '{}' is declared twice; names must be unique", where, what, v.name));
    }
    out.push_back({v.name, v.type, v.description ? v.description : ""});
  }
}

/// The size of the 1.1 descriptor (up to env_count). A 1.0 library's
/// descriptor ends before the 1.1 members: reading them would read whatever
/// the library placed after it.
constexpr std::size_t kDescriptor11Size =
    offsetof(FLYTE_TaskDescriptor, env_count) + sizeof(FLYTE_TaskDescriptor::env_count);

template <typename Pair>
std::vector<std::pair<std::string, std::string>> read_pairs(const Pair* items, std::size_t count,
                                                            const char* what,
                                                            const std::string& where) {
  if (count > 0 && items == nullptr) {
    throw TaskLoadError(fmt::format("{}: {} count is {} but {} is NULL", where, what, count, what));
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i].name == nullptr || *items[i].name == '\0' || items[i].value == nullptr ||
        *items[i].value == '\0') {
      throw TaskLoadError(
          fmt::format("{}: {}[{}] needs a non-empty name and value", where, what, i));
    }
    out.emplace_back(items[i].name, items[i].value);
  }
  return out;
}

}  // namespace

TaskRegistrationOptions registration_options(const LoadedTask& task) {
  const FLYTE_TaskDescriptor& d = *task.descriptor;
  const std::string where = fmt::format("task '{}'", task.name);
  TaskRegistrationOptions r;
  r.interruptible = (d.flags & FLYTE_TASK_INTERRUPTIBLE) != 0;
  r.cache = (d.flags & FLYTE_TASK_CACHE) != 0;
  if (d.struct_size < kDescriptor11Size) return r;  // a 1.0 descriptor
  r.retries = d.retries;
  if (d.timeout_ns < 0) {
    throw TaskLoadError(fmt::format(
        "{}: timeout_ns is {}; give 0 (no timeout) or a positive duration", where, d.timeout_ns));
  }
  r.timeout = std::chrono::nanoseconds(d.timeout_ns);
  r.cache_version = d.cache_version ? d.cache_version : "";
  r.requests = read_pairs(d.requests, d.request_count, "requests", where);
  r.limits = read_pairs(d.limits, d.limit_count, "limits", where);
  r.env = read_pairs(d.env, d.env_count, "env", where);
  return r;
}

std::string TaskApiVersion::to_string() const {
  return fmt::format("{}.{}", major, minor);
}

LoadedTask validate_task_descriptor(const FLYTE_TaskDescriptor& d, std::string symbol,
                                    const std::string& where) {
  if (d.struct_size < kMinDescriptorSize) {
    throw TaskLoadError(fmt::format(
        "{}: descriptor struct_size is {} but a flyte task API {} descriptor has at least {} "
        "bytes; set struct_size = sizeof(FLYTE_TaskDescriptor) (is the symbol really a task?)",
        where, d.struct_size, TaskApiVersion::host().to_string(), kMinDescriptorSize));
  }
  const TaskApiVersion version{d.api_version_major, d.api_version_minor};
  if (!version.runs_on(TaskApiVersion::host())) {
    throw TaskLoadError(fmt::format(
        "{}: task built against flyte task API {}, this flyte-execute supports {}; rebuild the "
        "library against this flyte-execute's flyte/task.h",
        where, version.to_string(), TaskApiVersion::host().to_string()));
  }
  if (d.run == nullptr) {
    throw TaskLoadError(fmt::format("{}: descriptor has no run function (run is NULL)", where));
  }
  if (d.name == nullptr || *d.name == '\0') {
    throw TaskLoadError(
        fmt::format("{}: descriptor has no name; set name to a non-empty string", where));
  }
  LoadedTask task;
  task.symbol = std::move(symbol);
  task.name = d.name;
  task.description = d.description ? d.description : "";
  task.flags = d.flags;
  task.api_version = version;
  task.descriptor = &d;
  check_variables(d.inputs, d.input_count, "inputs", "input_count", where, task.inputs);
  check_variables(d.outputs, d.output_count, "outputs", "output_count", where, task.outputs);
  if (d.secret_count > 0 && d.secrets == nullptr) {
    throw TaskLoadError(
        fmt::format("{}: secret_count is {} but secrets is NULL", where, d.secret_count));
  }
  for (std::size_t i = 0; i < d.secret_count; ++i) {
    const FLYTE_SecretRequest& s = d.secrets[i];
    if (s.group == nullptr || *s.group == '\0' || s.key == nullptr || *s.key == '\0') {
      throw TaskLoadError(
          fmt::format("{}: secrets[{}] needs a non-empty group and key (got group '{}', key '{}')",
                      where, i, s.group ? s.group : "(null)", s.key ? s.key : "(null)"));
    }
    if (s.mount_requirement > FLYTE_SECRET_MOUNT_FILE) {
      throw TaskLoadError(
          fmt::format("{}: secret {}/{} has mount_requirement {}; use FLYTE_SECRET_MOUNT_ANY (0), "
                      "FLYTE_SECRET_MOUNT_ENV_VAR (1) or FLYTE_SECRET_MOUNT_FILE (2)",
                      where, s.group, s.key, s.mount_requirement));
    }
    task.secrets.push_back({s.group, s.key, s.group_version ? s.group_version : "",
                            s.mount_requirement, s.env_var ? s.env_var : ""});
  }
  return task;
}

struct TaskLibrary::Impl {
  std::filesystem::path path;
  void* handle = nullptr;
  TaskApiVersion version;
  TaskListFn task_list = nullptr;
  mutable std::mutex mutex;
  mutable std::map<std::string, std::unique_ptr<LoadedTask>, std::less<>> found;

  ~Impl() {
    if (handle != nullptr) dlclose(handle);
  }

  std::string where() const { return fmt::format("task library {}", path.string()); }

  /// The library's own task list, raw (no validation).
  std::vector<const FLYTE_TaskDescriptor*> raw_tasks() const {
    std::size_t count = 0;
    const FLYTE_TaskDescriptor* const* tasks = task_list(&count);
    if (count > 0 && tasks == nullptr) {
      throw TaskLoadError(fmt::format(
          "{}: FLYTE_TaskLibraryTasks reported {} tasks but returned NULL", where(), count));
    }
    return std::vector<const FLYTE_TaskDescriptor*>(tasks, tasks + count);
  }
};

TaskLibrary::TaskLibrary(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TaskLibrary::TaskLibrary(TaskLibrary&&) noexcept = default;
TaskLibrary& TaskLibrary::operator=(TaskLibrary&&) noexcept = default;
TaskLibrary::~TaskLibrary() = default;

TaskLibrary TaskLibrary::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.empty()) {
    throw TaskLoadError("no task library given; pass --task LIB.so:SYMBOL");
  }
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::filesystem::path shown = ec ? path : absolute;
  const auto status = std::filesystem::status(shown, ec);
  if (!std::filesystem::exists(status)) {
    throw TaskLoadError(fmt::format(
        "task library {} not found{}; check the LIB part of --task LIB.so:SYMBOL (a relative "
        "path is taken from the working directory {})",
        shown.string(),
        ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")" : "",
        std::filesystem::current_path(ec).string()));
  }
  if (std::filesystem::is_directory(status)) {
    throw TaskLoadError(fmt::format(
        "task library {} is a directory; --task needs the path of a shared library file "
        "(LIB.so:SYMBOL)",
        shown.string()));
  }

  auto impl = std::make_unique<Impl>();
  impl->path = shown;
  // A path with a '/' makes dlopen load exactly this file, not search the
  // library path for a same-named one. RTLD_NODELETE keeps the code mapped
  // after dlclose, so that anything the library left behind (a pointer it
  // handed out, a handler or thread it started) never points into unmapped
  // code; flyte-execute loads a library once per process anyway.
  dlerror();
  impl->handle = dlopen(shown.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (impl->handle == nullptr) {
    throw TaskLoadError(fmt::format(
        "cannot load task library {}: {}. It must be a shared library built for this machine "
        "whose dependencies are all found (check `ldd {}` and LD_LIBRARY_PATH) and whose "
        "symbols all resolve.",
        shown.string(), last_dlerror(), shown.string()));
  }

  auto version_fn =
      reinterpret_cast<ApiVersionFn>(find_symbol(impl->handle, "FLYTE_TaskLibraryApiVersion"));
  if (version_fn == nullptr) {
    throw TaskLoadError(fmt::format(
        "task library {} does not export FLYTE_TaskLibraryApiVersion, so its flyte task API "
        "version is unknown and nothing in it is called. {}",
        shown.string(), kLibraryHint));
  }
  uint32_t major = 0;
  uint32_t minor = 0;
  version_fn(&major, &minor);
  impl->version = {major, minor};
  if (!impl->version.runs_on(TaskApiVersion::host())) {
    throw TaskLoadError(fmt::format(
        "task library {} was built against flyte task API {}, this flyte-execute supports {} "
        "(a library runs when its major version equals ours and its minor is not newer); "
        "rebuild it against this flyte-execute's flyte/task.h or use a flyte-execute that "
        "supports {}",
        shown.string(), impl->version.to_string(), TaskApiVersion::host().to_string(),
        impl->version.to_string()));
  }
  impl->task_list =
      reinterpret_cast<TaskListFn>(find_symbol(impl->handle, "FLYTE_TaskLibraryTasks"));
  return TaskLibrary(std::move(impl));
}

const std::filesystem::path& TaskLibrary::path() const {
  return impl_->path;
}

TaskApiVersion TaskLibrary::api_version() const {
  return impl_->version;
}

bool TaskLibrary::has_task_list() const {
  return impl_->task_list != nullptr;
}

const LoadedTask& TaskLibrary::find_task(std::string_view symbol) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (auto it = impl_->found.find(symbol); it != impl_->found.end()) return *it->second;

  const std::string name(symbol);
  const std::string where = fmt::format("task '{}' of {}", name, impl_->path.string());
  if (name.empty()) {
    throw TaskLoadError(
        fmt::format("no task symbol given for {}; use --task LIB.so:SYMBOL", impl_->where()));
  }
  const auto* descriptor =
      static_cast<const FLYTE_TaskDescriptor*>(find_symbol(impl_->handle, name.c_str()));
  std::vector<const FLYTE_TaskDescriptor*> listed;
  if (impl_->task_list != nullptr) listed = impl_->raw_tasks();

  auto exported_names = [&] {
    std::string names;
    for (const auto* d : listed) {
      if (d == nullptr) continue;
      if (!names.empty()) names += ", ";
      names += d->name ? d->name : "(unnamed)";
    }
    return names;
  };
  if (descriptor == nullptr) {
    const std::string dl = last_dlerror();
    if (impl_->task_list != nullptr) {
      throw TaskLoadError(fmt::format(
          "{} has no task '{}' ({}). It exports: {}. Check the SYMBOL in --task LIB.so:SYMBOL.",
          impl_->where(), name, dl, listed.empty() ? "no tasks" : exported_names()));
    }
    throw TaskLoadError(fmt::format(
        "{} has no task '{}' ({}); it does not export FLYTE_TaskLibraryTasks, so its tasks cannot "
        "be listed. Check the SYMBOL in --task LIB.so:SYMBOL (`nm -D --defined-only` shows the "
        "library's symbols).",
        impl_->where(), name, dl));
  }
  if (impl_->task_list != nullptr &&
      std::find(listed.begin(), listed.end(), descriptor) == listed.end()) {
    throw TaskLoadError(fmt::format(
        "{}: symbol '{}' is not one of the library's tasks (FLYTE_TaskLibraryTasks lists: {}); "
        "it may come from a dependency of the library. Check the SYMBOL in --task LIB.so:SYMBOL.",
        impl_->where(), name, listed.empty() ? "no tasks" : exported_names()));
  }
  auto task = std::make_unique<LoadedTask>(validate_task_descriptor(*descriptor, name, where));
  return *impl_->found.emplace(name, std::move(task)).first->second;
}

std::vector<LoadedTask> TaskLibrary::list_tasks() const {
  if (impl_->task_list == nullptr) {
    throw TaskLoadError(fmt::format(
        "{} does not export FLYTE_TaskLibraryTasks, so its tasks cannot be listed; run one by "
        "its symbol with --task LIB.so:SYMBOL, or add FLYTE_TASK_LIBRARY() (C++) / define "
        "FLYTE_TaskLibraryTasks (C)",
        impl_->where()));
  }
  std::vector<LoadedTask> tasks;
  std::size_t index = 0;
  for (const auto* d : impl_->raw_tasks()) {
    const std::string where = fmt::format("task #{} listed by {}", index++, impl_->path.string());
    if (d == nullptr) throw TaskLoadError(where + ": FLYTE_TaskLibraryTasks returned NULL for it");
    LoadedTask task = validate_task_descriptor(*d, "", where);
    task.symbol = task.name;
    tasks.push_back(std::move(task));
  }
  return tasks;
}

std::vector<ListedTask> TaskLibrary::list_tasks_checked() const {
  if (impl_->task_list == nullptr) list_tasks();  // throws the explanation
  std::vector<ListedTask> tasks;
  std::size_t index = 0;
  for (const auto* d : impl_->raw_tasks()) {
    const std::string where = fmt::format("task #{} listed by {}", index++, impl_->path.string());
    ListedTask entry;
    try {
      if (d == nullptr)
        throw TaskLoadError(where + ": FLYTE_TaskLibraryTasks returned NULL for it");
      entry.task = validate_task_descriptor(*d, "", where);
      entry.task->symbol = entry.task->name;
    } catch (const TaskLoadError& e) {
      entry.task.reset();
      entry.problem = e.what();
    }
    tasks.push_back(std::move(entry));
  }
  return tasks;
}

}  // namespace flyte
