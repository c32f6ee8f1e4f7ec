#pragma once

/// The host side of one task invocation: the FLYTE_Call a task receives and
/// the FLYTE_HostApi functions behind it (flyte/task.h). It serves inputs as
/// native values typed by the declared interface, collects outputs, and gives
/// the task the ExecutionParameters services (secrets, checkpoint, decks,
/// stats, logging). Nothing thrown here ever reaches the task: every failure
/// becomes a FLYTE_Error carrying a Flyte error code.

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <flyte/task.h>

#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/output_metadata_tracker.hpp"
#include "flyte/io/file_access.hpp"
#include "flyte/model/value.hpp"
#include "flyte/runtime/task_failure.hpp"
#include "flyte/runtime/task_interface.hpp"

namespace flyte {

/// A file or directory output could not be uploaded: the host's failure, not
/// the task's (flytekit's FlyteUploadDataException; SYSTEM, RECOVERABLE).
class OutputUploadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HostCallSetup {
  const LoadedTask* task = nullptr;
  const TaskInterface* interface = nullptr;
  ValueMap inputs;
  std::shared_ptr<const ExecutionParameters> params;
  std::shared_ptr<FileAccessProvider> file_access;
  std::shared_ptr<OutputMetadataTracker> output_metadata;
  std::uint32_t attempt = 0;
};

class HostCall {
 public:
  explicit HostCall(HostCallSetup setup);
  HostCall(const HostCall&) = delete;
  HostCall& operator=(const HostCall&) = delete;

  /// The function table handed to every task; built once, never freed.
  static const FLYTE_HostApi& api();

  /// Calls the task's run. Returns the failure the task reported (its error
  /// code, message and kind), or nullopt on success.
  std::optional<TaskFailure> invoke();

  /// After a successful run: the declared outputs, with file and directory
  /// outputs uploaded under the raw output prefix. Throws std::runtime_error
  /// naming every declared output the task did not set, OutputUploadError
  /// when an upload fails.
  ValueMap finish_outputs();

  // The implementation of each host function lives in host_call.cpp; these
  // are its entry points.
  struct Access;

 private:
  HostCallSetup setup_;
  ValueMap outputs_;
  std::map<std::string, std::filesystem::path> output_paths_;  ///< file/dir outputs to upload
  std::map<std::string, std::filesystem::path> downloaded_;    ///< input paths, fetched once
  std::deque<std::string> owned_;  ///< host-owned strings handed to the task
  std::optional<std::filesystem::path> restored_checkpoint_;
  std::optional<std::optional<std::string>> checkpoint_bytes_;
};

/// Turns an error object returned by a task into a TaskFailure (codes are kept;
/// "SYSTEM" codes keep SYSTEM origin). Takes ownership and deletes it.
TaskFailure take_task_error(FLYTE_Error* error);

}  // namespace flyte
