#include "flyte/runtime/error_document.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>

#include "flyte/context/redaction.hpp"
#include "flyte/runtime/task_failure.hpp"
#include "flyteidl/core/errors.pb.h"

using namespace flyte;

TEST_CASE("error documents carry code, kind, origin, worker, timestamp and a redacted message") {
  clear_sensitive_values_for_testing();
  register_sensitive_value("s3cr3t-value");
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)) +
                    std::chrono::nanoseconds(5);
  auto doc = make_error_document(TaskFailure::user_recoverable("token s3cr3t-value rejected"),
                                 "worker-3", when);
  const auto& error = doc.error();
  CHECK(error.code() == "USER:Recoverable");
  CHECK(error.kind() == flyteidl::core::ContainerError::RECOVERABLE);
  CHECK(error.origin() == flyteidl::core::ExecutionError::USER);
  CHECK(error.message() == "token [redacted] rejected");
  CHECK(error.worker() == "worker-3");
  CHECK(error.timestamp().seconds() == 1700000000);
  CHECK(error.timestamp().nanos() == 5);
  clear_sensitive_values_for_testing();

  auto system = make_error_document(TaskFailure::system("boom"), "", when).error();
  CHECK(system.code() == "SYSTEM");
  CHECK(system.kind() == flyteidl::core::ContainerError::RECOVERABLE);
  CHECK(system.origin() == flyteidl::core::ExecutionError::SYSTEM);
  auto conversion = make_error_document(TaskFailure::conversion("bad input"), "", when).error();
  CHECK(conversion.kind() == flyteidl::core::ContainerError::NON_RECOVERABLE);
  CHECK(conversion.origin() == flyteidl::core::ExecutionError::SYSTEM);
  CHECK(TaskFailure::user("x").code == "USER:RuntimeError");
  CHECK(TaskFailure::format_message("ValueError", "no", "at f()") ==
        "Trace:\n\nat f()\nMessage:\n\n    ValueError: no");
}

TEST_CASE("error banners name the failure as flytekit's entrypoint does") {
  CHECK(error_banner_kind(TaskFailure::user("x")) == "User");
  CHECK(error_banner_kind(TaskFailure::user_recoverable("x")) == "User");
  CHECK(error_banner_kind(TaskFailure::conversion("x")) == "Non-recoverable System");
  CHECK(error_banner_kind(TaskFailure::system("x")) == "Unknown System");
}

TEST_CASE("error file name follows the distributed error strategy") {
  CHECK(error_file_name(env_from_map({})) == "error.pb");
  // error-<32 lower-case hex digits>.pb (no std::regex: GCC 12's <regex>
  // trips -Wmaybe-uninitialized in the sanitizer build).
  auto shape = [](const std::string& name) {
    if (name.size() != 41 || name.rfind("error-", 0) != 0 || name.substr(38) != ".pb") return false;
    return std::all_of(name.begin() + 6, name.begin() + 38, [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
    });
  };
  const auto a = error_file_name(env_from_map({{"_F_DES", "1"}}));
  const auto b = error_file_name(env_from_map({{"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "x"}}));
  CHECK(shape(a));
  CHECK(shape(b));
  CHECK(a != b);
  // uuid4().hex: version nibble 4 at hex digit 13, variant 8..b at digit 17.
  CHECK(a[6 + 12] == '4');
  CHECK(std::string("89ab").find(a[6 + 16]) != std::string::npos);
  // flytekit's presence rule (entrypoint._build_error_file_name, get_one_of): the
  // first variable that is set wins even when empty, and an empty strategy is none.
  CHECK(error_file_name(env_from_map({{"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", ""}})) == "error.pb");
  CHECK(error_file_name(env_from_map(
            {{"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", ""}, {"_F_DES", "1"}})) == "error.pb");
  CHECK(error_file_name(env_from_map({{"_F_DES", ""}})) == "error.pb");
  // The worker is named only under a strategy (entrypoint._get_worker_name).
  CHECK(worker_name(env_from_map({{"_F_WN", "w1"}})) == "");
  CHECK(worker_name(env_from_map({{"_F_DES", "1"}, {"_F_WN", "w1"}})) == "w1");
  CHECK(worker_name(env_from_map(
            {{"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", ""}, {"_F_DES", "1"}, {"_F_WN", "w1"}})) == "");
  CHECK(worker_name(env_from_map(
            {{"_F_DES", "1"}, {"FLYTE_INTERNAL_WORKER_NAME", ""}, {"_F_WN", "w1"}})) == "");
}

TEST_CASE("exit code after a failure follows FLYTE_FAIL_ON_ERROR in containers") {
  CHECK(exit_code_after_failure(env_from_map({}), false) == 0);
  for (auto v : {"true", "T", "1", "TRUE"}) {
    CHECK(exit_code_after_failure(env_from_map({{"FLYTE_FAIL_ON_ERROR", v}}), false) == 1);
  }
  for (auto v : {"false", "yes", "0", ""}) {
    CHECK(exit_code_after_failure(env_from_map({{"FLYTE_FAIL_ON_ERROR", v}}), false) == 0);
  }
  CHECK(exit_code_after_failure(env_from_map({}), true) == 1);
}

TEST_CASE("error documents hold valid UTF-8 whatever bytes the message had") {
  const auto when = std::chrono::system_clock::now();
  const std::string bad = std::string("bad \xff\xfe input \xc3") + " caf\xc3\xa9 \xed\xa0\x80 end";
  auto doc = make_error_document(TaskFailure::user(bad), "", when);
  CHECK(doc.error().message() ==
        "bad \xEF\xBF\xBD\xEF\xBF\xBD input \xEF\xBF\xBD caf\xc3\xa9 "
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
  flyteidl::core::ErrorDocument parsed;
  CHECK(parsed.ParseFromString(doc.SerializeAsString()));
  CHECK(parsed.error().message() == doc.error().message());
}
