#include "flyte/runtime/error_document.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "flyte/context/redaction.hpp"
#include "flyteidl/core/errors.pb.h"

namespace flyte {

flyteidl::core::ErrorDocument make_error_document(const TaskFailure& failure,
                                                  const std::string& worker,
                                                  std::chrono::system_clock::time_point when) {
  flyteidl::core::ErrorDocument document;
  auto* error = document.mutable_error();
  error->set_code(failure.code);
  error->set_message(redact(failure.message));
  error->set_kind(failure.kind == ErrorKind::RECOVERABLE
                      ? flyteidl::core::ContainerError::RECOVERABLE
                      : flyteidl::core::ContainerError::NON_RECOVERABLE);
  error->set_origin(static_cast<flyteidl::core::ExecutionError::ErrorKind>(failure.origin));
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  *error->mutable_timestamp() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(nanos);
  error->set_worker(worker);
  return document;
}

std::string error_file_name(const EnvLookup& env) {
  if (!first_present(env, {"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "_F_DES"})) return "error.pb";
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device());
  return fmt::format("error-{:016x}{:016x}.pb", generator(), generator());
}

std::string worker_name(const EnvLookup& env) {
  return first_present(env, {"FLYTE_INTERNAL_WORKER_NAME", "_F_WN"}).value_or("");
}

int exit_code_after_failure(const EnvLookup& env, bool local_run) {
  if (local_run) return 1;
  auto value = env("FLYTE_FAIL_ON_ERROR");
  if (!value) return 0;
  std::string lowered = *value;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return (lowered == "true" || lowered == "t" || lowered == "1") ? 1 : 0;
}

}  // namespace flyte
