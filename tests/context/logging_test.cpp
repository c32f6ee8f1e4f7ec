#include "flyte/context/logging.hpp"
#include "support/digit_shape.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "flyte/context/redaction.hpp"

using namespace flyte;
using flyte::testing::digit_shape;

namespace {

/// Sets logging up on a string stream for one test, and back to stderr after.
class CapturedLogs {
 public:
  explicit CapturedLogs(LoggingConfig config)
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    setup_logging(config, sink_);
  }
  ~CapturedLogs() { setup_logging(LoggingConfig{}); }
  CapturedLogs(const CapturedLogs&) = delete;
  CapturedLogs& operator=(const CapturedLogs&) = delete;

  std::vector<std::string> lines() {
    sink_->flush();
    std::vector<std::string> result;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

LoggingConfig with_level(int level, LogFormat format = LogFormat::JSON) {
  LoggingConfig cfg;
  cfg.level = level;
  cfg.format = format;
  return cfg;
}

}  // namespace

TEST_CASE("LoggingConfig defaults: WARNING for flytekit, INFO for user_space, JSON") {
  const auto cfg = LoggingConfig::from_env(env_from_map({}));
  CHECK(cfg.level == 30);
  CHECK(cfg.user_level == 20);
  CHECK(cfg.developer_level == 20);
  CHECK(cfg.format == LogFormat::JSON);
  CHECK(cfg.warnings.empty());
}

TEST_CASE("LoggingConfig reads numeric and named Python levels and the format") {
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "10"}})).level == 10);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", " 40 "}})).level == 40);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "debug"}})).level == 10);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "Info"}})).level == 20);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "WARNING"}})).level ==
        30);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "error"}})).level == 40);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "CRITICAL"}})).level ==
        50);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_DEV_LOGGING_LEVEL", "30"}}))
            .developer_level == 30);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_FORMAT", "json"}})).format ==
        LogFormat::JSON);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_FORMAT", "text"}})).format ==
        LogFormat::TEXT);
  CHECK(LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_FORMAT", ""}})).format ==
        LogFormat::TEXT);
}

TEST_CASE("A bad logging level is a warning and keeps the default") {
  const auto cfg = LoggingConfig::from_env(env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "loud"}}));
  CHECK(cfg.level == 30);
  REQUIRE(cfg.warnings.size() == 1);
  CHECK_THAT(cfg.warnings[0], Catch::Contains("FLYTE_SDK_LOGGING_LEVEL='loud'"));

  CapturedLogs logs(cfg);
  const auto lines = logs.lines();
  REQUIRE(lines.size() == 1);
  const auto record = nlohmann::json::parse(lines[0]);
  CHECK(record["name"] == "flytekit");
  CHECK(record["levelname"] == "WARNING");
  CHECK_THAT(record["message"].get<std::string>(), Catch::Contains("loud"));
}

TEST_CASE("JSON log lines have python-json-logger's four keys and values") {
  CapturedLogs logs(with_level(10));
  system_logger()->info("starting \"task\"\n\tnext line é");
  user_logger()->warn("user says {}", 42);
  developer_logger()->error("dev");
  const auto lines = logs.lines();
  REQUIRE(lines.size() == 3);

  const auto first = nlohmann::json::parse(lines[0]);
  CHECK(first.size() == 4);
  CHECK(first["name"] == "flytekit");
  CHECK(first["levelname"] == "INFO");
  CHECK(first["message"] == "starting \"task\"\n\tnext line é");
  const std::string asctime = first["asctime"];
  CHECK(digit_shape(asctime) == "9999-99-99 99:99:99,999");
  // Python's layout: keys in this order, ", " / ": " separators, ASCII only.
  CHECK(lines[0] == "{\"asctime\": \"" + asctime +
                        "\", \"name\": \"flytekit\", \"levelname\": \"INFO\", \"message\": "
                        "\"starting \\\"task\\\"\\n\\tnext line \\u00e9\"}");

  const auto second = nlohmann::json::parse(lines[1]);
  CHECK(second["name"] == "user_space");
  CHECK(second["levelname"] == "WARNING");
  CHECK(second["message"] == "user says 42");
  const auto third = nlohmann::json::parse(lines[2]);
  CHECK(third["name"] == "developer");
  CHECK(third["levelname"] == "ERROR");
}

TEST_CASE("Text log format is [logger] message") {
  CapturedLogs logs(with_level(20, LogFormat::TEXT));
  system_logger()->info("hello");
  user_logger()->critical("bye");
  CHECK(logs.lines() == std::vector<std::string>{"[flytekit] hello", "[user_space] bye"});
}

TEST_CASE("Levels filter the flytekit logger like Python thresholds") {
  SECTION("default WARNING hides info, shows warning and above") {
    CapturedLogs logs(with_level(30, LogFormat::TEXT));
    system_logger()->debug("d");
    system_logger()->info("i");
    system_logger()->warn("w");
    system_logger()->error("e");
    user_logger()->info("user info still shows");
    user_logger()->debug("user debug hidden");
    CHECK(logs.lines() == std::vector<std::string>{"[flytekit] w", "[flytekit] e",
                                                   "[user_space] user info still shows"});
  }
  SECTION("named level from the env: ERROR") {
    CapturedLogs logs(LoggingConfig::from_env(env_from_map(
        {{"FLYTE_SDK_LOGGING_LEVEL", "error"}, {"FLYTE_SDK_LOGGING_FORMAT", "text"}})));
    system_logger()->warn("w");
    system_logger()->error("e");
    system_logger()->critical("c");
    CHECK(logs.lines() == std::vector<std::string>{"[flytekit] e", "[flytekit] c"});
  }
  SECTION("numeric level from the env: 10 shows debug") {
    CapturedLogs logs(LoggingConfig::from_env(
        env_from_map({{"FLYTE_SDK_LOGGING_LEVEL", "10"}, {"FLYTE_SDK_LOGGING_FORMAT", "text"}})));
    system_logger()->debug("d");
    system_logger()->trace("t");
    CHECK(logs.lines() == std::vector<std::string>{"[flytekit] d"});
  }
  SECTION("above CRITICAL silences the logger") {
    CapturedLogs logs(with_level(60, LogFormat::TEXT));
    system_logger()->critical("c");
    CHECK(logs.lines().empty());
  }
}

TEST_CASE("Python level mapping and names") {
  CHECK(to_spdlog_level(0) == spdlog::level::trace);
  CHECK(to_spdlog_level(10) == spdlog::level::debug);
  CHECK(to_spdlog_level(15) == spdlog::level::info);
  CHECK(to_spdlog_level(20) == spdlog::level::info);
  CHECK(to_spdlog_level(30) == spdlog::level::warn);
  CHECK(to_spdlog_level(40) == spdlog::level::err);
  CHECK(to_spdlog_level(50) == spdlog::level::critical);
  CHECK(to_spdlog_level(51) == spdlog::level::off);
  CHECK(python_level_name(spdlog::level::warn) == "WARNING");
  CHECK(parse_python_log_level("fatal") == 50);
  CHECK(parse_python_log_level("warn") == 30);
  CHECK(parse_python_log_level("+20") == 20);
  CHECK_FALSE(parse_python_log_level("").has_value());
  CHECK_FALSE(parse_python_log_level("20x").has_value());
}

TEST_CASE("A registered secret never appears in user or system log lines") {
  clear_sensitive_values_for_testing();
  register_sensitive_value("s3cr3t-value");
  std::vector<std::string> json_lines;
  std::vector<std::string> text_lines;
  {
    CapturedLogs logs(with_level(20));
    user_logger()->info("my key is s3cr3t-value!");
    system_logger()->warn("loaded {}", "s3cr3t-value");
    spdlog::get("flytekit")->error("via registry: s3cr3t-value");
    json_lines = logs.lines();
  }
  {
    CapturedLogs logs(with_level(20, LogFormat::TEXT));
    user_logger()->info("my key is s3cr3t-value!");
    text_lines = logs.lines();
  }
  clear_sensitive_values_for_testing();

  REQUIRE(json_lines.size() == 3);
  for (const auto& line : json_lines) CHECK(line.find("s3cr3t-value") == std::string::npos);
  CHECK(nlohmann::json::parse(json_lines[0])["message"] == "my key is [redacted]!");
  CHECK(nlohmann::json::parse(json_lines[1])["message"] == "loaded [redacted]");
  CHECK(nlohmann::json::parse(json_lines[2])["message"] == "via registry: [redacted]");
  CHECK(text_lines == std::vector<std::string>{"[user_space] my key is [redacted]!"});
}
