#include "flyte/runtime/task_failure.hpp"

#include <fmt/format.h>

namespace flyte {

TaskFailure TaskFailure::user(std::string message, std::string code, bool recoverable) {
  return {std::move(code), std::move(message),
          recoverable ? ErrorKind::RECOVERABLE : ErrorKind::NON_RECOVERABLE, ErrorOrigin::USER};
}

TaskFailure TaskFailure::user_recoverable(std::string message) {
  return user(std::move(message), "USER:Recoverable", true);
}

TaskFailure TaskFailure::system(std::string message, bool recoverable) {
  return {"SYSTEM", std::move(message),
          recoverable ? ErrorKind::RECOVERABLE : ErrorKind::NON_RECOVERABLE, ErrorOrigin::SYSTEM};
}

TaskFailure TaskFailure::conversion(std::string message) {
  return system(std::move(message), /*recoverable=*/false);
}

std::string_view error_banner_kind(const TaskFailure& failure) {
  if (failure.origin == ErrorOrigin::USER) return "User";
  return failure.kind == ErrorKind::NON_RECOVERABLE ? "Non-recoverable System" : "Unknown System";
}

std::string TaskFailure::format_message(std::string_view type_name, std::string_view text,
                                        std::string_view trace) {
  return fmt::format("Trace:\n\n{}\nMessage:\n\n    {}: {}", trace, type_name, text);
}

}  // namespace flyte
