#include "flyte/runtime/task_library.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using flyte::LoadedTask;
using flyte::TaskApiVersion;
using flyte::TaskLibrary;
using flyte::TaskLoadError;

namespace {

/// build/lib/<name>, from FLYTE_TEST_BUILD_DIR (set by ctest).
fs::path example_library(const std::string& name) {
  const char* build = std::getenv("FLYTE_TEST_BUILD_DIR");
  REQUIRE(build != nullptr);
  fs::path p = fs::path(build) / "lib" / name;
  REQUIRE(fs::exists(p));
  return p;
}

/// The message of the TaskLoadError `f` throws (fails the test if none).
template <typename F>
std::string load_error(F&& f) {
  try {
    f();
  } catch (const TaskLoadError& e) {
    return e.what();
  }
  FAIL("expected a TaskLoadError");
  return {};
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("flyte_task_library_test_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const flyte::TaskVariable& variable(const std::vector<flyte::TaskVariable>& vars,
                                    const std::string& name) {
  for (const auto& v : vars)
    if (v.name == name) return v;
  FAIL("no variable " << name);
  return vars.front();
}

FLYTE_Error* noop_run(const FLYTE_HostApi*, FLYTE_Call*) {
  return nullptr;
}

FLYTE_TaskDescriptor valid_descriptor() {
  static const FLYTE_Variable inputs[] = {{"a", "integer", nullptr}, {"b", "integer", "second"}};
  static const FLYTE_Variable outputs[] = {{"c", "integer", nullptr}};
  FLYTE_TaskDescriptor d{};
  d.struct_size = sizeof(FLYTE_TaskDescriptor);
  d.api_version_major = FLYTE_TASK_API_VERSION_MAJOR;
  d.api_version_minor = FLYTE_TASK_API_VERSION_MINOR;
  d.name = "t";
  d.inputs = inputs;
  d.input_count = 2;
  d.outputs = outputs;
  d.output_count = 1;
  d.run = noop_run;
  return d;
}

}  // namespace

TEST_CASE("TaskLibrary opens the C++ example library and reports ABI 1.1") {
  auto lib = TaskLibrary::open(example_library("libexample_tasks.so"));
  CHECK(lib.api_version() == TaskApiVersion{1, 1});
  CHECK(lib.api_version() == TaskApiVersion::host());
  CHECK(lib.path().is_absolute());
  CHECK(lib.has_task_list());
}

TEST_CASE("TaskLibrary finds a task by its symbol and copies its interface") {
  auto lib = TaskLibrary::open(example_library("libexample_tasks.so"));
  const LoadedTask& add = lib.find_task("add");
  CHECK(add.symbol == "add");
  CHECK(add.name == "add");
  CHECK(add.description == "Adds two integers.");
  REQUIRE(add.inputs.size() == 2);
  CHECK(add.inputs[0].name == "a");
  CHECK(add.inputs[0].type == "integer");
  CHECK(add.inputs[1].name == "b");
  REQUIRE(add.outputs.size() == 1);
  CHECK(add.outputs[0].name == "c");
  CHECK(add.outputs[0].type == "integer");
  CHECK(add.descriptor != nullptr);
  CHECK(add.descriptor->run != nullptr);
  CHECK_FALSE(add.deck_enabled());
  // Cached: the same object for the same symbol.
  CHECK(&lib.find_task("add") == &add);
}

TEST_CASE("TaskLibrary sees the Flyte types the SDK deduces from C++ signatures") {
  auto lib = TaskLibrary::open(example_library("libexample_tasks.so"));
  CHECK(variable(lib.find_task("greet").inputs, "name").type == "string");
  CHECK(variable(lib.find_task("greet").outputs, "greeting").type == "string");
  CHECK(variable(lib.find_task("mean").inputs, "xs").type == "list<float>");
  CHECK(variable(lib.find_task("mean").outputs, "mean").type == "float");
  CHECK(variable(lib.find_task("word_count").outputs, "counts").type == "map<integer>");
  CHECK(variable(lib.find_task("echo_dict").inputs, "d").type == "dict");
  CHECK(variable(lib.find_task("concat").inputs, "parts").type == "list<string>");
  CHECK(variable(lib.find_task("maybe_double").inputs, "x").type == "optional<integer>");
  CHECK(variable(lib.find_task("shift").inputs, "when").type == "datetime");
  CHECK(variable(lib.find_task("shift").inputs, "by").type == "duration");
  CHECK(variable(lib.find_task("shift").outputs, "shifted").type == "datetime");
  CHECK(variable(lib.find_task("is_positive").outputs, "positive").type == "boolean");
  CHECK(variable(lib.find_task("count_lines").inputs, "f").type == "file");
  CHECK(variable(lib.find_task("write_file").outputs, "f").type == "file");

  const LoadedTask& divide = lib.find_task("divide");
  REQUIRE(divide.outputs.size() == 2);
  CHECK(divide.outputs[0].name == "quotient");
  CHECK(divide.outputs[1].name == "remainder");

  CHECK(lib.find_task("fail_runtime").inputs.empty());
  CHECK(lib.find_task("fail_runtime").outputs.empty());
  CHECK(lib.find_task("make_deck").deck_enabled());

  const LoadedTask& secret = lib.find_task("secret_length");
  REQUIRE(secret.secrets.size() == 1);
  CHECK(secret.secrets[0].group == "demo");
  CHECK(secret.secrets[0].key == "token");
  CHECK(secret.secrets[0].group_version.empty());
  CHECK(secret.secrets[0].mount_requirement == FLYTE_SECRET_MOUNT_ANY);
}

TEST_CASE("TaskLibrary lists every task a library exports") {
  auto lib = TaskLibrary::open(example_library("libexample_tasks.so"));
  std::vector<std::string> names;
  for (const auto& t : lib.list_tasks()) {
    CHECK(t.symbol == t.name);
    names.push_back(t.name);
  }
  for (const char* expected : {"add",
                               "greet",
                               "mean",
                               "word_count",
                               "echo_dict",
                               "concat",
                               "divide",
                               "count_lines",
                               "write_file",
                               "secret_length",
                               "checkpoint_counter",
                               "make_deck",
                               "emit_stats",
                               "bad_metadata",
                               "fail_runtime",
                               "fail_recoverable",
                               "fail_value",
                               "fail_custom",
                               "crash_segfault",
                               "crash_abort",
                               "exit_three",
                               "exit_zero_no_outputs",
                               "sleep_forever",
                               "checkpoint_on_sigterm",
                               "ignore_sigterm"}) {
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  }

  auto c_lib = TaskLibrary::open(example_library("libexample_c_tasks.so"));
  const auto c_tasks = c_lib.list_tasks();
  REQUIRE(c_tasks.size() == 3);
  CHECK(c_tasks[0].name == "add");
  CHECK(c_tasks[0].inputs[1].description == "second addend");
  CHECK(c_tasks[1].name == "fail");
  CHECK(c_tasks[2].name == "where");
  CHECK(c_tasks[1].outputs.empty());
}

TEST_CASE("TaskLibrary reports a missing library file with its path and a hint") {
  const std::string message =
      load_error([] { TaskLibrary::open("/nonexistent/dir/libmissing_tasks.so"); });
  CHECK_THAT(message, Contains("/nonexistent/dir/libmissing_tasks.so"));
  CHECK_THAT(message, Contains("not found"));
  CHECK_THAT(message, Contains("--task LIB.so:SYMBOL"));
}

TEST_CASE("TaskLibrary refuses a directory") {
  TempDir dir;
  CHECK_THAT(load_error([&] { TaskLibrary::open(dir.path); }), Contains("is a directory"));
}

TEST_CASE("TaskLibrary reports a file that is not a shared library with dlerror's text") {
  TempDir dir;
  const fs::path fake = dir.path / "libnot_a_library.so";
  std::ofstream(fake) << "this is text, not ELF\n";
  const std::string message = load_error([&] { TaskLibrary::open(fake); });
  CHECK_THAT(message, Contains(fake.string()));
  CHECK_THAT(message, Contains("cannot load task library"));
  // dlerror's own words, e.g. "invalid ELF header" or "file too short".
  CHECK(
      (message.find("ELF") != std::string::npos || message.find("too short") != std::string::npos));
}

TEST_CASE("TaskLibrary refuses a library with unresolved symbols at load time") {
  const auto path = example_library("libexample_unresolved.so");
  const std::string message = load_error([&] { TaskLibrary::open(path); });
  CHECK_THAT(message, Contains(path.string()));
  CHECK_THAT(message, Contains("flyte_example_symbol_defined_nowhere"));
}

TEST_CASE("TaskLibrary names the exported tasks when a symbol is missing") {
  auto lib = TaskLibrary::open(example_library("libexample_c_tasks.so"));
  const std::string message = load_error([&] { lib.find_task("subtract"); });
  CHECK_THAT(message, Contains("has no task 'subtract'"));
  CHECK_THAT(message, Contains("It exports: add, fail"));
  CHECK_THAT(message, Contains("libexample_c_tasks.so"));
  // A failed lookup is not cached as a success.
  CHECK_THAT(load_error([&] { lib.find_task("subtract"); }), Contains("subtract"));
}

TEST_CASE("TaskLibrary refuses a symbol that is not one of the library's tasks") {
  auto lib = TaskLibrary::open(example_library("libexample_c_tasks.so"));
  // dlsym on the library handle also searches its dependencies (libc).
  const std::string message = load_error([&] { lib.find_task("malloc"); });
  CHECK_THAT(message, Contains("'malloc' is not one of the library's tasks"));
  CHECK_THAT(message, Contains("add, fail"));
  CHECK_THAT(load_error([&] { lib.find_task(""); }), Contains("no task symbol given"));
}

TEST_CASE("TaskLibrary refuses a library built against another ABI major") {
  const auto path = example_library("libexample_bad_abi.so");
  const std::string message = load_error([&] { TaskLibrary::open(path); });
  CHECK_THAT(message,
             Contains("built against flyte task API 2.0, this flyte-execute supports 1.1"));
  CHECK_THAT(message, Contains(path.string()));
}

TEST_CASE("TaskLibrary refuses a library built against a newer ABI minor") {
  const std::string message =
      load_error([] { TaskLibrary::open(example_library("libexample_newer_minor.so")); });
  CHECK_THAT(message,
             Contains("built against flyte task API 1.7, this flyte-execute supports 1.1"));
}

TEST_CASE("TaskLibrary refuses a library that does not report its ABI version") {
  const std::string message =
      load_error([] { TaskLibrary::open(example_library("libexample_no_version.so")); });
  CHECK_THAT(message, Contains("does not export FLYTE_TaskLibraryApiVersion"));
  CHECK_THAT(message, Contains("FLYTE_TASK_LIBRARY()"));
}

TEST_CASE("TaskLibrary stays usable after being moved") {
  auto lib = TaskLibrary::open(example_library("libexample_c_tasks.so"));
  const LoadedTask* add = &lib.find_task("add");
  TaskLibrary moved = std::move(lib);
  CHECK(&moved.find_task("add") == add);
  CHECK(moved.list_tasks().size() == 3);
}

TEST_CASE("TaskApiVersion follows the compatibility rule of flyte/task.h") {
  const TaskApiVersion host{1, 3};
  CHECK(TaskApiVersion{1, 0}.runs_on(host));
  CHECK(TaskApiVersion{1, 3}.runs_on(host));
  CHECK_FALSE(TaskApiVersion{1, 4}.runs_on(host));
  CHECK_FALSE(TaskApiVersion{0, 9}.runs_on(host));
  CHECK_FALSE(TaskApiVersion{2, 0}.runs_on(host));
  CHECK(TaskApiVersion{1, 3}.to_string() == "1.3");
}

TEST_CASE("validate_task_descriptor accepts a well-formed descriptor") {
  const FLYTE_TaskDescriptor d = valid_descriptor();
  const LoadedTask t = flyte::validate_task_descriptor(d, "sym", "task 'sym'");
  CHECK(t.symbol == "sym");
  CHECK(t.name == "t");
  CHECK(t.description.empty());
  CHECK(t.inputs[0].description.empty());
  CHECK(t.inputs[1].description == "second");
  CHECK(t.descriptor == &d);
}

TEST_CASE("validate_task_descriptor rejects malformed descriptors with a specific message") {
  auto reject = [](FLYTE_TaskDescriptor d) {
    return load_error([&] { flyte::validate_task_descriptor(d, "sym", "task 'sym' of lib.so"); });
  };
  FLYTE_TaskDescriptor d = valid_descriptor();

  SECTION("struct_size too small") {
    d.struct_size = 8;
    CHECK_THAT(reject(d), Contains("struct_size is 8"));
  }
  SECTION("another ABI major") {
    d.api_version_major = 2;
    CHECK_THAT(reject(d), Contains("flyte task API 2.1, this flyte-execute supports 1.1"));
  }
  SECTION("no run function") {
    d.run = nullptr;
    CHECK_THAT(reject(d), Contains("no run function"));
  }
  SECTION("no name") {
    d.name = nullptr;
    CHECK_THAT(reject(d), Contains("has no name"));
  }
  SECTION("an input without a type") {
    static const FLYTE_Variable inputs[] = {{"a", nullptr, nullptr}};
    d.inputs = inputs;
    d.input_count = 1;
    CHECK_THAT(reject(d), Contains("inputs 'a' has no type"));
  }
  SECTION("an output without a name") {
    static const FLYTE_Variable outputs[] = {{"", "integer", nullptr}};
    d.outputs = outputs;
    CHECK_THAT(reject(d), Contains("outputs[0] has no name"));
  }
  SECTION("a count without an array") {
    d.inputs = nullptr;
    CHECK_THAT(reject(d), Contains("input_count is 2 but inputs is NULL"));
  }
  SECTION("duplicate names") {
    static const FLYTE_Variable inputs[] = {{"a", "integer", nullptr}, {"a", "float", nullptr}};
    d.inputs = inputs;
    CHECK_THAT(reject(d), Contains("inputs 'a' is declared twice"));
  }
  SECTION("a secret without a key") {
    static const FLYTE_SecretRequest secrets[] = {{"g", nullptr, nullptr, 0, nullptr}};
    d.secrets = secrets;
    d.secret_count = 1;
    CHECK_THAT(reject(d), Contains("secrets[0] needs a non-empty group and key"));
  }
  SECTION("a secret with an unknown mount requirement") {
    static const FLYTE_SecretRequest secrets[] = {{"g", "k", nullptr, 7, nullptr}};
    d.secrets = secrets;
    d.secret_count = 1;
    CHECK_THAT(reject(d), Contains("mount_requirement 7"));
  }
}
