// The Rust SDK end to end: examples/rust (build/lib/libexample_rust_tasks.so,
// built by cargo) run through the real flyte-execute, in container mode
// (inputs.pb / outputs.pb / error.pb, read back with protobuf) and locally.
// Whatever a Rust task does must look to Flyte exactly like a C++ task.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;
using flyteidl::core::ContainerError;

namespace {

const std::string kLib = example_lib("example_rust_tasks");

struct ContainerRun {
  ScopedTempDir dir{"flyte-rust"};
  fs::path inputs = dir / "in" / "inputs.pb";
  fs::path outputs = dir / "out";
  fs::path raw = dir / "raw";

  explicit ContainerRun(const std::string& inputs_text = "") {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    write_text(inputs, map.SerializeAsString());
    fs::create_directories(outputs);
  }
  std::vector<std::string> args(const std::string& task, const std::string& lib = kLib) const {
    return container_args({.inputs = inputs.string(),
                           .output_prefix = outputs.string(),
                           .raw_output_prefix = raw.string(),
                           .task = task,
                           .library = lib});
  }
  flyteidl::core::LiteralMap read_outputs() const {
    flyteidl::core::LiteralMap map;
    REQUIRE(fs::exists(outputs / "outputs.pb"));
    REQUIRE(map.ParseFromString(read_text(outputs / "outputs.pb")));
    return map;
  }
  ContainerError read_error() const {
    flyteidl::core::ErrorDocument doc;
    REQUIRE(fs::exists(outputs / "error.pb"));
    REQUIRE(doc.ParseFromString(read_text(outputs / "error.pb")));
    return doc.error();
  }
  bool has_outputs() const { return fs::exists(outputs / "outputs.pb"); }
};

// An optional output is a union literal; its value is the chosen variant.
const flyteidl::core::Literal& variant(const flyteidl::core::Literal& literal) {
  return literal.has_scalar() && literal.scalar().has_union_() ? literal.scalar().union_().value()
                                                               : literal;
}

int64_t integer(const flyteidl::core::LiteralMap& m, const std::string& name) {
  return m.literals().at(name).scalar().primitive().integer();
}

}  // namespace

TEST_CASE("e2e: --list shows the typed interfaces, descriptions, secrets and decks") {
  auto result = run_flyte({"--list", kLib});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("add(a: integer, b: integer) -> (c: integer)\n"
                                         "    Adds two integers.\n"));
  CHECK_THAT(result.out, Catch::Contains("divide(a: integer, b: integer) -> (quotient: integer, "
                                         "remainder: integer)"));
  CHECK_THAT(result.out, Catch::Contains("parse_int(text: string) -> (o0: integer)"));
  CHECK_THAT(result.out, Catch::Contains("flaky(reason: string) -> ()"));
  CHECK_THAT(result.out,
             Catch::Contains("every_type(i: integer, f: float, s: string, b: boolean, "
                             "when: datetime, wait: duration, xs: list<integer>, m: map<float>, "
                             "maybe: optional<string>, "
                             "nested: list<map<list<optional<integer>>>>, d: dict)"));
  CHECK_THAT(result.out, Catch::Contains("file_lines(doc: file) -> (lines: integer, copy: "
                                         "directory)"));
  CHECK_THAT(result.out, Catch::Contains("secret: demo/token"));
  CHECK_THAT(result.out, Catch::Contains("decks: enabled"));
  // A doc comment's wrapped lines are one paragraph.
  CHECK_THAT(result.out, Catch::Contains("Every scalar and composite type the SDK maps, echoed "
                                         "back (strings upper-cased"));
}

TEST_CASE("e2e: a container run reads inputs.pb and writes outputs.pb") {
  ContainerRun run(R"(literals { key: "a" value { scalar { primitive { integer: 17 } } } }
                      literals { key: "b" value { scalar { primitive { integer: 5 } } } })");
  auto result = run_flyte(run.args("divide"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto out = run.read_outputs();
  CHECK(integer(out, "quotient") == 3);
  CHECK(integer(out, "remainder") == 2);
  CHECK_FALSE(fs::exists(run.outputs / "error.pb"));
}

TEST_CASE("e2e: errors and panics become error.pb with their codes and kinds") {
  struct Row {
    const char* task;
    const char* inputs;
    const char* code;
    const char* message;
    ContainerError::Kind kind;
  };
  for (
      const Row& row : {
          Row{"divide",
              R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } }
                  literals { key: "b" value { scalar { primitive { integer: 0 } } } })",
              "USER:ZeroDivisionError", "cannot divide 1 by zero", ContainerError::NON_RECOVERABLE},
          Row{"flaky",
              R"(literals { key: "reason" value { scalar { primitive { string_value: "busy" } } } })",
              "USER:Recoverable", "try again: busy", ContainerError::RECOVERABLE},
          Row{"explode",
              R"(literals { key: "message" value { scalar { primitive { string_value: "boom" } } } })",
              "USER:Panic", "explode: boom", ContainerError::NON_RECOVERABLE},
          Row{"parse_int",
              R"(literals { key: "text" value { scalar { primitive { string_value: "x1" } } } })",
              "USER:RuntimeError", "ParseIntError: invalid digit found in string",
              ContainerError::NON_RECOVERABLE},
      }) {
    ContainerRun run(row.inputs);
    auto result = run_flyte(run.args(row.task));
    INFO(row.task << "\n" << result.err);
    CHECK(result.exit_code == 0);  // the engine reads error.pb
    CHECK_FALSE(run.has_outputs());
    const auto error = run.read_error();
    CHECK(error.code() == row.code);
    CHECK(error.message() == row.message);
    CHECK(error.kind() == row.kind);
    CHECK(error.origin() == flyteidl::core::ExecutionError::USER);
  }
}

TEST_CASE("e2e: a panic is caught at the boundary, not a crash of the task process") {
  auto result = run_flyte({"--task", kLib + ":explode", "--input", "message=boom"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("USER:Panic: explode: boom"));
  // Had it unwound into the host or aborted, the supervisor would report a signal.
  CHECK(result.err.find("SIGABRT") == std::string::npos);
  CHECK(result.err.find("SIGSEGV") == std::string::npos);
}

TEST_CASE("e2e: a retried attempt resumes from the previous attempt's checkpoint") {
  ContainerRun first(
      R"(literals { key: "iterations" value { scalar { primitive { integer: 5 } } } })");
  auto args = first.args("checkpoint_counter");
  const auto cp1 = (first.dir / "cp" / "attempt1").string();
  args[7] = cp1;  // --checkpoint-path
  REQUIRE(run_flyte(args).exit_code == 0);
  CHECK(integer(first.read_outputs(), "ran") == 5);

  ContainerRun second(
      R"(literals { key: "iterations" value { scalar { primitive { integer: 8 } } } })");
  auto retry = second.args("checkpoint_counter");
  retry[7] = (second.dir / "cp" / "attempt2").string();
  retry[9] = cp1;  // --prev-checkpoint
  auto result = run_flyte(retry);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(integer(second.read_outputs(), "ran") == 3);
}

TEST_CASE("e2e: a checkpoint directory saved by one attempt is restored by the next") {
  ContainerRun first(
      R"(literals { key: "note" value { scalar { primitive { string_value: "first" } } } })");
  auto args = first.args("checkpoint_dir");
  const auto cp1 = (first.dir / "cp" / "attempt1").string();
  args[7] = cp1;
  auto one = run_flyte(args);
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  CHECK(variant(first.read_outputs().literals().at("previous")).scalar().has_none_type());

  ContainerRun second(
      R"(literals { key: "note" value { scalar { primitive { string_value: "second" } } } })");
  auto retry = second.args("checkpoint_dir");
  retry[7] = (second.dir / "cp" / "attempt2").string();
  retry[9] = cp1;
  auto two = run_flyte(retry);
  INFO(two.err);
  REQUIRE(two.exit_code == 0);
  const auto out = second.read_outputs();
  const auto& value = variant(out.literals().at("previous"));
  CHECK(value.scalar().primitive().string_value() == "first");
}

TEST_CASE("e2e: a secret is read by the task and its value appears nowhere") {
  const std::string secret = "rust-s3cr3t-4471";
  ContainerRun run;
  auto result = run_flyte(run.args("secret_length"), {{"_FSEC_DEMO_TOKEN", secret}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(integer(run.read_outputs(), "length") == static_cast<int64_t>(secret.size()));
  CHECK(result.out.find(secret) == std::string::npos);
  CHECK(result.err.find(secret) == std::string::npos);

  ContainerRun missing;
  run_flyte(missing.args("secret_length"));
  CHECK_THAT(missing.read_error().message(), Catch::Contains("_FSEC_DEMO_TOKEN"));
}

TEST_CASE("e2e: every mapped type round trips through a local run") {
  auto result = run_flyte({"--task",  kLib + ":every_type",
                           "--input", "i=21",
                           "--input", "f=1.25",
                           "--input", "s=abc",
                           "--input", "b=true",
                           "--input", "when=2024-05-01T12:00:00.250Z",
                           "--input", "wait=1.5s",
                           "--input", "xs=[1,2,3]",
                           "--input", R"(m={"a":0.5,"b":-2})",
                           "--input", "maybe=hey",
                           "--input", R"(nested=[{"k":[1,null,3]},{}])",
                           "--input", R"(d={"model":"resnet","layers":[1,2],"lr":0.5})"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(nlohmann::json::parse(result.out) == nlohmann::json::parse(R"({
    "i": 42, "f": 2.5, "s": "ABC", "b": false,
    "when": "2024-05-01T13:00:00.250Z", "wait": "3s",
    "xs": [2, 4, 6], "m": {"a": 1.0, "b": -4.0}, "maybe": "hey!",
    "nested": [{"k": [1, null, 3]}, {}],
    "d": {"model": "resnet", "layers": [1, 2], "lr": 0.5, "seen_by": "rust"}
  })"));

  // An absent optional is null both ways.
  auto none = run_flyte({"--task",  kLib + ":every_type",
                         "--input", "i=0",
                         "--input", "f=0",
                         "--input", "s=",
                         "--input", "b=false",
                         "--input", "when=1969-12-31T23:59:59Z",
                         "--input", "wait=0s",
                         "--input", "xs=[]",
                         "--input", "m={}",
                         "--input", "maybe=null",
                         "--input", "nested=[]",
                         "--input", "d={}"});
  INFO(none.err);
  REQUIRE(none.exit_code == 0);
  const auto out = nlohmann::json::parse(none.out);
  CHECK(out.at("maybe").is_null());
  CHECK(out.at("when") == "1970-01-01T00:59:59Z");
}

TEST_CASE("e2e: every mapped type round trips through inputs.pb and outputs.pb") {
  ContainerRun run(R"(
    literals { key: "i" value { scalar { primitive { integer: -7 } } } }
    literals { key: "f" value { scalar { primitive { float_value: 0.25 } } } }
    literals { key: "s" value { scalar { primitive { string_value: "grüße" } } } }
    literals { key: "b" value { scalar { primitive { boolean: false } } } }
    literals { key: "when" value { scalar { primitive { datetime { seconds: 1714564800 nanos: 5 } } } } }
    literals { key: "wait" value { scalar { primitive { duration { seconds: 2 nanos: 500000000 } } } } }
    literals { key: "xs" value { collection { literals { scalar { primitive { integer: 4 } } } } } }
    literals { key: "m" value { map { literals { key: "x" value { scalar { primitive { float_value: 1.5 } } } } } } }
    literals { key: "maybe" value { scalar { none_type {} } } }
    literals { key: "nested" value { collection { } } }
    literals { key: "d" value { scalar { generic { fields { key: "k" value { string_value: "v" } } } } } }
  )");
  auto result = run_flyte(run.args("every_type"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto out = run.read_outputs();
  const auto& l = out.literals();
  CHECK(l.at("i").scalar().primitive().integer() == -14);
  CHECK(l.at("f").scalar().primitive().float_value() == 0.5);
  CHECK(l.at("s").scalar().primitive().string_value() == "GRÜSSE");
  CHECK(l.at("b").scalar().primitive().boolean());
  CHECK(l.at("when").scalar().primitive().datetime().seconds() == 1714564800 + 3600);
  CHECK(l.at("when").scalar().primitive().datetime().nanos() == 5);
  CHECK(l.at("wait").scalar().primitive().duration().seconds() == 5);
  CHECK(l.at("xs").collection().literals(0).scalar().primitive().integer() == 8);
  CHECK(l.at("m").map().literals().at("x").scalar().primitive().float_value() == 3.0);
  CHECK(l.at("nested").collection().literals_size() == 0);
  CHECK(l.contains("d"));
  CHECK(l.contains("maybe"));
}

TEST_CASE("e2e: file and directory inputs are local paths, outputs are uploaded") {
  ContainerRun run;
  write_text(run.dir / "data" / "doc.txt", "one\ntwo\nthree\n");
  flyteidl::core::LiteralMap inputs;
  auto* blob = (*inputs.mutable_literals())["doc"].mutable_scalar()->mutable_blob();
  blob->set_uri((run.dir / "data" / "doc.txt").string());
  blob->mutable_metadata()->mutable_type()->set_dimensionality(flyteidl::core::BlobType::SINGLE);
  write_text(run.inputs, inputs.SerializeAsString());
  auto result = run_flyte(run.args("file_lines"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto out = run.read_outputs();
  CHECK(integer(out, "lines") == 3);
  const auto dir_uri = out.literals().at("copy").scalar().blob().uri();
  CHECK(dir_uri.rfind(run.raw.string(), 0) == 0);
  CHECK(read_text(fs::path(dir_uri) / "doc.txt") == "one\ntwo\nthree\n");

  ContainerRun sizes;
  write_text(sizes.dir / "folder" / "a.bin", "12345");
  write_text(sizes.dir / "folder" / "b.bin", "678");
  flyteidl::core::LiteralMap dir_inputs;
  auto* dir = (*dir_inputs.mutable_literals())["dir"].mutable_scalar()->mutable_blob();
  dir->set_uri((sizes.dir / "folder").string());
  dir->mutable_metadata()->mutable_type()->set_dimensionality(flyteidl::core::BlobType::MULTIPART);
  write_text(sizes.inputs, dir_inputs.SerializeAsString());
  auto sized = run_flyte(sizes.args("dir_size"));
  INFO(sized.err);
  REQUIRE(sized.exit_code == 0);
  const auto sized_out = sizes.read_outputs();
  CHECK(integer(sized_out, "bytes") == 8);
  CHECK(read_text(sized_out.literals().at("report").scalar().blob().uri()) == "8 bytes\n");
}

TEST_CASE("e2e: ids, execution date and attempt come from the environment") {
  ContainerRun run;
  auto result = run_flyte(run.args("whoami"), {{"_F_PRJ", "p"},
                                               {"_F_DM", "d"},
                                               {"_F_NM", "ex1"},
                                               {"_F_TK_PRJ", "tp"},
                                               {"_F_TK_DM", "td"},
                                               {"_F_TK_NM", "tn"},
                                               {"_F_TK_V", "tv"},
                                               {"FLYTE_ATTEMPT_NUMBER", "2"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto out = run.read_outputs();
  CHECK(out.literals().at("execution_id").scalar().primitive().string_value() == "ex:p:d:ex1");
  CHECK(out.literals().at("task_id").scalar().primitive().string_value() == "TASK:tp:td:tn:tv");
  CHECK(integer(out, "attempt") == 2);
  CHECK(out.literals().at("date").scalar().primitive().datetime().seconds() > 1700000000);
  CHECK(out.literals().at("raw").scalar().primitive().string_value() == run.raw.string());
}

TEST_CASE("e2e: decks, stats, logging and output metadata reach Flyte") {
  ContainerRun run(
      R"(literals { key: "title" value { scalar { primitive { string_value: "<b>Rust</b>" } } } }
         literals { key: "n" value { scalar { primitive { integer: 4 } } } })");
  auto result = run_flyte(run.args("report"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto out = run.read_outputs();
  CHECK(integer(out, "n") == 4);
  CHECK(out.literals().at("n").metadata().at("source") == "report");
  CHECK(out.literals().at("n").metadata().at("deck") == "on");  // ABI 1.1 enable_deck
  const auto html = read_text(run.outputs / "deck.html");
  CHECK_THAT(html, Catch::Contains("<h1><b>Rust</b></h1>") && Catch::Contains("made by report"));
  // ABI 1.1 output_metadata_prefix: where the run writes its documents.
  CHECK_THAT(result.err + result.out,
             Catch::Contains("report done, results go to " + run.outputs.string()));
}

TEST_CASE("e2e: a value the Rust type cannot hold is a USER:ValueError naming the input") {
  auto result = run_flyte({"--task",  kLib + ":every_type",
                           "--input", "i=0",
                           "--input", "f=0",
                           "--input", "s=",
                           "--input", "b=false",
                           "--input", "when=2024-01-01T00:00:00Z",
                           "--input", "wait=-1.5s",
                           "--input", "xs=[]",
                           "--input", "m={}",
                           "--input", "nested=[]",
                           "--input", "d={}"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("USER:ValueError: input 'wait': -1.500s is negative, "
                                         "which std::time::Duration cannot hold"));
}

// The same task in Rust and in C++ (examples/rust has twins of examples/cpp
// tasks): one inputs.pb through each, and Flyte must not be able to tell
// which language ran.
TEST_CASE("e2e: a Rust task and its C++ twin write identical outputs.pb and error codes") {
  const std::string cpp = example_lib("example_tasks");
  struct Row {
    const char* task;
    std::string inputs;
  };
  const std::vector<Row> rows = {
      {"add", R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
                 literals { key: "b" value { scalar { primitive { integer: 2 } } } })"},
      {"greet",
       R"(literals { key: "name" value { scalar { primitive { string_value: "Flyte" } } } })"},
      {"mean", R"(literals { key: "xs" value { collection {
                    literals { scalar { primitive { float_value: 1 } } }
                    literals { scalar { primitive { float_value: 2.5 } } } } } })"},
      {"mean", R"(literals { key: "xs" value { collection { } } })"},
      {"word_count",
       R"(literals { key: "text" value { scalar { primitive { string_value: "a b a" } } } })"},
      {"echo_dict", R"(literals { key: "d" value { scalar { generic {
                    fields { key: "k" value { string_value: "v" } }
                    fields { key: "n" value { list_value { values { number_value: 1.5 } } } } } } } })"},
      {"concat", R"(literals { key: "parts" value { collection {
                      literals { scalar { primitive { string_value: "a" } } }
                      literals { scalar { primitive { string_value: "b" } } } } } }
                    literals { key: "separator" value { scalar { primitive { string_value: "-" } } } })"},
      {"maybe_double", R"(literals { key: "x" value { scalar { primitive { integer: 21 } } } })"},
      {"maybe_double", R"(literals { key: "x" value { scalar { none_type { } } } })"},
      {"shift",
       R"(literals { key: "when" value { scalar { primitive { datetime { seconds: 1714564800 } } } } }
                   literals { key: "by" value { scalar { primitive { duration { seconds: 90 nanos: 5 } } } } })"},
      {"is_positive",
       R"(literals { key: "x" value { scalar { primitive { float_value: -0.5 } } } })"},
      {"divide", R"(literals { key: "a" value { scalar { primitive { integer: 17 } } } }
                    literals { key: "b" value { scalar { primitive { integer: 5 } } } })"},
      {"checkpoint_counter",
       R"(literals { key: "iterations" value { scalar { primitive { integer: 3 } } } })"},
  };
  for (const auto& row : rows) {
    ContainerRun in_rust(row.inputs);
    ContainerRun in_cpp(row.inputs);
    auto rust_args = in_rust.args(row.task);
    auto cpp_args = in_cpp.args(row.task, cpp);
    if (std::string(row.task) == "checkpoint_counter") {
      rust_args[7] = (in_rust.dir / "cp").string();
      cpp_args[7] = (in_cpp.dir / "cp").string();
    }
    auto rust = run_flyte(rust_args);
    auto cxx = run_flyte(cpp_args);
    INFO(row.task << " " << row.inputs << "\nrust: " << rust.err << "\nc++: " << cxx.err);
    CHECK(rust.exit_code == cxx.exit_code);
    REQUIRE(in_rust.has_outputs() == in_cpp.has_outputs());
    if (in_cpp.has_outputs()) {
      const auto a = in_rust.read_outputs();
      const auto b = in_cpp.read_outputs();
      std::string diff;
      google::protobuf::util::MessageDifferencer differ;
      differ.ReportDifferencesToString(&diff);
      CHECK(differ.Compare(a, b));
      INFO(diff);
      CHECK(diff.empty());
    } else {
      // Messages name the language's exception type in C++; code and kind must agree.
      CHECK(in_rust.read_error().code() == in_cpp.read_error().code());
      CHECK(in_rust.read_error().kind() == in_cpp.read_error().kind());
    }
  }
}

TEST_CASE("e2e: --list prints a Rust twin's interface exactly like the C++ task's") {
  auto rust = run_flyte({"--list", kLib});
  auto cxx = run_flyte({"--list", example_lib("example_tasks")});
  REQUIRE(rust.exit_code == 0);
  REQUIRE(cxx.exit_code == 0);
  auto signature = [](const std::string& listing, const std::string& task) {
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(task + "(", 0) == 0) return line;
    }
    return std::string("(no task ") + task + ")";
  };
  for (const char* task :
       {"add", "greet", "mean", "word_count", "echo_dict", "concat", "maybe_double", "shift",
        "is_positive", "count_lines", "divide", "secret_length", "checkpoint_counter"}) {
    INFO(task);
    CHECK(signature(rust.out, task) == signature(cxx.out, task));
  }
}

// Registration treats a Rust library as it treats a C++ one: the typed
// interface flytekit is compared with (--list --format json) is the twin's,
// and validate and package accept every task.
TEST_CASE("e2e: a Rust library lists as JSON, validates and packages like a C++ one") {
  auto interfaces = [](const std::string& library) {
    auto result = run_flyte({"--list", library, "--format", "json"});
    REQUIRE(result.exit_code == 0);
    std::map<std::string, nlohmann::json> by_task;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
      auto task = nlohmann::json::parse(line);
      // Descriptions are each library's own prose; the types must agree.
      for (const char* side : {"inputs", "outputs"}) {
        auto& variables = task["interface"][side]["variables"];
        if (!variables.is_object()) continue;
        for (auto& [name, variable] : variables.items()) variable.erase("description");
      }
      by_task[task["name"].get<std::string>()] = task["interface"];
    }
    return by_task;
  };
  const auto rust = interfaces(kLib);
  const auto cxx = interfaces(example_lib("example_tasks"));
  for (const char* task :
       {"add", "greet", "mean", "word_count", "echo_dict", "concat", "maybe_double", "shift",
        "is_positive", "count_lines", "divide", "secret_length", "checkpoint_counter"}) {
    INFO(task);
    REQUIRE(rust.count(task) == 1);
    REQUIRE(cxx.count(task) == 1);
    CHECK(rust.at(task) == cxx.at(task));
  }

  auto validated = run_flyte({"validate", kLib});
  INFO(validated.err);
  CHECK(validated.exit_code == 0);
  ScopedTempDir dir{"flyte-rust-package"};
  const auto tgz = dir / "pkg.tgz";
  auto packaged = run_flyte({"package", kLib, "--image", "ex:1", "-o", tgz.string()});
  INFO(packaged.err);
  REQUIRE(packaged.exit_code == 0);
  CHECK(std::filesystem::file_size(tgz) > 0);
  for (const auto& [task, interface] : rust) {
    CHECK_THAT(packaged.out, Catch::Contains("_example_rust_tasks." + task + "_1.pb"));
  }
}
