#pragma once

/// The registration side of flyte-execute, in its own executable
/// (libexec/flyte-execute/flyte-execute-registration, which `flyte-execute
/// package`, `validate` and `--list --format json` exec): protobuf's JSON
/// support, DynamicMessage and the gzip writer would otherwise add ~30 static
/// initialisers and 4 registered descriptor files to every task's start.
///
/// `flyte-execute validate` and `flyte-execute package`: checking task
/// libraries before they are deployed, and turning them into the archive
/// `flytectl register files --archive` takes (what `pyflyte package` writes
/// for Python tasks; CONTRACT.md §12).

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flyte/runtime/task_interface.hpp"

namespace flyte {

/// The interface as flyteidl.core.TypedInterface in protobuf's JSON mapping,
/// exactly as flytekit types the equivalent Python signature
/// (flytekit.core.interface.transform_interface_to_typed_interface): one
/// Variable per input/output with its LiteralType, and as description the
/// declared one or else the variable's name (flytekit's default when the
/// docstring does not describe a parameter).
nlohmann::json typed_interface_json(const LoadedTask& task, const TaskInterface& interface);

/// `flyte-execute --list LIB.so --format json`: one {"name", "interface"}
/// object per line, the interface a TypedInterface in MessageToJsonString's
/// form. 0, or 1 with the problem on `err`.
int list_tasks_json(const std::string& library, std::ostream& out, std::ostream& err);

/// One thing wrong with a library or task, with how to fix it.
struct LibraryProblem {
  std::string where;    ///< "libfoo.so", "libfoo.so: task 'add'"
  std::string message;  ///< what is wrong and the fix
};

/// Loads each library and checks everything registration depends on: that it
/// loads and lists its tasks, every descriptor, every type string, secret,
/// registration option, and that no two tasks get the same registered name.
/// Collects every problem instead of stopping at the first.
std::vector<LibraryProblem> validate_libraries(const std::vector<std::string>& libraries);

/// The registered task name of `task` in the library at `library`:
/// "<library>.<task>", where <library> is the file name without a leading
/// "lib" and everything from the first ".so" (libexample_tasks.so ->
/// example_tasks.add), as flytekit names a Python task "<module>.<function>".
std::string registered_task_name(const std::string& library, const std::string& task);

/// `flyte-execute validate LIB.so...` (args after "validate"): 0 when every
/// library is fine, 1 with each problem printed, 2 for a usage error.
int run_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `flyte-execute package LIB.so... --image IMAGE ...` (args after
/// "package"): runs validate's checks, then writes one flyteidl.admin.TaskSpec
/// per task into a gzip tar named as `pyflyte package` names its files. 0 on
/// success, 1 for a problem (nothing written), 2 for a usage error.
int run_package(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace flyte
