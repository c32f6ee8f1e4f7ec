// The fault matrix, storage and config rows: real runs of flyte-execute
// against a hostile or broken environment (an object store that lists keys
// escaping the download folder or stalls mid-answer, an --inputs path that is
// no file, a config path that is a folder). Judged by what the engine sees:
// exactly one of outputs.pb / error.pb at the output prefix with the intended
// code, kind and origin, no temp file there, no file written outside the
// run's own folders, and a bounded run time.
#include <google/protobuf/text_format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/fault_export.hpp"
#include "support/http_test_server.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;
using flyteidl::core::ContainerError;
using flyteidl::core::ExecutionError;

namespace {

const std::string kAddInputs =
    R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
       literals { key: "b" value { scalar { primitive { integer: 2 } } } })";

/// One container run whose sandbox, outputs and checkpoints all live in one
/// folder `dir/run`, with S3 pointed at `endpoint` (if any). Anything that
/// appears in `dir` outside `run` was written where it must not be.
struct StorageRun {
  ScopedTempDir dir{"flyte-fault-storage"};
  fs::path root = dir / "run";
  fs::path inputs = root / "in" / "inputs.pb";
  fs::path outputs = root / "out";
  std::string prev_checkpoint = "{{.prevCheckpointPrefix}}";
  std::string checkpoint = (root / "checkpoint").string();
  std::map<std::string, std::string> env;

  explicit StorageRun(const std::string& inputs_text = kAddInputs,
                      const std::string& endpoint = "") {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    write_text(inputs, map.SerializeAsString());
    fs::create_directories(outputs);
    env["FLYTE_LOCAL_SANDBOX_DIR"] = (root / "sandbox").string();
    if (!endpoint.empty()) {
      env["FLYTE_AWS_ENDPOINT"] = endpoint;
      env["FLYTE_AWS_ACCESS_KEY_ID"] = "AKIDFAULT";
      env["FLYTE_AWS_SECRET_ACCESS_KEY"] = "fault-secret-value";
      env["FLYTE_STORAGE_CONNECTION_MAX_RETRIES"] = "1";
      env["FLYTE_STORAGE_CONNECTION_READ_TIMEOUT"] = "1";
    }
  }

  RunResult run(const std::string& task, std::vector<std::string> before = {}) {
    auto args = std::move(before);
    ContainerArgs container{.inputs = inputs.string(),
                            .output_prefix = outputs.string(),
                            .raw_output_prefix = (root / "raw").string(),
                            .task = task};
    container.checkpoint = checkpoint;
    container.prev_checkpoint = prev_checkpoint;
    const auto rest = container_args(container);
    args.insert(args.end(), rest.begin(), rest.end());
    const auto start = std::chrono::steady_clock::now();
    auto result = run_flyte(args, env);
    elapsed = std::chrono::steady_clock::now() - start;
    check_invariants(result);
    return result;
  }

  void check_invariants(const RunResult& result) const {
    INFO("stdout:\n" << result.out << "\nstderr:\n" << result.err);
    CHECK_THAT(result.err + result.out, !Catch::Contains("fault-secret-value"));
    // Exactly one document, no temp file next to it.
    const bool has_outputs = fs::exists(outputs / "outputs.pb");
    const bool has_error = fs::exists(outputs / "error.pb");
    CHECK(has_outputs != has_error);
    for (const auto& entry : fs::directory_iterator(outputs)) {
      const auto name = entry.path().filename().string();
      INFO(name);
      CHECK((name == "outputs.pb" || name == "error.pb"));
    }
    // Nothing outside the run's folder.
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      CHECK(entry.path().filename() == "run");
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      CHECK(it->path().filename().string().find("escaped") == std::string::npos);
    }
  }

  ContainerError error() const {
    flyteidl::core::ErrorDocument doc;
    REQUIRE(fs::exists(outputs / "error.pb"));
    REQUIRE(doc.ParseFromString(read_text(outputs / "error.pb")));
    return doc.error();
  }

  std::chrono::steady_clock::duration elapsed{};
};

void check_error(const StorageRun& run, const RunResult& result, const std::string& code,
                 ContainerError::Kind kind, ExecutionError::ErrorKind origin,
                 const std::string& message_part) {
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  const auto error = run.error();
  INFO("error.pb message:\n" << error.message());
  CHECK(error.code() == code);
  CHECK(error.kind() == kind);
  CHECK(error.origin() == origin);
  CHECK_THAT(error.message(), Catch::Contains(message_part));
  export_fault_row(Catch::getResultCapture().getCurrentTestName(), run.outputs, result.exit_code,
                   "error", code, ContainerError::Kind_Name(kind),
                   ExecutionError::ErrorKind_Name(origin));
}

constexpr auto NON_RECOVERABLE = ContainerError::NON_RECOVERABLE;
constexpr auto RECOVERABLE = ContainerError::RECOVERABLE;
constexpr auto SYSTEM = ExecutionError::SYSTEM;

/// A store whose folder "prev/" lists `keys`; objects hold their own path.
HttpTestServer listing_store(std::vector<std::string> keys) {
  return HttpTestServer([keys](const HttpRequest& request) -> HttpAnswer {
    if (request.has_query("list-type=2")) {
      // Only the keys under the listed prefix (S3's own rule).
      std::string prefix;
      const auto at = request.target.find("prefix=");
      if (at != std::string::npos) {
        const auto value = request.target.substr(at + 7, request.target.find('&', at) - at - 7);
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '%' && i + 2 < value.size()) {
            prefix += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
            i += 2;
          } else {
            prefix += value[i];
          }
        }
      }
      std::vector<std::string> under;
      for (const auto& key : keys) {
        if (key.rfind(prefix, 0) == 0) under.push_back(key);
      }
      return {200, list_objects_xml(under)};
    }
    if (request.method == "HEAD") return {404, ""};
    return {200, "1"};
  });
}

std::string offloaded_input(const std::string& uri, std::uint64_t size) {
  return R"(literals { key: "a" value { offloaded_metadata { uri: ")" + uri + R"(" size_bytes: )" +
         std::to_string(size) +
         R"( inferred_type { simple: INTEGER } } } }
           literals { key: "b" value { scalar { primitive { integer: 2 } } } })";
}

}  // namespace

TEST_CASE("faults/storage: a checkpoint listing with keys escaping the folder is refused") {
  for (const std::string bad :
       {"prev/../../../../escaped.txt", "prev//escaped-abs", "prev/a/./escaped"}) {
    INFO("listed key: " << bad);
    auto store = listing_store({"prev/ok", bad});
    StorageRun run(
        R"(literals { key: "iterations" value { scalar { primitive { integer: 3 } } } })",
        store.endpoint());
    run.prev_checkpoint = "s3://bucket/prev";
    auto result = run.run("checkpoint_counter");
    check_error(run, result, "SYSTEM", NON_RECOVERABLE, SYSTEM, bad.substr(5));
    CHECK_THAT(run.error().message(), Catch::Contains("cannot be stored inside the local folder"));
    // Refused before any object was fetched.
    for (const auto& request : store.requests())
      CHECK((request.method != "GET" || request.has_query("list-type=2")));
    CHECK(run.elapsed < std::chrono::seconds(30));
  }
}

TEST_CASE("faults/storage: --inputs that is not a regular file is refused before reading") {
  StorageRun fifo_run;
  const auto fifo = fifo_run.root / "in" / "fifo.pb";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const fs::path& path : {fs::path("/dev/zero"), fifo, fifo_run.root / "in"}) {
    INFO(path.string());
    StorageRun run;
    run.inputs = path == fifo ? fifo : path;
    auto result = run.run("add");
    check_error(run, result, "SYSTEM", NON_RECOVERABLE, SYSTEM, path.string());
    CHECK_THAT(run.error().message(), Catch::Contains("refusing to read"));
    CHECK(run.elapsed < std::chrono::seconds(30));
  }
}

TEST_CASE("faults/storage: an offloaded input on a stalled endpoint is SYSTEM RECOVERABLE") {
  HttpTestServer store([](const HttpRequest&) {
    HttpAnswer answer;
    answer.stall_after_headers = true;
    return answer;
  });
  StorageRun run(offloaded_input("s3://bucket/offloaded/a", 2), store.endpoint());
  auto result = run.run("add", {"--timeout", "60s"});
  check_error(run, result, "SYSTEM", RECOVERABLE, SYSTEM, "s3://bucket/offloaded/a");
  // Two attempts of a 1 s read timeout, not the task's --timeout.
  CHECK(run.elapsed < std::chrono::seconds(30));
  CHECK(store.requests().size() == 2);
}

TEST_CASE("faults/storage: an offloaded input declaring more than 2 GiB is refused unfetched") {
  auto store = listing_store({});
  StorageRun run(offloaded_input("s3://bucket/offloaded/a", 1ull << 40), store.endpoint());
  auto result = run.run("add");
  check_error(run, result, "SYSTEM", NON_RECOVERABLE, SYSTEM, "refusing to fetch it");
  CHECK(store.requests().empty());
}

TEST_CASE("faults/storage: an offloaded input larger than it declared is refused") {
  StorageRun run;  // its inputs are rewritten once the literal's path is known
  flyteidl::core::Literal big;
  big.mutable_scalar()->mutable_primitive()->set_integer(1234567890123);
  write_text(run.root / "off.pb", big.SerializeAsString());
  flyteidl::core::LiteralMap map;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(
      offloaded_input((run.root / "off.pb").string(), 2), &map));
  write_text(run.inputs, map.SerializeAsString());
  auto result = run.run("add");
  check_error(run, result, "SYSTEM", NON_RECOVERABLE, SYSTEM, "more than its declared size");
}

TEST_CASE("faults/storage: a config path that is a folder is an error, not silent defaults") {
  StorageRun run;
  fs::create_directories(run.root / "configmap");
  // (--config DIR is refused by the command line parser already: exit 2.)
  run.env["FLYTECTL_CONFIG"] = (run.root / "configmap").string();
  auto result = run.run("add");
  check_error(run, result, "SYSTEM", NON_RECOVERABLE, SYSTEM, "is a folder");
}

TEST_CASE("faults/storage: publishing to a stalled store ends at the publish deadline") {
  HttpTestServer store([](const HttpRequest&) {
    HttpAnswer answer;
    answer.stall_before_answer = true;
    return answer;
  });
  StorageRun run(kAddInputs, store.endpoint());
  run.env["FLYTE_STORAGE_CONNECTION_READ_TIMEOUT"] = "60";
  run.env["FLYTE_STORAGE_CONNECTION_MAX_RETRIES"] = "4";
  run.env["FLYTE_STORAGE_CONNECTION_PUBLISH_TIMEOUT"] = "2";
  ContainerArgs container{.inputs = run.inputs.string(),
                          .output_prefix = "s3://bucket/outputs",
                          .raw_output_prefix = (run.root / "raw").string(),
                          .task = "add"};
  const auto start = std::chrono::steady_clock::now();
  auto result = run_flyte(container_args(container), run.env);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO("stderr:\n" << result.err);
  // The prefix cannot be written at all: nothing there, the cause on stderr,
  // exit 1 (the failure table's last row), within two deadlines, not after
  // 5 x 60 s of stalled attempts.
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("within its deadline"));
  export_fault_row(Catch::getResultCapture().getCurrentTestName(), run.outputs, result.exit_code,
                   "none");
  CHECK(elapsed < std::chrono::seconds(20));
  CHECK_THAT(result.err + result.out, !Catch::Contains("fault-secret-value"));
}
