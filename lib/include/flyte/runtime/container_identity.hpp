#pragma once

/// Who this run is, as Flyte's engine tells the container through env vars
/// (CONTRACT §4). Each value has a long and a short name; the first one
/// present wins even when empty, as in flytekit.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "flyte/context/env_lookup.hpp"
#include "flyte/model/identifier.hpp"

namespace flyte {

struct ContainerIdentity {
  WorkflowExecutionIdentifier execution_id;
  Identifier task_id;
  std::string workflow;                      ///< stats tag exec_workflow
  std::string launch_plan;                   ///< stats tag exec_launchplan
  std::optional<std::string> attempt;        ///< FLYTE_ATTEMPT_NUMBER, exposed as is
  std::optional<std::string> execution_url;  ///< FLYTE_EXECUTION_URL

  /// Reads the FLYTE_INTERNAL_* / _F_* variables; absent values are empty.
  static ContainerIdentity from_env(const EnvLookup& env);
  /// CONTRACT §5 local defaults: `local:local:local` and `TASK:local:local:local:local`.
  static ContainerIdentity local();
};

/// A malformed array-job variable; the message names it and its value.
class ArrayIndexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The array (map task) index, as flytekit's entrypoint._compute_array_job_index:
/// BATCH_JOB_ARRAY_INDEX_OFFSET (0 when unset or empty) plus the integer in the
/// variable named by BATCH_JOB_ARRAY_INDEX_VAR_NAME; the offset alone when
/// BATCH_JOB_ARRAY_INDEX_VAR_NAME is unset or empty. Throws ArrayIndexError
/// when the named variable is unset or a value is not a non-negative integer.
std::size_t array_index_from_env(const EnvLookup& env);

}  // namespace flyte
