// The fault matrix: each row of kRows is a real run of flyte-execute with a
// misbehaving task, bad input or a hostile environment, judged only by what
// Flyte's engine and a user can observe: the files at the output prefix, the
// exit code, and what was printed. A row says how to run (task, inputs,
// flags, how to drive the running binary) and what must come out (which
// document, its code, kind, origin and a part of its message, the exit code);
// every row also checks the invariants that hold whatever the task does:
//   - exactly one of outputs.pb / error.pb at the output prefix (or nothing
//     at all when the prefix itself cannot be written), never a staging or
//     temp file;
//   - a secret planted in the environment appears in no file written under
//     the output, raw output or checkpoint prefix and in no printed byte;
//   - the run ends within the row's time bound.
#include <arpa/inet.h>
#include <fcntl.h>
#include <google/protobuf/text_format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/fault_export.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;
using flyteidl::core::ContainerError;
using flyteidl::core::ExecutionError;

namespace {

const std::string kPlanted = "pl4nted-Secret-Value-6642";
const std::string kPlantedCustom = "cust0m-Env-Secret-5519";
const std::string kPlantedPadded = "padd3d-File-Secret-7713";
const std::string kAddInputs =
    R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
       literals { key: "b" value { scalar { primitive { integer: 2 } } } })";

// A UDP socket standing in for statsd: what the task's metrics carried.
struct FakeStatsd {
  int fd = -1;
  int port = 0;
  FakeStatsd() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
  }
  ~FakeStatsd() { ::close(fd); }
  FakeStatsd(const FakeStatsd&) = delete;
  FakeStatsd& operator=(const FakeStatsd&) = delete;
  std::string received() const {
    std::string all;
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
      all.append(buffer, static_cast<std::size_t>(n)).append("\n");
    }
    return all;
  }
};

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
  /// What --output-prefix says, when not `outputs`.
  std::optional<std::string> output_prefix_arg;
  /// Values that must appear in no byte that left the process.
  std::vector<std::string> planted{kPlanted};
  std::shared_ptr<FakeStatsd> statsd;
  std::map<std::string, std::string> env{{"_FSEC_PLANTED_VALUE", kPlanted},
                                         {"FLYTE_SECRETS_DEFAULT_DIR", (dir / "secrets").string()}};

  FaultRun() {
    set_inputs("");
    fs::create_directories(outputs);
  }

  // Writes inputs.pb from protobuf text format.
  void set_inputs(const std::string& inputs_text) {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    write_text(inputs, map.SerializeAsString());
  }

  std::vector<std::string> args(const std::string& task) const {
    std::vector<std::string> all = flags;
    const std::vector<std::string> rest =
        container_args({.inputs = inputs.string(),
                        .output_prefix = output_prefix_arg.value_or(outputs.string()),
                        .raw_output_prefix = raw.string(),
                        .task = task,
                        .library = library,
                        .checkpoint = checkpoint.string()});
    all.insert(all.end(), rest.begin(), rest.end());
    return all;
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
    for (const auto& secret : planted) {
      INFO("planted: " << secret);
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.err.find(secret) == std::string::npos);
    }
    for (const auto& root : {outputs, raw, checkpoint}) {
      for (const auto& file : files_under(root)) {
        INFO(file.string());
        const std::string bytes = read_text(file);
        for (const auto& secret : planted) CHECK(bytes.find(secret) == std::string::npos);
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
  std::string code{};
  ContainerError::Kind kind = ContainerError::NON_RECOVERABLE;
  ExecutionError::ErrorKind origin = ExecutionError::UNKNOWN;
  int exit_code = 0;
  std::string message_part{};
};

enum class Document { OUTPUTS, ERROR, NONE };

// Any non-zero exit code (a row that expects no document at all).
constexpr int kNonZero = -1;

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

// How a row runs the binary once the run is prepared; empty: to completion.
using Drive = std::function<RunResult(FaultRun&, const std::string& task)>;

// Waits for `marker` in the output, sends `signal` to flyte-execute `times`
// times, then waits for the end.
Drive signal_after(std::string marker, int signal, int times = 1) {
  return [=](FaultRun& run, const std::string& task) {
    auto binary = spawn_flyte(run.args(task), run.env);
    REQUIRE(binary->wait_for_output(marker));
    for (int i = 0; i < times; ++i) binary->send(signal);
    return binary->wait();
  };
}

// Waits for `marker`, then SIGKILLs the task process from outside.
Drive kill_task_after(std::string marker) {
  return [=](FaultRun& run, const std::string& task) {
    auto binary = spawn_flyte(run.args(task), run.env);
    REQUIRE(binary->wait_for_output(marker));
    const pid_t child = child_of(binary->pid());
    REQUIRE(child > 0);
    ::kill(child, SIGKILL);
    return binary->wait();
  };
}

// Runs under resource limits.
Drive limited(SpawnOptions options) {
  return [=](FaultRun& run, const std::string& task) {
    return run_flyte(run.args(task), run.env, options);
  };
}

// Prepares the standard add inputs.
void add_inputs(FaultRun& run) {
  run.set_inputs(kAddInputs);
}

// Runs a task of the fault-fixture library with `flags`.
std::function<void(FaultRun&)> fixture(std::vector<std::string> flags = {}) {
  return [=](FaultRun& run) {
    run.library = example_lib("example_fault_tasks");
    run.flags = flags;
  };
}

// How the binary's stdout misbehaves.
enum class Stdout { READER_GONE, NEVER_READ };

// Runs with a stdout whose reader is gone (writes fail with EPIPE) or that
// nobody reads (writes block once the pipe is full); with `marker`, sends
// SIGTERM when it appears on stderr.
Drive bad_stdout(Stdout kind, std::string marker = "") {
  return [=](FaultRun& run, const std::string& task) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    if (kind == Stdout::READER_GONE) {
      ::close(fds[0]);
      fds[0] = -1;
    }
    SpawnOptions options;
    options.stdout_fd = fds[1];
    auto binary = spawn_flyte(run.args(task), run.env, options);
    ::close(fds[1]);
    if (!marker.empty()) {
      REQUIRE(binary->wait_for_output(marker));
      binary->send(SIGTERM);
    }
    auto result = binary->wait();
    if (fds[0] >= 0) ::close(fds[0]);
    return result;
  };
}

// Waits for `marker`, then SIGKILLs flyte-execute itself.
Drive kill_supervisor_after(std::string marker) {
  return [=](FaultRun& run, const std::string& task) {
    auto binary = spawn_flyte(run.args(task), run.env);
    REQUIRE(binary->wait_for_output(marker));
    binary->send(SIGKILL);
    return binary->wait();
  };
}

// The number after `label` in `text`; 0 if absent.
pid_t pid_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(text.substr(at + label.size())));
}

// Whether `pid` has ended (gone, or a zombie nobody reaped yet) within `limit`.
bool ends_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (!stat || close == std::string::npos || text.substr(close + 2, 1) == "Z") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

// A PEM-shaped multi-line secret: 30 distinct lines of 64 characters.
std::string planted_pem() {
  std::string pem = "-----BEGIN PRIVATE KEY-----\n";
  for (int i = 0; i < 30; ++i) {
    std::string line = "MIIE" + std::to_string(100000 + i * 7919);
    while (line.size() < 64) line += static_cast<char>('A' + (line.size() * 7 + i) % 26);
    pem += line + "\n";
  }
  return pem + "-----END PRIVATE KEY-----\n";
}

// Every line of `text` (at least 8 bytes long) is a planted value.
void plant_lines(FaultRun& run, const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() >= 8 && line.find("-----") == std::string::npos) run.planted.push_back(line);
  }
}

// One scenario of the matrix.
struct Row {
  const char* name = "";
  std::string task{};
  std::function<void(FaultRun&)> prepare{};  ///< inputs, flags, files, env; may be empty
  Drive drive{};                             ///< empty: run to completion
  Document document = Document::ERROR;
  Expected expected{};  ///< ERROR rows: the document; NONE rows: exit_code only
  std::function<void(const FaultRun&, const RunResult&)> also{};  ///< further checks
  std::chrono::seconds bound{30};                                 ///< the run's time limit
  bool under_sanitizers = true;  ///< false: the sanitizer build does not run the row (says why)
};

void run_row(const Row& row) {
  FaultRun run;
  if (row.prepare) row.prepare(run);
  const auto started = std::chrono::steady_clock::now();
  const RunResult result =
      row.drive ? row.drive(run, row.task) : run_flyte(run.args(row.task), run.env);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(took < row.bound);
  run.check_invariants(result, row.document != Document::NONE);
  switch (row.document) {
    case Document::OUTPUTS:
      CHECK(result.exit_code == 0);
      CHECK(fs::exists(run.outputs / "outputs.pb"));
      break;
    case Document::ERROR:
      check_error(run, result, row.expected);
      break;
    case Document::NONE:
      if (row.expected.exit_code == kNonZero) {
        CHECK(result.exit_code != 0);
      } else {
        CHECK(result.exit_code == row.expected.exit_code);
      }
      break;
  }
  if (row.also) row.also(run, result);
  switch (row.document) {
    case Document::OUTPUTS:
      export_fault_row(row.name, run.outputs, result.exit_code, "outputs");
      break;
    case Document::ERROR:
      export_fault_row(row.name, run.outputs, result.exit_code, "error", row.expected.code,
                       ContainerError::Kind_Name(row.expected.kind),
                       ExecutionError::ErrorKind_Name(row.expected.origin));
      break;
    case Document::NONE:
      export_fault_row(row.name, run.outputs, result.exit_code, "none");
      break;
  }
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table{
      // --- what the task does to itself ---
      {.name = "a successful run leaves only outputs.pb",
       .task = "add",
       .prepare = add_inputs,
       .document = Document::OUTPUTS},
      // As flytekit's entrypoint: an inputs.pb it cannot parse is a RECOVERABLE
      // SYSTEM error (found by tests/interop/python/test_errors.py).
      {.name = "a truncated inputs.pb is a RECOVERABLE SYSTEM error",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             flyteidl::core::LiteralMap map;
             REQUIRE(google::protobuf::TextFormat::ParseFromString(kAddInputs, &map));
             const std::string bytes = map.SerializeAsString();
             write_text(run.inputs, bytes.substr(0, bytes.size() - 3));
           },
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "truncated"}},
      {.name = "a garbage inputs.pb is a RECOVERABLE SYSTEM error",
       .task = "add",
       .prepare = [](FaultRun& run) { write_text(run.inputs, "\xff\xff\xff not a protobuf"); },
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "not a valid flyteidl.core.LiteralMap"}},
      // The checkpoint prefix is a file, so saving under it fails in the host,
      // not in the task: flytekit's FlyteUploadDataException code, retryable.
      {.name = "a checkpoint store that fails is a RECOVERABLE SYSTEM upload error",
       .task = "checkpoint_counter",
       .prepare =
           [](FaultRun& run) {
             run.set_inputs(
                 R"(literals { key: "iterations" value { scalar { primitive { integer: 2 } } } })");
             write_text(run.dir / "not-a-folder", "x");
             run.checkpoint = run.dir / "not-a-folder" / "cp";
           },
       .expected = {"SYSTEM:UploadDataError", RECOVERABLE, SYSTEM, 0, "not-a-folder"}},
      {.name = "an offloaded input that cannot be fetched is a RECOVERABLE SYSTEM error",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             flyteidl::core::LiteralMap inputs;
             auto* pointer = (*inputs.mutable_literals())["a"].mutable_offloaded_metadata();
             pointer->set_uri((run.dir / "gone" / "a_offloaded_metadata.pb").string());
             pointer->set_size_bytes(10);
             (*inputs.mutable_literals())["b"].mutable_scalar()->mutable_primitive()->set_integer(
                 1);
             write_text(run.inputs, inputs.SerializeAsString());
           },
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "a_offloaded_metadata.pb"}},
      {.name = "an input of the wrong type names the input and the type",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             run.set_inputs(
                 R"(literals { key: "a" value { scalar { primitive { string_value: "x" } } } }
                    literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
           },
       .expected = {"SYSTEM", NON_RECOVERABLE, SYSTEM, 0, "integer"},
       .also = [](const FaultRun& run,
                  const RunResult&) { CHECK_THAT(run.error().message(), Catch::Contains("'a'")); }},
      {.name = "a missing input names the input",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             run.set_inputs(
                 R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } })");
           },
       .expected = {"SYSTEM", NON_RECOVERABLE, SYSTEM, 0, "'b'"}},
      {.name = "a missing library is a USER load error",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             add_inputs(run);
             run.library = (run.dir / "missing.so").string();
           },
       .expected = {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "missing.so"}},
      {.name = "a missing symbol is a USER load error naming the tasks there are",
       .task = "no_such_task",
       .prepare = add_inputs,
       .expected = {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "no_such_task"},
       .also = [](const FaultRun& run,
                  const RunResult&) { CHECK_THAT(run.error().message(), Catch::Contains("add")); }},
      {.name = "an ABI mismatch is a USER load error naming both versions",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             add_inputs(run);
             run.library = example_lib("example_bad_abi");
           },
       .expected = {"USER:TaskLoadError", NON_RECOVERABLE, USER, 0, "2.0"},
       .also = [](const FaultRun& run,
                  const RunResult&) { CHECK_THAT(run.error().message(), Catch::Contains("1.1")); }},
      {.name = "a thrown exception is a NON_RECOVERABLE USER error",
       .task = "fail_runtime",
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "something broke"}},
      {.name = "a thrown RecoverableError is a RECOVERABLE USER error",
       .task = "fail_recoverable",
       .expected = {"USER:Recoverable", RECOVERABLE, USER, 0, "the service is busy"}},
      {.name = "a segfault is reported with the signal's name",
       .task = "crash_segfault",
       .expected = {"USER:SIGSEGV", NON_RECOVERABLE, USER, 0, "SIGSEGV"}},
      {.name = "an abort is reported with the signal's name",
       .task = "crash_abort",
       .expected = {"USER:SIGABRT", NON_RECOVERABLE, USER, 0, "SIGABRT"}},
      {.name = "exit(3) is reported with its exit code",
       .task = "exit_three",
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "exited with code 3"}},
      {.name = "_exit(0) without outputs is an error, not a success",
       .task = "exit_zero_no_outputs",
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "without writing its outputs"}},
      {.name = "a task killed by SIGKILL is a RECOVERABLE OOM-kill",
       .task = "kill_self",
       .expected = {"USER:OOMKilled", RECOVERABLE, USER, 0, "SIGKILL"}},
      {.name = "a SIGKILL sent to the task process from outside is a RECOVERABLE OOM-kill",
       .task = "ignore_sigterm",
       .drive = kill_task_after("ignore_sigterm: ignoring SIGTERM"),
       .expected = {"USER:OOMKilled", RECOVERABLE, USER, 0, "OOM killer"}},
      {.name = "--timeout stops a task that never returns",
       .task = "sleep_forever",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--timeout", "1s", "--grace-period", "1s"};
           },
       .expected = {"USER:Timeout", NON_RECOVERABLE, USER, 0, "timeout"}},
      {.name = "--in-process still turns a thrown exception into error.pb",
       .task = "fail_runtime",
       .prepare = [](FaultRun& run) { run.flags = {"--in-process"}; },
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "something broke"}},

      // --- signals from the node ---
      {.name = "SIGTERM lets the task checkpoint in the grace period, then fails RECOVERABLE",
       .task = "checkpoint_on_sigterm",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--grace-period", "120s"};
           },
       .drive = signal_after("checkpoint_on_sigterm: waiting for SIGTERM", SIGTERM),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "SIGTERM"},
       .also =
           [](const FaultRun& run, const RunResult&) {
             bool saved = false;
             for (const auto& file : FaultRun::files_under(run.checkpoint)) {
               saved = saved || read_text(file) == "terminated";
             }
             CHECK(saved);
             CHECK_THAT(run.error().message(), !Catch::Contains("grace period"));
           }},
      {.name = "a task that ignores SIGTERM is killed after the grace period",
       .task = "ignore_sigterm",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--grace-period", "1s"};
           },
       .drive = signal_after("ignore_sigterm: ignoring SIGTERM", SIGTERM),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "grace period"}},
      {.name = "SIGINT is forwarded like SIGTERM",
       .task = "ignore_sigterm",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--grace-period", "1s"};
           },
       .drive = signal_after("ignore_sigterm: ignoring SIGTERM", SIGINT),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "SIGINT"}},

      // --- the disk and the output prefix ---
      {.name = "an output prefix that cannot be written fails non-zero with a clear message",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             add_inputs(run);
             write_text(run.dir / "a-file", "not a folder");
             run.outputs = run.dir / "a-file" / "out";
           },
       .document = Document::NONE,
       .expected = {.exit_code = kNonZero},
       .also =
           [](const FaultRun& run, const RunResult& result) {
             CHECK_THAT(result.err, Catch::Contains("could not write the error document either"));
             CHECK_THAT(result.err, Catch::Contains(run.outputs.string()));
             CHECK(fs::is_regular_file(run.dir / "a-file"));
           }},
      {// The outputs (about 300 KB) do not fit under a 128 KB file size limit;
       // the small error document does.
       .name = "a full disk while writing outputs becomes an error.pb naming the cause",
       .task = "greet",
       .prepare =
           [](FaultRun& run) {
             flyteidl::core::LiteralMap inputs;
             (*inputs.mutable_literals())["name"]
                 .mutable_scalar()
                 ->mutable_primitive()
                 ->set_string_value(std::string(300 * 1024, 'x'));
             write_text(run.inputs, inputs.SerializeAsString());
           },
       .drive = limited({.file_size_limit = 128 * 1024}),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "File too large"},
       .also =
           [](const FaultRun& run, const RunResult&) {
             CHECK_THAT(run.error().message(),
                        Catch::Contains("outputs.pb") && Catch::Contains("file size limit"));
           }},
      {.name = "when not even error.pb fits on the disk the exit code is non-zero",
       .task = "fail_runtime",
       .drive = limited({.file_size_limit = 0}),
       .document = Document::NONE,
       .expected = {.exit_code = kNonZero},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.err, Catch::Contains("File too large"));
             CHECK_THAT(result.err, Catch::Contains("error document"));
             // The task process says why it ended before the host reports it.
             CHECK_THAT(result.err, Catch::Contains("the task process failed"));
           }},

      // --- secrets ---
      {.name = "a secret name with ../ is refused without reading the file it points at",
       .task = "secret_traversal",
       .prepare = [](FaultRun& run) { write_text(run.dir / "etc" / "passwd", kPlanted); },
       .expected = {"USER:ValueError", NON_RECOVERABLE, USER, 0, "../etc"}},
      {.name = "a secret the task prints, logs and throws appears in no output or log",
       .task = "leak_secret",
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "[redacted]"},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.out, Catch::Contains("stdout: [redacted]"));
             CHECK_THAT(result.err, Catch::Contains("stderr: [redacted]"));
           }},
      {// The task's last output lines go into error.pb; the host redacts them too.
       .name = "a secret the task leaks before it crashes is masked in error.pb",
       .task = "leak_secret_and_abort",
       .expected = {"USER:SIGABRT", NON_RECOVERABLE, USER, 0, "about to abort holding [redacted]"}},

      // --- issue 14.1: SIGTERM at unlucky moments; the exit code stays 0 ---
      {.name = "a second SIGTERM changes nothing",
       .task = "ignore_sigterm",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--grace-period", "1s"};
           },
       .drive = signal_after("ignore_sigterm: ignoring SIGTERM", SIGTERM, 2),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "grace period"}},
      {// Set-up ends with the "running" line: the signal is taken before the
       // task process starts, or forwarded while it loads the task.
       .name = "SIGTERM during set-up leaves a RECOVERABLE SYSTEM document and exit 0",
       .task = "ignore_sigterm",
       .prepare =
           [](FaultRun& run) {
             run.flags = {"--log-level", "INFO", "--grace-period", "1s"};
           },
       .drive = signal_after("running ", SIGTERM),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "SIGTERM"}},
      {// The debug line "task process exited" comes right before publication;
       // a 64 MB output takes a while to publish.
       .name = "SIGTERM while results are published: outputs.pb is published, exit 0",
       .task = "greet",
       .prepare =
           [](FaultRun& run) {
             flyteidl::core::LiteralMap inputs;
             (*inputs.mutable_literals())["name"]
                 .mutable_scalar()
                 ->mutable_primitive()
                 ->set_string_value(std::string(64 << 20, 'n'));
             write_text(run.inputs, inputs.SerializeAsString());
             run.flags = {"--log-level", "DEBUG"};
           },
       .drive = signal_after("task process exited", SIGTERM, 2),
       .document = Document::OUTPUTS,
       .bound = std::chrono::seconds(60)},

      // --- issue 14.3 and 13.3/13.4: masking on the byte stream ---
      {.name = "a secret in a line longer than the relay's buffers is masked at every split",
       .task = "print_long_line_secret",
       .prepare = fixture(),
       .document = Document::OUTPUTS,
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.out, Catch::Contains("x[redacted]x"));
             CHECK_THAT(result.err, Catch::Contains("x[redacted]x"));
           }},
      {.name = "a multi-line secret (PEM) is masked whole, line by line and in error.pb's tail",
       .task = "print_pem_and_abort",
       .prepare =
           [](FaultRun& run) {
             fixture()(run);
             write_text(run.dir / "secrets" / "pem" / "key", planted_pem());
             plant_lines(run, planted_pem());
           },
       .expected = {"USER:SIGABRT", NON_RECOVERABLE, USER, 0, "[redacted]\nafter the key"},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.err, Catch::Contains("the key is:\n[redacted]\n"));
           }},
      {.name = "a secret in an error code is masked",
       .task = "secret_in_error_code",
       .prepare = fixture(),
       .expected = {"USER:[redacted]", NON_RECOVERABLE, USER, 0, "the code holds a secret"}},
      {.name = "a secret as an output-metadata key is masked",
       .task = "secret_in_metadata_key",
       .prepare = fixture(),
       .document = Document::OUTPUTS},
      {.name = "a secret in a statsd metric name is masked",
       .task = "secret_in_stat_name",
       .prepare =
           [](FaultRun& run) {
             fixture()(run);
             run.statsd = std::make_shared<FakeStatsd>();
             run.env["FLYTE_STATSD_HOST"] = "127.0.0.1";
             run.env["FLYTE_STATSD_PORT"] = std::to_string(run.statsd->port);
           },
       .document = Document::OUTPUTS,
       .also =
           [](const FaultRun& run, const RunResult&) {
             const std::string packets = run.statsd->received();
             INFO("statsd packets:\n" << packets);
             CHECK_THAT(packets, Catch::Contains("rows.[redacted]"));
             CHECK(packets.find(kPlanted) == std::string::npos);
           }},
      {.name = "a declared secret with a custom env_var is masked (issue 13.3)",
       .task = "print_custom_env_secret",
       .prepare =
           [](FaultRun& run) {
             fixture()(run);
             run.env["MY_CUSTOM_TOKEN"] = kPlantedCustom;
             run.planted.push_back(kPlantedCustom);
           },
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "failed holding [redacted]"},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.out, Catch::Contains("custom: [redacted]\n"));
           }},
      {.name = "masking keeps the white space and newlines around a padded secret (issue 13.4)",
       .task = "print_padded_secret",
       .prepare =
           [](FaultRun& run) {
             fixture()(run);
             write_text(run.dir / "secrets" / "padded" / "value", "  " + kPlantedPadded + " \n");
             run.planted.push_back(kPlantedPadded);
           },
       .document = Document::OUTPUTS,
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(
                 result.out,
                 Catch::Contains("has [redacted] and\nraw:  [redacted] \n:end\nnext line\n"));
           }},

      // --- issue 14.8: the error document stays under the engine's limit ---
      {.name = "a 5 MB error message is cut to fit the engine's download limit, keeping its tail",
       .task = "huge_error",
       .prepare = fixture(),
       .expected = {"USER:RuntimeError", NON_RECOVERABLE, USER, 0, "end-of-message"},
       .also =
           [](const FaultRun& run, const RunResult&) {
             CHECK(fs::file_size(run.outputs / "error.pb") < 80 * 1024);
             CHECK_THAT(run.error().message(),
                        Catch::Contains("start-of-message") && Catch::Contains("bytes cut"));
           }},

      // --- issue 14.11: process hygiene ---
      {.name = "SIGTERM and the final SIGKILL reach the task's grandchildren",
       .task = "grandchild_ignores_sigterm",
       .prepare = fixture({"--grace-period", "1s"}),
       .drive = signal_after("grandchild pid", SIGTERM),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "grace period"},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.err, Catch::Contains("grandchild: got SIGTERM"));
             const pid_t grandchild = pid_after(result.err, "grandchild pid ");
             REQUIRE(grandchild > 0);
             CHECK(ends_within(grandchild, std::chrono::seconds(5)));
           }},
      {.name = "a `kill 0` in the task does not reach the supervisor",
       .task = "kill_zero",
       .prepare = fixture(),
       .expected = {"USER:SIGTERM", NON_RECOVERABLE, USER, 0, "SIGTERM"},
       .also =
           [](const FaultRun& run, const RunResult&) {
             CHECK_THAT(run.error().message(), !Catch::Contains("asked to stop"));
           }},
      {.name = "the task dies when the supervisor is SIGKILLed (parent-death signal)",
       .task = "print_pid_and_wait",
       .prepare = fixture(),
       .drive = kill_supervisor_after("task pid "),
       .document = Document::NONE,
       .expected = {.exit_code = 128 + SIGKILL},
       .also =
           [](const FaultRun&, const RunResult& result) {
             const pid_t task = pid_after(result.err, "task pid ");
             REQUIRE(task > 0);
             CHECK(ends_within(task, std::chrono::seconds(5)));
           }},

      // --- issue 14.4: the log stream cannot stop supervision ---
      {.name = "a stdout reader that went away (SIGPIPE) costs output, not the result",
       .task = "flood_output",
       .prepare = fixture(),
       .drive = bad_stdout(Stdout::READER_GONE),
       .document = Document::OUTPUTS},
      {.name = "a stdout nobody reads does not delay --timeout, and the drop is reported",
       .task = "flood_then_wait",
       .prepare = fixture({"--timeout", "1s", "--grace-period", "1s"}),
       .drive = bad_stdout(Stdout::NEVER_READ),
       .expected = {"USER:Timeout", NON_RECOVERABLE, USER, 0, "output were dropped"},
       .bound = std::chrono::seconds(15)},
      {.name = "a stdout nobody reads does not delay SIGTERM or the grace period",
       .task = "flood_then_wait",
       .prepare = fixture({"--grace-period", "1s"}),
       .drive = bad_stdout(Stdout::NEVER_READ, "flood_then_wait: waiting"),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "SIGTERM"},
       .bound = std::chrono::seconds(15)},

      // --- issue 14.6 and 14.9: the host's own failures ---
      {.name = "a local disk that refuses writes still yields a RECOVERABLE document at the prefix",
       .task = "break_local_disk",
       .prepare = fixture(),
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "could not record the result"}},
      {.name = "a /tmp that cannot be written at set-up still yields a RECOVERABLE document",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             add_inputs(run);
             run.env["TMPDIR"] = "/proc";
           },
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "could not start the task"}},
      {.name = "an fd limit that stops the task process from starting is SYSTEM RECOVERABLE",
       .task = "add",
       .prepare = add_inputs,
       .drive = limited({.open_files_limit = 6}),
       // The sanitizer runtime needs file descriptors of its own (UBSan's
       // vptr check probes memory through a pipe): at this limit it reports
       // false errors and ends the run. The Release build runs this row.
       .expected = {"SYSTEM", RECOVERABLE, SYSTEM, 0, "Too many open files"},
       .under_sanitizers = false},

      // --- issue 14.12: local publication ---
      {.name = "files the host publishes do not inherit a umask the task set",
       .task = "tight_umask",
       .prepare = fixture(),
       .document = Document::OUTPUTS,
       .also =
           [](const FaultRun& run, const RunResult&) {
             const auto perms = fs::status(run.outputs / "outputs.pb").permissions();
             CHECK((perms & fs::perms::owner_read) != fs::perms::none);
             CHECK((perms & fs::perms::group_read) != fs::perms::none);
             CHECK((perms & fs::perms::others_read) != fs::perms::none);
           }},
      {.name = "--output-prefix \"\" is a usage error",
       .task = "add",
       .prepare =
           [](FaultRun& run) {
             add_inputs(run);
             run.output_prefix_arg = "";
           },
       .document = Document::NONE,
       .expected = {.exit_code = 2},
       .also =
           [](const FaultRun&, const RunResult& result) {
             CHECK_THAT(result.err, Catch::Contains("--output-prefix must not be empty"));
           }},
  };
  return table;
}

}  // namespace

// One run of the test case per row (Catch2 re-enters the case once for each
// section); `-c "<row name>"` runs one row.
TEST_CASE("faults: the fault matrix") {
  for (const auto& row : rows()) {
    DYNAMIC_SECTION(row.name) {
#if defined(__SANITIZE_ADDRESS__)
      if (!row.under_sanitizers) {
        WARN("not run under the sanitizers (see the row): " << row.name);
        continue;
      }
#endif
      run_row(row);
    }
  }
}
