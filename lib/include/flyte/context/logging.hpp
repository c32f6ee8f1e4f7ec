#pragma once

/// Logging shaped like flytekit's (CONTRACT §4), so log pipelines that parse
/// Python task logs parse ours: loggers `flytekit` (system), `user_space` (the
/// task's) and `developer`; by default one JSON object a line on stderr with
/// python-json-logger's keys `asctime`, `name`, `levelname`, `message`.
///
/// Every message passes through flyte::redact() before it is formatted, so a
/// registered secret value never reaches a log line, whoever logs it.

#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/context/env_lookup.hpp"

namespace flyte {

inline constexpr std::string_view kSystemLoggerName = "flytekit";
inline constexpr std::string_view kUserLoggerName = "user_space";
inline constexpr std::string_view kDeveloperLoggerName = "developer";

enum class LogFormat {
  /// `{"asctime": "2024-01-31 12:00:00,123", "name": "flytekit", "levelname":
  /// "WARNING", "message": "..."}`, byte for byte python-json-logger's layout
  /// (ASCII-only, `", "` and `": "` separators).
  JSON,
  /// `[<logger>] <message>`
  TEXT,
};

/// Levels are Python's numbers (DEBUG=10, INFO=20, WARNING=30, ERROR=40,
/// CRITICAL=50): a record passes when its level is at least the threshold.
/// The defaults are flytekit's: the flytekit logger at WARNING, the
/// user_space logger always at INFO (flytekit does not let
/// FLYTE_SDK_LOGGING_LEVEL hide the task's own INFO lines), the developer
/// logger at INFO.
struct LoggingConfig {
  int level = 30;            ///< `flytekit` logger: FLYTE_SDK_LOGGING_LEVEL
  int user_level = 20;       ///< `user_space` logger: INFO, as flytekit
  int developer_level = 20;  ///< `developer` logger: FLYTE_SDK_DEV_LOGGING_LEVEL
  LogFormat format = LogFormat::JSON;
  /// Problems found while reading the config; setup_logging logs them as
  /// warnings on the system logger (logging is not set up while reading).
  std::vector<std::string> warnings;

  /// FLYTE_SDK_LOGGING_LEVEL, FLYTE_SDK_DEV_LOGGING_LEVEL: a Python level
  /// number or name (DEBUG, INFO, WARNING/WARN, ERROR, CRITICAL/FATAL, NOTSET;
  /// any case). A bad value is a warning and keeps the default (flytekit
  /// crashes on it). FLYTE_SDK_LOGGING_FORMAT: `json` (the default; any case,
  /// surrounding blanks ignored) or anything else for text, as flytekit.
  static LoggingConfig from_env(const EnvLookup& env);
};

/// A Python level number or name, or nullopt when it is neither.
std::optional<int> parse_python_log_level(std::string_view text);

/// The spdlog threshold that lets through exactly the records Python's
/// threshold `python_level` would (above CRITICAL: off).
spdlog::level::level_enum to_spdlog_level(int python_level);

/// Python's levelname for an spdlog level (trace is reported as DEBUG, which is
/// the lowest name Python's log consumers know).
std::string_view python_level_name(spdlog::level::level_enum level);

/// The flytekit-shaped line formatter for `format`.
std::unique_ptr<spdlog::formatter> make_python_log_formatter(LogFormat format);

/// A sink that redacts each message and hands it to `inner`. Formatter and
/// pattern calls go to `inner`.
spdlog::sink_ptr make_redacting_sink(spdlog::sink_ptr inner);

/// (Re)creates the three loggers with `config`, writing to `sink` (stderr when
/// null) through a redacting wrapper, with the flytekit formatter; registers
/// them with spdlog (so spdlog::get("flytekit") works) and logs
/// config.warnings. Safe to call again, e.g. from a test with its own sink.
void setup_logging(const LoggingConfig& config, spdlog::sink_ptr sink = nullptr);

/// The loggers; set up with LoggingConfig{} on stderr if setup_logging was not
/// called yet. Thread-safe.
std::shared_ptr<spdlog::logger> system_logger();
std::shared_ptr<spdlog::logger> user_logger();
std::shared_ptr<spdlog::logger> developer_logger();

}  // namespace flyte
