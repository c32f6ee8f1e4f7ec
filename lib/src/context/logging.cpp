#include "flyte/context/logging.hpp"

#include <poll.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "flyte/context/redaction.hpp"

namespace flyte {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

/// Python's `%(asctime)s`: local time, `YYYY-MM-DD HH:MM:SS,mmm`.
void append_asctime(std::chrono::system_clock::time_point time, spdlog::memory_buf_t& dest) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  ::localtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 static_cast<int>(millis));
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

/// A JSON string literal as Python's json.dumps writes it (ensure_ascii).
void append_json_string(spdlog::memory_buf_t& dest, std::string_view text) {
  const std::string dumped =
      nlohmann::json(std::string(text))
          .dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  append(dest, dumped);
}

class PythonLogFormatter final : public spdlog::formatter {
 public:
  explicit PythonLogFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view name(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view message(msg.payload.data(), msg.payload.size());
    if (format_ == LogFormat::TEXT) {
      append(dest, "[");
      append(dest, name);
      append(dest, "] ");
      append(dest, message);
      append(dest, "\n");
      return;
    }
    spdlog::memory_buf_t asctime;
    append_asctime(msg.time, asctime);
    append(dest, "{\"asctime\": ");
    append_json_string(dest, std::string_view(asctime.data(), asctime.size()));
    append(dest, ", \"name\": ");
    append_json_string(dest, name);
    append(dest, ", \"levelname\": ");
    append_json_string(dest, python_level_name(msg.level));
    append(dest, ", \"message\": ");
    append_json_string(dest, message);
    append(dest, "}\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<PythonLogFormatter>(format_);
  }

 private:
  LogFormat format_;
};

// Log lines to fd 2. The supervisor makes a piped stderr non-blocking (so a
// stuck log reader cannot stall it, flyte/runtime/supervisor.hpp StdioGuard):
// a full pipe gets a bounded wait per line, then the rest of the line is
// dropped, where stdio would drop it at once (and spdlog would report that).
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    const char* data = formatted.data();
    std::size_t size = formatted.size();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (size > 0) {
      const ssize_t n = ::write(STDERR_FILENO, data, size);
      if (n > 0) {
        data += n;
        size -= static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) return;
        pollfd fd{STDERR_FILENO, POLLOUT, 0};
        ::poll(&fd, 1, static_cast<int>(left));
        continue;
      }
      return;  // EPIPE or worse: nobody reads
    }
  }
  void flush_() override {}
};

class RedactingSink final : public spdlog::sinks::sink {
 public:
  explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

  void log(const spdlog::details::log_msg& msg) override {
    const std::string redacted = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
    inner_->log(copy);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  spdlog::sink_ptr inner_;
};

struct Loggers {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> system;
  std::shared_ptr<spdlog::logger> user;
  std::shared_ptr<spdlog::logger> developer;
};

Loggers& loggers() {
  static Loggers instance;
  return instance;
}

std::shared_ptr<spdlog::logger> make_logger(std::string_view name, const spdlog::sink_ptr& sink,
                                            int python_level) {
  auto logger = std::make_shared<spdlog::logger>(std::string(name), sink);
  logger->set_level(to_spdlog_level(python_level));
  // Errors and worse are flushed at once: they are what is read after a crash.
  logger->flush_on(spdlog::level::err);
  spdlog::drop(std::string(name));
  spdlog::register_logger(logger);
  return logger;
}

void setup_locked(Loggers& l, const LoggingConfig& config, spdlog::sink_ptr sink) {
  if (!sink) sink = std::make_shared<StderrSink>();
  auto redacting = make_redacting_sink(std::move(sink));
  redacting->set_level(spdlog::level::trace);
  redacting->set_formatter(make_python_log_formatter(config.format));
  l.system = make_logger(kSystemLoggerName, redacting, config.level);
  l.user = make_logger(kUserLoggerName, redacting, config.user_level);
  l.developer = make_logger(kDeveloperLoggerName, redacting, config.developer_level);
  for (const auto& warning : config.warnings) l.system->warn("{}", warning);
}

std::shared_ptr<spdlog::logger> get_or_setup(std::shared_ptr<spdlog::logger> Loggers::*which) {
  auto& l = loggers();
  std::lock_guard lock(l.mutex);
  if (!(l.*which)) setup_locked(l, LoggingConfig{}, nullptr);
  return l.*which;
}

int read_level(const EnvLookup& env, std::string_view name, int fallback,
               std::vector<std::string>& warnings) {
  const auto value = env(name);
  if (!value) return fallback;
  if (auto level = parse_python_log_level(*value)) return *level;
  warnings.push_back(fmt::format(
      "{}='{}' is not a Python logging level; use a number (10 DEBUG, 20 INFO, 30 WARNING, "
      "40 ERROR, 50 CRITICAL) or one of those names. Using the default {} ({})",
      name, redact(*value), fallback, python_level_name(to_spdlog_level(fallback))));
  return fallback;
}

}  // namespace

std::optional<int> parse_python_log_level(std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) return std::nullopt;
  int number = 0;
  const char* begin = value.data();
  const char* end = value.data() + value.size();
  if (*begin == '+') ++begin;  // Python's int() accepts a leading '+'
  const auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec == std::errc{} && ptr == end) return number;
  const std::string name = upper(value);
  if (name == "NOTSET") return 0;
  if (name == "DEBUG") return 10;
  if (name == "INFO") return 20;
  if (name == "WARNING" || name == "WARN") return 30;
  if (name == "ERROR") return 40;
  if (name == "CRITICAL" || name == "FATAL") return 50;
  return std::nullopt;
}

spdlog::level::level_enum to_spdlog_level(int python_level) {
  if (python_level <= 5) return spdlog::level::trace;
  if (python_level <= 10) return spdlog::level::debug;
  if (python_level <= 20) return spdlog::level::info;
  if (python_level <= 30) return spdlog::level::warn;
  if (python_level <= 40) return spdlog::level::err;
  if (python_level <= 50) return spdlog::level::critical;
  return spdlog::level::off;
}

std::string_view python_level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "NOTSET";
  }
}

LoggingConfig LoggingConfig::from_env(const EnvLookup& env) {
  LoggingConfig cfg;
  cfg.level = read_level(env, "FLYTE_SDK_LOGGING_LEVEL", cfg.level, cfg.warnings);
  cfg.developer_level =
      read_level(env, "FLYTE_SDK_DEV_LOGGING_LEVEL", cfg.developer_level, cfg.warnings);
  if (const auto format = env("FLYTE_SDK_LOGGING_FORMAT")) {
    cfg.format = upper(trim(*format)) == "JSON" ? LogFormat::JSON : LogFormat::TEXT;
  }
  return cfg;
}

std::unique_ptr<spdlog::formatter> make_python_log_formatter(LogFormat format) {
  return std::make_unique<PythonLogFormatter>(format);
}

spdlog::sink_ptr make_redacting_sink(spdlog::sink_ptr inner) {
  return std::make_shared<RedactingSink>(std::move(inner));
}

void setup_logging(const LoggingConfig& config, spdlog::sink_ptr sink) {
  auto& l = loggers();
  std::lock_guard lock(l.mutex);
  setup_locked(l, config, std::move(sink));
}

std::shared_ptr<spdlog::logger> system_logger() {
  return get_or_setup(&Loggers::system);
}
std::shared_ptr<spdlog::logger> user_logger() {
  return get_or_setup(&Loggers::user);
}
std::shared_ptr<spdlog::logger> developer_logger() {
  return get_or_setup(&Loggers::developer);
}

}  // namespace flyte
