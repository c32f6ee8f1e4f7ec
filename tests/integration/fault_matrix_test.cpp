// The fault matrix: each TEST_CASE is a real run of flyte-execute with a
// misbehaving task or bad input, judged only by what Flyte's engine and a
// user can observe: the files at the output prefix, the exit code, and what
// was printed. Every row also checks the invariants that hold whatever the
// task does:
//   - exactly one of outputs.pb / error.pb at the output prefix (or nothing
//     at all when the prefix itself cannot be written), never a staging or
//     temp file;
//   - a secret planted in the environment appears in no file written under
//     the output, raw output or checkpoint prefix and in no printed line.
#include <google/protobuf/text_format.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;
using flyteidl::core::ContainerError;
using flyteidl::core::ExecutionError;

namespace {

const std::string kPlanted = "pl4nted-Secret-Value-6642";
const std::string kAddInputs =
    R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
       literals { key: "b" value { scalar { primitive { integer: 2 } } } })";

// One container run as Flyte's engine starts it, with a secret planted in the
// environment and secrets files confined to the run's own folder.
struct FaultRun {
  ScopedTempDir dir{"flyte-fault"};
  fs::path inputs = dir / "in" / "inputs.pb";
  fs::path outputs = dir / "out";
  fs::path raw = dir / "raw";
  fs::path checkpoint = dir / "checkpoint";
  std::string library = example_lib("example_tasks");
  std::vector<std::string> flags;
  std::map<std::string, std::string> env{{"_FSEC_PLANTED_VALUE", kPlanted},
                                         {"FLYTE_SECRETS_DEFAULT_DIR", (dir / "secrets").string()}};

  explicit FaultRun(const std::string& inputs_text = "") {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    write_text(inputs, map.SerializeAsString());
    fs::create_directories(outputs);
  }

  std::vector<std::string> args(const std::string& task) const {
    std::vector<std::string> all = flags;
    const std::vector<std::string> rest = container_args({.inputs = inputs.string(),
                                                          .output_prefix = outputs.string(),
                                                          .raw_output_prefix = raw.string(),
                                                          .task = task,
                                                          .library = library,
                                                          .checkpoint = checkpoint.string()});
    all.insert(all.end(), rest.begin(), rest.end());
    return all;
  }

  RunResult run(const std::string& task, const SpawnOptions& options = {}) const {
    auto result = run_flyte(args(task), env, options);
    check_invariants(result);
    return result;
  }

  // Every file under `root`, recursively (none when it does not exist).
  static std::vector<fs::path> files_under(const fs::path& root) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    return files;
  }

  void check_invariants(const RunResult& result, bool expect_document = true) const {
    INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    CHECK(result.out.find(kPlanted) == std::string::npos);
    CHECK(result.err.find(kPlanted) == std::string::npos);
    for (const auto& root : {outputs, raw, checkpoint}) {
      for (const auto& file : files_under(root)) {
        INFO(file.string());
        CHECK(read_text(file).find(kPlanted) == std::string::npos);
        const auto name = file.filename().string();
        CHECK(name.find(".flyte-tmp-") == std::string::npos);
        CHECK(name.find(".tmp") == std::string::npos);
      }
    }
    if (!fs::is_directory(outputs)) return;
    const bool has_outputs = fs::exists(outputs / "outputs.pb");
    const bool has_error = fs::exists(outputs / "error.pb");
    if (expect_document) {
      CHECK(has_outputs != has_error);
    } else {
      CHECK_FALSE(has_outputs);
      CHECK_FALSE(has_error);
    }
    if (has_outputs) {
      flyteidl::core::LiteralMap map;
      CHECK(map.ParseFromString(read_text(outputs / "outputs.pb")));
    }
  }

  ContainerError error() const {
    flyteidl::core::ErrorDocument doc;
    REQUIRE(fs::exists(outputs / "error.pb"));
    REQUIRE_FALSE(fs::exists(outputs / "outputs.pb"));
    REQUIRE(doc.ParseFromString(read_text(outputs / "error.pb")));
    CHECK(doc.error().timestamp().seconds() > 0);
    return doc.error();
  }
};

struct Expected {
  std::string code;
  ContainerError::Kind kind;
  ExecutionError::ErrorKind origin;
  int exit_code;
  std::string message_part;
};

void check_error(const FaultRun& run, const RunResult& result, const Expected& expected) {
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == expected.exit_code);
  const auto error = run.error();
  INFO("error.pb message:\n" << error.message());
  CHECK(error.code() == expected.code);
  CHECK(error.kind() == expected.kind);
  CHECK(error.origin() == expected.origin);
  CHECK_THAT(error.message(), Catch::Contains(expected.message_part));
}

constexpr auto NON_RECOVERABLE = ContainerError::NON_RECOVERABLE;
constexpr auto RECOVERABLE = ContainerError::RECOVERABLE;
constexpr auto USER = ExecutionError::USER;
constexpr auto SYSTEM = ExecutionError::SYSTEM;

// The pid of a child of `parent`, found through /proc/<pid>/stat; 0 if none.
pid_t child_of(pid_t parent) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_text(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent) return static_cast<pid_t>(std::stol(name));
  }
  return 0;
}

}  // namespace

TEST_CASE("faults: a successful run leaves only outputs.pb") {
  FaultRun run(kAddInputs);
  auto result = run.run("add");
  CHECK(result.exit_code == 0);
  CHECK(fs::exists(run.outputs / "outputs.pb"));
}

// As flytekit's entrypoint: an inputs.pb it cannot parse is a RECOVERABLE
// SYSTEM error (found by tests/interop/python/test_errors.py).
TEST_CASE("faults: a truncated inputs.pb is a RECOVERABLE SYSTEM error") {
  FaultRun run;
  flyteidl::core::LiteralMap map;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(kAddInputs, &map));
  const std::string bytes = map.SerializeAsString();
  write_text(run.inputs, bytes.substr(0, bytes.size() - 3));
  auto result = run.run("add");
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 0, "truncated"});
}

TEST_CASE("faults: a garbage inputs.pb is a RECOVERABLE SYSTEM error") {
  FaultRun run;
  write_text(run.inputs, "\xff\xff\xff not a protobuf");
  auto result = run.run("add");
  check_error(run, result,
              {"SYSTEM", RECOVERABLE, SYSTEM, 0, "not a valid flyteidl.core.LiteralMap"});
}

TEST_CASE("faults: an input of the wrong type names the input and the type") {
  FaultRun run(R"(literals { key: "a" value { scalar { primitive { string_value: "x" } } } }
                  literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  auto result = run.run("add");
  check_error(run, result, {"SYSTEM", NON_RECOVERABLE, SYSTEM, 0, "integer"});
  CHECK_THAT(run.error().message(), Catch::Contains("'a'"));
}

TEST_CASE("faults: a missing input names the input") {
  FaultRun run(R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } })");
  auto result = run.run("add");
  check_error(run, result, {"SYSTEM", NON_RECOVERABLE, SYSTEM, 0, "'b'"});
}

TEST_CASE("faults: a missing library is a USER load error") {
  FaultRun run(kAddInputs);
  run.library = (run.dir / "missing.so").string();
  auto result = run.run("add");
  check_error(run, result, {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "missing.so"});
}

TEST_CASE("faults: a missing symbol is a USER load error naming the tasks there are") {
  FaultRun run(kAddInputs);
  auto result = run.run("no_such_task");
  check_error(run, result, {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "no_such_task"});
  CHECK_THAT(run.error().message(), Catch::Contains("add"));
}

TEST_CASE("faults: an ABI mismatch is a USER load error naming both versions") {
  FaultRun run(kAddInputs);
  run.library = example_lib("example_bad_abi");
  auto result = run.run("add");
  check_error(run, result, {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "2.0"});
  CHECK_THAT(run.error().message(), Catch::Contains("1.1"));
}

TEST_CASE("faults: a thrown exception is a NON_RECOVERABLE USER error") {
  FaultRun run;
  auto result = run.run("fail_runtime");
  check_error(run, result, {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "something broke"});
}

TEST_CASE("faults: a thrown RecoverableError is a RECOVERABLE USER error") {
  FaultRun run;
  auto result = run.run("fail_recoverable");
  check_error(run, result, {"USER:Recoverable", RECOVERABLE, USER, 0, "the service is busy"});
}

TEST_CASE("faults: a segfault is reported with the signal's name") {
  FaultRun run;
  auto result = run.run("crash_segfault");
  check_error(run, result, {"USER:SIGSEGV", NON_RECOVERABLE, USER, 0, "SIGSEGV"});
}

TEST_CASE("faults: an abort is reported with the signal's name") {
  FaultRun run;
  auto result = run.run("crash_abort");
  check_error(run, result, {"USER:SIGABRT", NON_RECOVERABLE, USER, 0, "SIGABRT"});
}

TEST_CASE("faults: exit(3) is reported with its exit code") {
  FaultRun run;
  auto result = run.run("exit_three");
  check_error(run, result, {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "exited with code 3"});
}

TEST_CASE("faults: _exit(0) without outputs is an error, not a success") {
  FaultRun run;
  auto result = run.run("exit_zero_no_outputs");
  check_error(run, result,
              {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "without writing its outputs"});
}

TEST_CASE("faults: a task killed by SIGKILL is a RECOVERABLE OOM-kill") {
  FaultRun run;
  auto result = run.run("kill_self");
  check_error(run, result, {"USER:OOMKilled", RECOVERABLE, USER, 0, "SIGKILL"});
}

TEST_CASE("faults: a SIGKILL sent to the task process from outside is a RECOVERABLE OOM-kill") {
  FaultRun run;
  auto binary = spawn_flyte(run.args("ignore_sigterm"), run.env);
  REQUIRE(binary->wait_for_output("ignore_sigterm: ignoring SIGTERM"));
  const pid_t task = child_of(binary->pid());
  REQUIRE(task > 0);
  ::kill(task, SIGKILL);
  auto result = binary->wait();
  run.check_invariants(result);
  check_error(run, result, {"USER:OOMKilled", RECOVERABLE, USER, 0, "OOM killer"});
}

TEST_CASE("faults: SIGTERM lets the task checkpoint in the grace period, then fails RECOVERABLE") {
  FaultRun run;
  run.flags = {"--grace-period", "120s"};
  auto binary = spawn_flyte(run.args("checkpoint_on_sigterm"), run.env);
  REQUIRE(binary->wait_for_output("checkpoint_on_sigterm: waiting for SIGTERM"));
  binary->send(SIGTERM);
  auto result = binary->wait();
  run.check_invariants(result);
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 128 + SIGTERM, "SIGTERM"});
  bool saved = false;
  for (const auto& file : FaultRun::files_under(run.checkpoint)) {
    saved = saved || read_text(file) == "terminated";
  }
  CHECK(saved);
  CHECK_THAT(run.error().message(), !Catch::Contains("grace period"));
}

TEST_CASE("faults: a task that ignores SIGTERM is killed after the grace period") {
  FaultRun run;
  run.flags = {"--grace-period", "1s"};
  auto binary = spawn_flyte(run.args("ignore_sigterm"), run.env);
  REQUIRE(binary->wait_for_output("ignore_sigterm: ignoring SIGTERM"));
  binary->send(SIGTERM);
  auto result = binary->wait();
  run.check_invariants(result);
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 128 + SIGTERM, "grace period"});
}

TEST_CASE("faults: SIGINT is forwarded like SIGTERM") {
  FaultRun run;
  run.flags = {"--grace-period", "1s"};
  auto binary = spawn_flyte(run.args("ignore_sigterm"), run.env);
  REQUIRE(binary->wait_for_output("ignore_sigterm: ignoring SIGTERM"));
  binary->send(SIGINT);
  auto result = binary->wait();
  run.check_invariants(result);
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 128 + SIGINT, "SIGINT"});
}

TEST_CASE("faults: --timeout stops a task that never returns") {
  FaultRun run;
  run.flags = {"--timeout", "1s", "--grace-period", "1s"};
  auto result = run.run("sleep_forever");
  check_error(run, result, {"USER:Timeout", NON_RECOVERABLE, USER, 0, "timeout"});
}

TEST_CASE("faults: an output prefix that cannot be written fails non-zero with a clear message") {
  FaultRun run(kAddInputs);
  write_text(run.dir / "a-file", "not a folder");
  run.outputs = run.dir / "a-file" / "out";
  auto result = run.run("add");
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains("could not write the error document either"));
  CHECK_THAT(result.err, Catch::Contains(run.outputs.string()));
  CHECK(fs::is_regular_file(run.dir / "a-file"));
}

TEST_CASE("faults: a full disk while writing outputs becomes an error.pb naming the cause") {
  // The outputs (about 300 KB) do not fit under a 128 KB file size limit; the
  // small error document does.
  flyteidl::core::LiteralMap inputs;
  (*inputs.mutable_literals())["name"].mutable_scalar()->mutable_primitive()->set_string_value(
      std::string(300 * 1024, 'x'));
  FaultRun run;
  write_text(run.inputs, inputs.SerializeAsString());
  SpawnOptions limited;
  limited.file_size_limit = 128 * 1024;
  auto result = run.run("greet", limited);
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 0, "File too large"});
  CHECK_THAT(run.error().message(),
             Catch::Contains("outputs.pb") && Catch::Contains("file size limit"));
}

TEST_CASE("faults: a checkpoint store that fails is a RECOVERABLE SYSTEM upload error") {
  // The checkpoint prefix is a file, so saving under it fails in the host,
  // not in the task: flytekit's FlyteUploadDataException code, retryable.
  FaultRun run(R"(literals { key: "iterations" value { scalar { primitive { integer: 2 } } } })");
  write_text(run.dir / "not-a-folder", "x");
  run.checkpoint = run.dir / "not-a-folder" / "cp";
  auto result = run.run("checkpoint_counter");
  check_error(run, result, {"SYSTEM:UploadDataError", RECOVERABLE, SYSTEM, 0, "not-a-folder"});
}

TEST_CASE("faults: an offloaded input that cannot be fetched is a RECOVERABLE SYSTEM error") {
  FaultRun run;
  flyteidl::core::LiteralMap inputs;
  auto* pointer = (*inputs.mutable_literals())["a"].mutable_offloaded_metadata();
  pointer->set_uri((run.dir / "gone" / "a_offloaded_metadata.pb").string());
  pointer->set_size_bytes(10);
  (*inputs.mutable_literals())["b"].mutable_scalar()->mutable_primitive()->set_integer(1);
  write_text(run.inputs, inputs.SerializeAsString());
  auto result = run.run("add");
  check_error(run, result, {"SYSTEM", RECOVERABLE, SYSTEM, 0, "a_offloaded_metadata.pb"});
}

TEST_CASE("faults: when not even error.pb fits on the disk the exit code is non-zero") {
  FaultRun run;
  SpawnOptions full;
  full.file_size_limit = 0;
  auto result = run_flyte(run.args("fail_runtime"), run.env, full);
  run.check_invariants(result, /*expect_document=*/false);
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains("File too large"));
  CHECK_THAT(result.err, Catch::Contains("error document"));
  // The task process says why it ended before the host reports it.
  CHECK_THAT(result.err, Catch::Contains("the task process failed"));
}

TEST_CASE("faults: a secret name with ../ is refused without reading the file it points at") {
  FaultRun run;
  write_text(run.dir / "etc" / "passwd", kPlanted);
  auto result = run.run("secret_traversal");
  CHECK(result.exit_code == 0);
  const auto error = run.error();
  CHECK(error.origin() == USER);
  CHECK_THAT(error.message(), Catch::Contains("../etc"));
}

TEST_CASE("faults: a secret the task prints, logs and throws appears in no output or log") {
  FaultRun run;
  auto result = run.run("leak_secret");
  check_error(run, result, {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "[redacted]"});
  CHECK_THAT(result.out, Catch::Contains("stdout: [redacted]"));
  CHECK_THAT(result.err, Catch::Contains("stderr: [redacted]"));
}

TEST_CASE("faults: a secret the task leaks before it crashes is masked in error.pb") {
  // The task's last output lines go into error.pb; the host redacts them too.
  FaultRun run;
  auto result = run.run("leak_secret_and_abort");
  check_error(run, result, {"USER:SIGABRT", NON_RECOVERABLE, USER, 0, "about to abort holding"});
  CHECK_THAT(run.error().message(), Catch::Contains("about to abort holding [redacted]"));
}

TEST_CASE("faults: --in-process still turns a thrown exception into error.pb") {
  FaultRun run;
  run.flags = {"--in-process"};
  auto result = run.run("fail_runtime");
  check_error(run, result, {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "something broke"});
}
