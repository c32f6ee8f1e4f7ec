#pragma once

/// A failed run, as data (aws-lambda-cpp style: errors are values that flow to
/// the one place that writes error.pb). Codes and kinds follow CONTRACT §3 so
/// the engine treats a native task's failure exactly like a Python one.

#include <chrono>
#include <string>
#include <string_view>

namespace flyte {

/// Who is to blame; flyteidl ExecutionError.ErrorKind numbers.
enum class ErrorOrigin { UNKNOWN = 0, USER = 1, SYSTEM = 2 };

/// Whether the engine may retry; flyteidl ContainerError.Kind numbers.
enum class ErrorKind { NON_RECOVERABLE = 0, RECOVERABLE = 1 };

struct TaskFailure {
  std::string code;     ///< e.g. "USER:RuntimeError", "SYSTEM", "UNKNOWN_OUTPUT"
  std::string message;  ///< already redacted by whoever built it
  ErrorKind kind = ErrorKind::NON_RECOVERABLE;
  ErrorOrigin origin = ErrorOrigin::USER;

  /// The task raised (or could not be loaded): USER, NON_RECOVERABLE unless
  /// `recoverable`. `code` defaults to flytekit's "USER:RuntimeError".
  static TaskFailure user(std::string message, std::string code = "USER:RuntimeError",
                          bool recoverable = false);
  /// flytekit's FlyteRecoverableException: USER, RECOVERABLE, "USER:Recoverable".
  static TaskFailure user_recoverable(std::string message);
  /// An unexpected runtime failure: SYSTEM, code "SYSTEM", RECOVERABLE unless
  /// known to be fatal.
  static TaskFailure system(std::string message, bool recoverable = true);
  /// Inputs or outputs could not be converted: SYSTEM, NON_RECOVERABLE (a
  /// retry cannot fix bad inputs; flyte#5439).
  static TaskFailure conversion(std::string message);

  /// flytekit's message shape: "Trace:\n\n<trace>\nMessage:\n\n    <type>: <text>".
  static std::string format_message(std::string_view type_name, std::string_view text,
                                    std::string_view trace = {});
};

/// The middle of flytekit's log banner "!! Begin <kind> Error Captured by
/// Flyte !!" (entrypoint._dispatch_execute): "User" for a USER failure,
/// "Non-recoverable System" for a NON_RECOVERABLE SYSTEM one (its
/// FlyteNonRecoverableSystemException), "Unknown System" for any other.
std::string_view error_banner_kind(const TaskFailure& failure);

}  // namespace flyte
