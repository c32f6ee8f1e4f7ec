// The C++ SDK (flyte/task.hpp) and the C example, run through a fake host:
// typed values, JSON collections, tuple outputs, the task-facing context and
// the mapping of exceptions to errors, all across the real dlopen boundary.

#include <flyte/task.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "flyte/runtime/task_library.hpp"
#include "runtime/fake_host.hpp"

// LeakSanitizer misreads glibc's dynamic TLS blocks of dlopened libraries
// (google/sanitizers#1322) and crashes at exit ("Tracer caught signal 11")
// once a task library's thread_local has been touched. Not tracking
// __tls_get_addr avoids it; ASAN_OPTIONS from the environment still apply on
// top. Harmless without sanitizers (nothing calls it).
extern "C" const char* __asan_default_options() {
  return "intercept_tls_get_addr=0";
}

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using flyte::testing::FakeCall;
using flyte::testing::FakeError;
using flyte::testing::FakeValue;
using nlohmann::json;

namespace {

const flyte::TaskLibrary& library(const std::string& name) {
  static std::map<std::string, flyte::TaskLibrary> open;
  auto it = open.find(name);
  if (it == open.end()) {
    const char* build = std::getenv("FLYTE_TEST_BUILD_DIR");
    REQUIRE(build != nullptr);
    it = open.emplace(name, flyte::TaskLibrary::open(fs::path(build) / "lib" / name)).first;
  }
  return it->second;
}

/// Runs task `symbol` of the C++ example library; returns its error, if any.
std::optional<FakeError> run(const std::string& symbol, FakeCall& call,
                             const std::string& lib = "libexample_tasks.so") {
  const auto& task = library(lib).find_task(symbol);
  auto error = flyte::testing::run_with_fake_host(*task.descriptor, call);
  CHECK(flyte::testing::live_fake_errors() == 0);
  return error;
}

const FakeValue& output(const FakeCall& call, const std::string& name) {
  auto it = call.outputs.find(name);
  if (it == call.outputs.end()) FAIL("no output named " << name);
  return it->second;
}

json json_output(const FakeCall& call, const std::string& name) {
  const FakeValue& v = output(call, name);
  REQUIRE(v.kind == FakeValue::JSON);
  return json::parse(v.s);
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("flyte_task_sdk_test_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// Typed values
// ---------------------------------------------------------------------------

TEST_CASE("An SDK task reads typed integer inputs and writes a typed output") {
  FakeCall call;
  call.inputs = {{"a", FakeValue::int64(40)}, {"b", FakeValue::int64(2)}};
  REQUIRE_FALSE(run("add", call));
  REQUIRE(call.outputs.size() == 1);
  CHECK(output(call, "c").kind == FakeValue::INT64);
  CHECK(output(call, "c").i == 42);
}

TEST_CASE("An SDK task passes strings with embedded NUL bytes by length") {
  FakeCall call;
  call.inputs = {{"name", FakeValue::string(std::string("Ada\0Lovelace", 12))}};
  REQUIRE_FALSE(run("greet", call));
  CHECK(output(call, "greeting").kind == FakeValue::STRING);
  CHECK(output(call, "greeting").s == std::string("Hello, Ada\0Lovelace!", 20));
}

TEST_CASE("An SDK task reads booleans, datetimes and durations with their typed functions") {
  FakeCall call;
  call.inputs = {{"x", FakeValue::real(-0.5)}};
  REQUIRE_FALSE(run("is_positive", call));
  CHECK(output(call, "positive").kind == FakeValue::BOOL);
  CHECK_FALSE(output(call, "positive").b);

  FakeCall shift;
  shift.inputs = {{"when", FakeValue::datetime(1'700'000'000'000'000'000)},
                  {"by", FakeValue::duration(1'500'000'000)}};
  REQUIRE_FALSE(run("shift", shift));
  CHECK(output(shift, "shifted").kind == FakeValue::DATETIME);
  CHECK(output(shift, "shifted").i == 1'700'000'001'500'000'000);
}

TEST_CASE("An SDK task writes each element of a tuple to its named output") {
  FakeCall call;
  call.inputs = {{"a", FakeValue::int64(17)}, {"b", FakeValue::int64(5)}};
  REQUIRE_FALSE(run("divide", call));
  CHECK(output(call, "quotient").i == 3);
  CHECK(output(call, "remainder").i == 2);
}

// ---------------------------------------------------------------------------
// JSON-backed types
// ---------------------------------------------------------------------------

TEST_CASE("An SDK task reads a list of floats as JSON, including NaN and infinities") {
  FakeCall call;
  call.inputs = {{"xs", FakeValue::json("[1, 2.5, 4.5]")}};
  REQUIRE_FALSE(run("mean", call));
  CHECK(output(call, "mean").kind == FakeValue::DOUBLE);
  CHECK(output(call, "mean").d == Approx(8.0 / 3.0));

  FakeCall inf;
  inf.inputs = {{"xs", FakeValue::json(R"([1, "Infinity"])")}};
  REQUIRE_FALSE(run("mean", inf));
  CHECK(std::isinf(output(inf, "mean").d));

  FakeCall nan;
  nan.inputs = {{"xs", FakeValue::json(R"(["NaN", 1])")}};
  REQUIRE_FALSE(run("mean", nan));
  CHECK(std::isnan(output(nan, "mean").d));
}

TEST_CASE("An SDK task writes a map output as a JSON object") {
  FakeCall call;
  call.inputs = {{"text", FakeValue::string("to be or not to be")}};
  REQUIRE_FALSE(run("word_count", call));
  CHECK(json_output(call, "counts") == json{{"to", 2}, {"be", 2}, {"or", 1}, {"not", 1}});
}

TEST_CASE("An SDK task round-trips a dict and joins a list of strings") {
  FakeCall call;
  const json d = {{"name", "x"}, {"nested", {{"list", {1, 2, 3}}, {"null", nullptr}}}};
  call.inputs = {{"d", FakeValue::json(d.dump())}};
  REQUIRE_FALSE(run("echo_dict", call));
  CHECK(json_output(call, "d") == d);

  FakeCall concat;
  concat.inputs = {{"parts", FakeValue::json(R"(["a","b","c"])")},
                   {"separator", FakeValue::string("-")}};
  REQUIRE_FALSE(run("concat", concat));
  CHECK(output(concat, "joined").s == "a-b-c");
}

TEST_CASE("An SDK task maps optional values to JSON null") {
  FakeCall none;
  none.inputs = {{"x", FakeValue::json("null")}};
  REQUIRE_FALSE(run("maybe_double", none));
  CHECK(json_output(none, "y").is_null());

  FakeCall some;
  some.inputs = {{"x", FakeValue::json("21")}};
  REQUIRE_FALSE(run("maybe_double", some));
  CHECK(json_output(some, "y") == 42);
}

TEST_CASE("An SDK task reports JSON of the wrong shape as USER:TypeError naming the place") {
  FakeCall call;
  call.inputs = {{"xs", FakeValue::json(R"([1, "two", 3])")}};
  auto error = run("mean", call);
  REQUIRE(error);
  CHECK(error->code == "USER:TypeError");
  CHECK(error->kind == FLYTE_ERROR_NON_RECOVERABLE);
  CHECK_THAT(error->message, Contains("input 'xs'[1]"));
  CHECK_THAT(error->message, Contains("\"two\""));
  CHECK(call.outputs.empty());

  FakeCall not_object;
  not_object.inputs = {{"d", FakeValue::json("[1]")}};
  auto dict_error = run("echo_dict", not_object);
  REQUIRE(dict_error);
  CHECK(dict_error->code == "USER:TypeError");
  CHECK_THAT(dict_error->message, Contains("expected a JSON object"));
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

TEST_CASE("An SDK task reads a file input from the local path the host gives") {
  TempDir dir;
  const fs::path file = dir.path / "three_lines.txt";
  std::ofstream(file) << "one\ntwo\nthree\n";
  FakeCall call;
  call.inputs = {{"f", FakeValue::path(file.string())}};
  REQUIRE_FALSE(run("count_lines", call));
  CHECK(output(call, "lines").i == 3);
}

TEST_CASE("An SDK task hands a written file to the host as an output path") {
  TempDir dir;
  FakeCall call;
  call.working_directory = dir.path.string();
  call.inputs = {{"text", FakeValue::string("payload")}};
  REQUIRE_FALSE(run("write_file", call));
  const FakeValue& f = output(call, "f");
  REQUIRE(f.kind == FakeValue::PATH);
  CHECK(fs::path(f.s).parent_path() == dir.path);
  std::ifstream in(f.s);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "payload");
}

// ---------------------------------------------------------------------------
// The task-facing context
// ---------------------------------------------------------------------------

TEST_CASE("current_context gives the task the execution ids and attempt") {
  FakeCall call;
  REQUIRE_FALSE(run("whoami", call));
  CHECK(output(call, "who").s == "ex:proj:dev:abc123 TASK:proj:dev:my.task:v1 attempt 2");
}

TEST_CASE("A task reads a declared secret through the host without returning it") {
  FakeCall call;
  call.secrets[{"demo", "token"}] = "s3cr3t-value";
  REQUIRE_FALSE(run("secret_length", call));
  CHECK(output(call, "length").i == 12);

  FakeCall missing;
  auto error = run("secret_length", missing);
  REQUIRE(error);
  CHECK(error->code == "FAKE:SecretNotFound");  // the host's code survives
  CHECK_THAT(error->message, StartsWith("flyte::HostError: secret demo/token not found"));
}

TEST_CASE("A checkpointing task resumes from the previous attempt's checkpoint") {
  FakeCall first;
  first.inputs = {{"iterations", FakeValue::int64(5)}};
  REQUIRE_FALSE(run("checkpoint_counter", first));
  CHECK(output(first, "ran").i == 5);
  CHECK(first.written_checkpoint == std::optional<std::string>("5"));
  REQUIRE(first.logs.size() == 1);
  CHECK(first.logs[0].first == FLYTE_LOG_INFO);
  CHECK(first.logs[0].second == "checkpoint_counter ran 5 steps");

  FakeCall retry;
  retry.inputs = {{"iterations", FakeValue::int64(5)}};
  retry.previous_checkpoint = "3";
  REQUIRE_FALSE(run("checkpoint_counter", retry));
  CHECK(output(retry, "ran").i == 2);
  CHECK(retry.written_checkpoint == std::optional<std::string>("5"));

  FakeCall unavailable;
  unavailable.checkpoint_available = false;
  unavailable.inputs = {{"iterations", FakeValue::int64(1)}};
  auto error = run("checkpoint_counter", unavailable);
  REQUIRE(error);
  CHECK(error->code == "FAKE:NoCheckpoint");
  CHECK_THAT(error->message, Contains("Checkpointing is not available"));
}

TEST_CASE("A task appends HTML to the default deck and to named decks") {
  FakeCall call;
  call.inputs = {{"title", FakeValue::string("Report")}};
  REQUIRE_FALSE(run("make_deck", call));
  CHECK(call.decks["default"] == std::vector<std::string>{"<h1>Report</h1>"});
  CHECK(call.decks["summary"] == std::vector<std::string>{"<p>made by make_deck</p>"});
  CHECK(call.outputs.empty());
}

TEST_CASE("A task emits stats and output metadata through the host") {
  FakeCall call;
  call.inputs = {{"n", FakeValue::int64(7)}};
  REQUIRE_FALSE(run("emit_stats", call));
  REQUIRE(call.stats.size() == 3);
  CHECK(call.stats[0] == std::make_tuple(std::string("incr"), std::string("items"), 7.0));
  CHECK(call.stats[1] == std::make_tuple(std::string("gauge"), std::string("ratio"), 0.5));
  CHECK(call.stats[2] == std::make_tuple(std::string("timing_ms"), std::string("step"), 250.0));
  CHECK(call.output_metadata["n"]["source"] == "emit_stats");
  CHECK(output(call, "n").i == 7);
}

TEST_CASE("current_context outside a running task is a logic error") {
  CHECK_THROWS_AS(flyte::current_context(), std::logic_error);
}

// ---------------------------------------------------------------------------
// Exceptions -> errors
// ---------------------------------------------------------------------------

TEST_CASE("Task exceptions become errors with flytekit's codes and kinds") {
  struct Case {
    const char* task;
    const char* code;
    FLYTE_ErrorKind kind;
    const char* message;
  };
  const Case cases[] = {
      {"fail_runtime", "USER:RuntimeError", FLYTE_ERROR_NON_RECOVERABLE,
       "std::runtime_error: something broke"},
      {"fail_recoverable", "USER:Recoverable", FLYTE_ERROR_RECOVERABLE,
       "flyte::RecoverableError: the service is busy, retry later"},
      {"fail_value", "USER:ValueError", FLYTE_ERROR_NON_RECOVERABLE,
       "std::invalid_argument: x must be positive"},
      {"fail_custom", "USER:QuotaExceeded", FLYTE_ERROR_NON_RECOVERABLE,
       "flyte::UserError: the bucket is full"},
  };
  for (const Case& c : cases) {
    INFO(c.task);
    FakeCall call;
    auto error = run(c.task, call);
    REQUIRE(error);
    CHECK(error->code == c.code);
    CHECK(error->kind == c.kind);
    CHECK(error->message == c.message);
  }
}

TEST_CASE("A task throwing a non-exception type still returns an error") {
  FakeCall call;
  auto error = run("fail_unknown", call);
  REQUIRE(error);
  CHECK(error->code == "USER:RuntimeError");
  CHECK_THAT(error->message, Contains("not derived from std::exception"));
}

TEST_CASE("A task's own invalid_argument becomes USER:ValueError and writes no output") {
  FakeCall call;
  call.inputs = {{"xs", FakeValue::json("[]")}};
  auto error = run("mean", call);
  REQUIRE(error);
  CHECK(error->code == "USER:ValueError");
  CHECK(error->message == "std::invalid_argument: mean of an empty list");
  CHECK(call.outputs.empty());
}

TEST_CASE("A host error while reading inputs is returned with the host's code") {
  FakeCall call;
  call.inputs = {{"a", FakeValue::int64(1)}};  // b is missing
  auto error = run("add", call);
  REQUIRE(error);
  CHECK(error->code == "FAKE:NoSuchInput");
  CHECK_THAT(error->message, Contains("no input named 'b'"));
  CHECK(call.outputs.empty());
}

// ---------------------------------------------------------------------------
// The plain C library
// ---------------------------------------------------------------------------

TEST_CASE("The C example adds through the host API and fails with an error object") {
  FakeCall call;
  call.inputs = {{"a", FakeValue::int64(-3)}, {"b", FakeValue::int64(10)}};
  REQUIRE_FALSE(run("add", call, "libexample_c_tasks.so"));
  CHECK(output(call, "c").i == 7);

  FakeCall fail;
  fail.inputs = {{"reason", FakeValue::string("disk on fire")}};
  auto error = run("fail", fail, "libexample_c_tasks.so");
  REQUIRE(error);
  CHECK(error->code == "USER:CTaskFailed");
  CHECK(error->kind == FLYTE_ERROR_RECOVERABLE);
  CHECK(error->message == "c task failed on purpose: disk on fire");
}

// ---------------------------------------------------------------------------
// SDK pieces used directly
// ---------------------------------------------------------------------------

TEST_CASE("The SDK spells Flyte types of nested C++ types in the task.h grammar") {
  using flyte::TypeTraits;
  CHECK(TypeTraits<int>::type_name() == "integer");
  CHECK(TypeTraits<float>::type_name() == "float");
  CHECK(TypeTraits<std::chrono::seconds>::type_name() == "duration");
  CHECK(TypeTraits<flyte::Directory>::type_name() == "directory");
  CHECK(TypeTraits<std::vector<std::map<std::string, std::optional<double>>>>::type_name() ==
        "list<map<optional<float>>>");
  CHECK(TypeTraits<std::map<std::string, std::vector<flyte::File>>>::type_name() ==
        "map<list<file>>");
}

TEST_CASE("The SDK formats and parses RFC 3339 datetimes in UTC") {
  using flyte::Datetime;
  using std::chrono::nanoseconds;
  CHECK(flyte::format_datetime(Datetime(nanoseconds(0))) == "1970-01-01T00:00:00Z");
  CHECK(flyte::format_datetime(Datetime(nanoseconds(1'700'000'000'250'000'000))) ==
        "2023-11-14T22:13:20.250Z");
  CHECK(flyte::format_datetime(Datetime(nanoseconds(-1))) == "1969-12-31T23:59:59.999999999Z");
  CHECK(flyte::parse_datetime("2023-11-14T22:13:20.250Z") ==
        Datetime(nanoseconds(1'700'000'000'250'000'000)));
  CHECK(flyte::parse_datetime("2023-11-15T00:13:20.25+02:00") ==
        Datetime(nanoseconds(1'700'000'000'250'000'000)));
  CHECK(flyte::parse_datetime("2000-02-29T12:00:00.000000001Z")->time_since_epoch().count() ==
        951'825'600'000'000'001);
  CHECK_FALSE(flyte::parse_datetime("2023-11-14 22:13"));
  CHECK_FALSE(flyte::parse_datetime("2023-11-14T22:13:20"));
  CHECK_FALSE(flyte::parse_datetime("2023-13-14T22:13:20Z"));
  CHECK_FALSE(flyte::parse_datetime("2023-11-14T22:13:20.Z"));
}

TEST_CASE("The SDK formats and parses durations as seconds with an s suffix") {
  using std::chrono::nanoseconds;
  CHECK(flyte::format_duration(nanoseconds(1'500'000'000)) == "1.500s");
  CHECK(flyte::format_duration(nanoseconds(-3'000'000'000)) == "-3s");
  CHECK(flyte::format_duration(nanoseconds(1)) == "0.000000001s");
  CHECK(flyte::format_duration(nanoseconds(2'000'001'000)) == "2.000001s");
  CHECK(flyte::parse_duration("1.5s") == nanoseconds(1'500'000'000));
  CHECK(flyte::parse_duration("-0.25s") == nanoseconds(-250'000'000));
  CHECK(flyte::parse_duration("42s") == nanoseconds(42'000'000'000));
  CHECK_FALSE(flyte::parse_duration("1.5"));
  CHECK_FALSE(flyte::parse_duration("s"));
  CHECK_FALSE(flyte::parse_duration("1.0000000001s"));
  CHECK_FALSE(flyte::parse_duration("99999999999999999999s"));
}

TEST_CASE("SDK ids: parts of flytekit's string forms, and the string form itself") {
  const flyte::TaskId task("TASK:proj:dev:wf.my_task:v1:with:colons");
  CHECK(task.resource_type == "TASK");
  CHECK(task.project == "proj");
  CHECK(task.domain == "dev");
  CHECK(task.name == "wf.my_task");
  CHECK(task.version == "v1:with:colons");  // the last part keeps its ':'
  CHECK(task == "TASK:proj:dev:wf.my_task:v1:with:colons");
  CHECK(task + "!" == "TASK:proj:dev:wf.my_task:v1:with:colons!");
  const std::string as_string = task;
  CHECK(as_string == task.str());

  const flyte::ExecutionId execution("ex:proj:dev:abc123");
  CHECK(execution.project == "proj");
  CHECK(execution.domain == "dev");
  CHECK(execution.name == "abc123");
  CHECK(std::string("id ") + execution == "id ex:proj:dev:abc123");

  const flyte::TaskId local("TASK:");  // missing parts read as empty
  CHECK(local.name.empty());
  CHECK(local.version.empty());
}
