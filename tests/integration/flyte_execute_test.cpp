// End-to-end: the real flyte-execute binary, the example task libraries, and
// files laid out as Flyte's engine lays them out. Inputs are written with
// protobuf's own text-format parser (an encoder independent of ours) and
// outputs / errors are read back with protobuf directly.
#include <google/protobuf/text_format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

// One container-style run: an inputs.pb, an output prefix, the task args.
struct ContainerRun {
  ScopedTempDir dir{"flyte-e2e"};
  fs::path inputs = dir / "in" / "inputs.pb";
  fs::path outputs = dir / "out";
  fs::path raw = dir / "raw";

  explicit ContainerRun(const std::string& inputs_text = "") {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    write_text(inputs, map.SerializeAsString());
    fs::create_directories(outputs);
  }

  std::vector<std::string> args(const std::string& task,
                                const std::string& lib = "example_tasks") const {
    return container_args({.inputs = inputs.string(),
                           .output_prefix = outputs.string(),
                           .raw_output_prefix = raw.string(),
                           .task = task,
                           .library = example_lib(lib)});
  }

  flyteidl::core::LiteralMap read_outputs() const {
    flyteidl::core::LiteralMap map;
    REQUIRE(fs::exists(outputs / "outputs.pb"));
    REQUIRE(map.ParseFromString(read_text(outputs / "outputs.pb")));
    return map;
  }
  flyteidl::core::ContainerError read_error(const std::string& name = "error.pb") const {
    flyteidl::core::ErrorDocument doc;
    REQUIRE(fs::exists(outputs / name));
    REQUIRE(doc.ParseFromString(read_text(outputs / name)));
    return doc.error();
  }
  bool has_outputs() const { return fs::exists(outputs / "outputs.pb"); }
};

}  // namespace

TEST_CASE("e2e: container run of add reads inputs.pb and writes outputs.pb") {
  ContainerRun run(R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
                      literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  auto result = run_flyte(run.args("add"));
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("c").scalar().primitive().integer() == 42);
  CHECK_FALSE(fs::exists(run.outputs / "error.pb"));
}

TEST_CASE("e2e: strings, float lists, maps, tuples and optionals round trip") {
  {
    ContainerRun run(
        R"(literals { key: "name" value { scalar { primitive { string_value: "Flyte" } } } })");
    REQUIRE(run_flyte(run.args("greet")).exit_code == 0);
    CHECK(run.read_outputs().literals().at("greeting").scalar().primitive().string_value() ==
          "Hello, Flyte!");
  }
  {
    ContainerRun run(R"(literals { key: "xs" value { collection {
        literals { scalar { primitive { float_value: 1 } } }
        literals { scalar { primitive { float_value: 2 } } }
        literals { scalar { primitive { float_value: 6 } } } } } })");
    REQUIRE(run_flyte(run.args("mean")).exit_code == 0);
    CHECK(run.read_outputs().literals().at("mean").scalar().primitive().float_value() == 3.0);
  }
  {
    ContainerRun run(
        R"(literals { key: "text" value { scalar { primitive { string_value: "a b a" } } } })");
    REQUIRE(run_flyte(run.args("word_count")).exit_code == 0);
    const auto outputs = run.read_outputs();
    const auto& counts = outputs.literals().at("counts").map().literals();
    CHECK(counts.at("a").scalar().primitive().integer() == 2);
    CHECK(counts.at("b").scalar().primitive().integer() == 1);
  }
  {
    ContainerRun run(R"(literals { key: "a" value { scalar { primitive { integer: 17 } } } }
                        literals { key: "b" value { scalar { primitive { integer: 5 } } } })");
    REQUIRE(run_flyte(run.args("divide")).exit_code == 0);
    auto out = run.read_outputs();
    CHECK(out.literals().at("quotient").scalar().primitive().integer() == 3);
    CHECK(out.literals().at("remainder").scalar().primitive().integer() == 2);
  }
}

TEST_CASE("e2e: a msgpack dict from flytekit round trips through a C++ task") {
  const nlohmann::json dict = {{"model", "resnet"}, {"layers", {1, 2, 3}}, {"lr", 0.5}};
  const auto packed = nlohmann::json::to_msgpack(dict);
  flyteidl::core::LiteralMap inputs;
  auto* binary = (*inputs.mutable_literals())["d"].mutable_scalar()->mutable_binary();
  binary->set_value(std::string(packed.begin(), packed.end()));
  binary->set_tag("msgpack");
  ContainerRun run;
  write_text(run.inputs, inputs.SerializeAsString());
  auto result = run_flyte(run.args("echo_dict"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto outputs = run.read_outputs();
  const auto& out = outputs.literals().at("d").scalar().binary();
  CHECK(out.tag() == "msgpack");
  CHECK(nlohmann::json::from_msgpack(out.value()) == dict);
}

TEST_CASE("e2e: a file input is downloaded and a file output is uploaded under the raw prefix") {
  ContainerRun run;
  write_text(run.dir / "data" / "lines.txt", "one\ntwo\nthree\n");
  flyteidl::core::LiteralMap inputs;
  auto* blob = (*inputs.mutable_literals())["f"].mutable_scalar()->mutable_blob();
  blob->set_uri((run.dir / "data" / "lines.txt").string());
  blob->mutable_metadata()->mutable_type()->set_dimensionality(flyteidl::core::BlobType::SINGLE);
  write_text(run.inputs, inputs.SerializeAsString());
  REQUIRE(run_flyte(run.args("count_lines")).exit_code == 0);
  CHECK(run.read_outputs().literals().at("lines").scalar().primitive().integer() == 3);

  ContainerRun writer(
      R"(literals { key: "text" value { scalar { primitive { string_value: "payload" } } } })");
  REQUIRE(run_flyte(writer.args("write_file")).exit_code == 0);
  const auto uri = writer.read_outputs().literals().at("f").scalar().blob().uri();
  CHECK(uri.rfind(writer.raw.string(), 0) == 0);
  CHECK(read_text(uri) == "payload");
}

TEST_CASE("e2e: user errors become error.pb with flytekit's codes and kinds") {
  struct Row {
    const char* task;
    const char* code;
    flyteidl::core::ContainerError::Kind kind;
  };
  for (const Row& row :
       {Row{"fail_runtime", "USER:RuntimeError", flyteidl::core::ContainerError::NON_RECOVERABLE},
        Row{"fail_recoverable", "USER:Recoverable", flyteidl::core::ContainerError::RECOVERABLE},
        Row{"fail_value", "USER:ValueError", flyteidl::core::ContainerError::NON_RECOVERABLE}}) {
    ContainerRun run;
    auto result = run_flyte(run.args(row.task));
    INFO(row.task << "\n" << result.err);
    CHECK(result.exit_code == 0);  // the engine reads error.pb
    CHECK_FALSE(run.has_outputs());
    auto error = run.read_error();
    CHECK(error.code() == row.code);
    CHECK(error.kind() == row.kind);
    CHECK(error.origin() == flyteidl::core::ExecutionError::USER);
    CHECK(error.timestamp().seconds() > 0);
  }
}

TEST_CASE("e2e: FLYTE_FAIL_ON_ERROR makes a failed container run exit 1") {
  ContainerRun run;
  auto result = run_flyte(run.args("fail_runtime"), {{"FLYTE_FAIL_ON_ERROR", "True"}});
  CHECK(result.exit_code == 1);
  CHECK(run.read_error().code() == "USER:RuntimeError");
}

TEST_CASE("e2e: load failures are USER errors in error.pb") {
  {
    ContainerRun run;
    auto args = run.args("add");
    args.back() = "no_such_task";
    auto result = run_flyte(args);
    auto error = run.read_error();
    CHECK(error.origin() == flyteidl::core::ExecutionError::USER);
    CHECK_THAT(error.message(), Catch::Contains("no_such_task") && Catch::Contains("add"));
  }
  {
    ContainerRun run;
    auto args = run.args("add");
    args[args.size() - 3] = (run.dir / "missing.so").string();
    run_flyte(args);
    CHECK_THAT(run.read_error().message(), Catch::Contains("missing.so"));
  }
  {
    ContainerRun run;
    run_flyte(run.args("add", "example_bad_abi"));
    auto error = run.read_error();
    CHECK_THAT(error.message(), Catch::Contains("2.0") && Catch::Contains("1.1"));
  }
}

// An unreadable inputs.pb is RECOVERABLE, as flytekit's entrypoint reports it;
// a readable one that does not fit the interface is NON_RECOVERABLE.
TEST_CASE("e2e: garbage inputs are RECOVERABLE, mistyped inputs NON_RECOVERABLE SYSTEM errors") {
  ContainerRun garbage;
  write_text(garbage.inputs, "\xff\xff\xff not a protobuf");
  run_flyte(garbage.args("add"));
  auto error = garbage.read_error();
  CHECK(error.origin() == flyteidl::core::ExecutionError::SYSTEM);
  CHECK(error.kind() == flyteidl::core::ContainerError::RECOVERABLE);
  CHECK_THAT(error.message(), Catch::Contains("not a valid flyteidl.core.LiteralMap"));

  ContainerRun wrong(R"(literals { key: "a" value { scalar { primitive { string_value: "x" } } } }
                        literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  run_flyte(wrong.args("add"));
  CHECK_THAT(wrong.read_error().message(), Catch::Contains("'a'") && Catch::Contains("integer"));
  CHECK(wrong.read_error().kind() == flyteidl::core::ContainerError::NON_RECOVERABLE);

  ContainerRun missing(R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } })");
  run_flyte(missing.args("add"));
  CHECK_THAT(missing.read_error().message(), Catch::Contains("'b'"));
}

TEST_CASE("e2e: --test sets up and runs nothing") {
  ContainerRun run(R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } }
                      literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  auto args = run.args("add");
  args.insert(args.begin(), "--test");
  CHECK(run_flyte(args).exit_code == 0);
  CHECK(fs::is_empty(run.outputs));
}

TEST_CASE("e2e: the run's sandbox folder is removed when the run ends unless asked to keep it") {
  ScopedTempDir sandbox("flyte-sandbox");
  auto entries = [&] {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(sandbox.path())) found.push_back(entry.path());
    return found;
  };
  ContainerRun run(R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
                      literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  REQUIRE(run_flyte(run.args("add"), {{"FLYTE_LOCAL_SANDBOX_DIR", sandbox.path().string()}})
              .exit_code == 0);
  CHECK(entries().empty());

  // A failed local run keeps only the error document it points at.
  auto failed = run_flyte({"--task", example_lib("example_tasks") + ":fail_runtime"},
                          {{"FLYTE_LOCAL_SANDBOX_DIR", sandbox.path().string()}});
  CHECK(failed.exit_code == 1);
  REQUIRE(entries().size() == 1);
  CHECK(fs::exists(entries()[0] / "outputs" / "error.pb"));
  CHECK_FALSE(fs::exists(entries()[0] / "work"));
  fs::remove_all(entries()[0]);

  auto args = run.args("add");
  args.insert(args.begin(), "--keep-sandbox");
  REQUIRE(run_flyte(args, {{"FLYTE_LOCAL_SANDBOX_DIR", sandbox.path().string()}}).exit_code == 0);
  REQUIRE(entries().size() == 1);
  CHECK(fs::is_directory(entries()[0] / "work"));
  fs::remove_all(entries()[0]);
  REQUIRE(run_flyte(run.args("add"), {{"FLYTE_LOCAL_SANDBOX_DIR", sandbox.path().string()},
                                      {"FLYTE_LOCAL_KEEP_SANDBOX", "true"}})
              .exit_code == 0);
  CHECK(entries().size() == 1);
}

TEST_CASE("e2e: env ids use short names and the first present name") {
  ContainerRun run;
  auto result = run_flyte(run.args("whoami"), {{"_F_PRJ", "p"},
                                               {"_F_DM", "d"},
                                               {"FLYTE_INTERNAL_EXECUTION_ID", "ex1"},
                                               {"_F_NM", "ignored"},
                                               {"_F_TK_PRJ", "tp"},
                                               {"_F_TK_DM", "td"},
                                               {"_F_TK_NM", "tn"},
                                               {"_F_TK_V", "tv"},
                                               {"FLYTE_ATTEMPT_NUMBER", "2"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("who").scalar().primitive().string_value() ==
        "ex:p:d:ex1 TASK:tp:td:tn:tv attempt 2");
}

TEST_CASE("e2e: --map-task picks the array element for mapped inputs") {
  ContainerRun run(R"(literals { key: "a" value { collection {
                        literals { scalar { primitive { integer: 10 } } }
                        literals { scalar { primitive { integer: 20 } } }
                        literals { scalar { primitive { integer: 30 } } } } } }
                      literals { key: "b" value { scalar { primitive { integer: 1 } } } })");
  auto args = run.args("add");
  args.insert(args.begin(), "--map-task");
  auto result = run_flyte(args, {{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX"},
                                 {"FLYTE_K8S_ARRAY_INDEX", "1"},
                                 {"BATCH_JOB_ARRAY_INDEX_OFFSET", "1"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("c").scalar().primitive().integer() == 31);
}

TEST_CASE("e2e: --map-task without BATCH_JOB_ARRAY_INDEX_VAR_NAME uses the offset as the index") {
  ContainerRun run(R"(literals { key: "a" value { collection {
                        literals { scalar { primitive { integer: 10 } } }
                        literals { scalar { primitive { integer: 20 } } }
                        literals { scalar { primitive { integer: 30 } } } } } }
                      literals { key: "b" value { scalar { primitive { integer: 1 } } } })");
  auto args = run.args("add");
  args.insert(args.begin(), "--map-task");
  auto result = run_flyte(args, {{"BATCH_JOB_ARRAY_INDEX_OFFSET", "2"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("c").scalar().primitive().integer() == 31);
}

TEST_CASE("e2e: --map-task fetches an offloaded mapped input before picking the element") {
  ContainerRun run;
  flyteidl::core::Literal list;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(
      R"(collection { literals { scalar { primitive { integer: 10 } } }
                      literals { scalar { primitive { integer: 20 } } } })",
      &list));
  const fs::path stored = run.dir / "in" / "a_offloaded_metadata.pb";
  write_text(stored, list.SerializeAsString());
  flyteidl::core::LiteralMap inputs;
  auto* pointer = (*inputs.mutable_literals())["a"].mutable_offloaded_metadata();
  pointer->set_uri(stored.string());
  pointer->set_size_bytes(list.ByteSizeLong());
  pointer->mutable_inferred_type()->mutable_collection_type()->set_simple(flyteidl::core::INTEGER);
  (*inputs.mutable_literals())["b"].mutable_scalar()->mutable_primitive()->set_integer(1);
  write_text(run.inputs, inputs.SerializeAsString());
  auto args = run.args("add");
  args.insert(args.begin(), "--map-task");
  auto result = run_flyte(args, {{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX"},
                                 {"FLYTE_K8S_ARRAY_INDEX", "1"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("c").scalar().primitive().integer() == 21);
}

TEST_CASE("e2e: outputs above _F_L_MIN_SIZE_MB are offloaded, above the max they fail") {
  const std::string big(1024 * 1024 + 10, 'x');
  flyteidl::core::LiteralMap inputs;
  (*inputs.mutable_literals())["name"].mutable_scalar()->mutable_primitive()->set_string_value(big);
  ContainerRun run;
  write_text(run.inputs, inputs.SerializeAsString());
  REQUIRE(run_flyte(run.args("greet"), {{"_F_L_MIN_SIZE_MB", "1"}}).exit_code == 0);
  const auto outputs = run.read_outputs();
  const auto& pointer = outputs.literals().at("greeting");
  REQUIRE(pointer.has_offloaded_metadata());
  const auto uri = pointer.offloaded_metadata().uri();
  CHECK(uri == (run.outputs / "greeting_offloaded_metadata.pb").string());
  flyteidl::core::Literal stored;
  REQUIRE(stored.ParseFromString(read_text(uri)));
  CHECK(stored.scalar().primitive().string_value() == "Hello, " + big + "!");
  // The hash flytekit 1.16.31 computes for this literal (utils.pbhash.compute_hash_string).
  CHECK(pointer.hash() == "CeWai0MjuE5hwmzoloPEtywVMgEb6+08GpNnADbmXEw=");

  ContainerRun limited;
  write_text(limited.inputs, inputs.SerializeAsString());
  run_flyte(limited.args("greet"), {{"_F_L_MIN_SIZE_MB", "0"}, {"_F_L_MAX_SIZE_MB", "1"}});
  CHECK_THAT(limited.read_error().message(), Catch::Contains("too large"));
  // flytekit raises outside the task's scope: SYSTEM, RECOVERABLE, code "SYSTEM".
  CHECK(limited.read_error().kind() == flyteidl::core::ContainerError::RECOVERABLE);
  CHECK(limited.read_error().origin() == flyteidl::core::ExecutionError::SYSTEM);
  CHECK(limited.read_error().code() == "SYSTEM");
  CHECK_FALSE(limited.has_outputs());
}

TEST_CASE("e2e: the distributed error strategy names the error file error-<hex>.pb") {
  ContainerRun run;
  run_flyte(run.args("fail_runtime"), {{"_F_DES", "1"}, {"_F_WN", "worker-7"}});
  std::string name;
  for (const auto& entry : fs::directory_iterator(run.outputs))
    name = entry.path().filename().string();
  CHECK(name.rfind("error-", 0) == 0);
  CHECK(name.size() == std::string("error-.pb").size() + 32);
  CHECK(run.read_error(name).worker() == "worker-7");

  // An empty FLYTE_INTERNAL_DIST_ERROR_STRATEGY is present, wins over _F_DES and means none.
  ContainerRun plain;
  run_flyte(plain.args("fail_runtime"),
            {{"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", ""}, {"_F_DES", "1"}, {"_F_WN", "worker-7"}});
  CHECK(plain.read_error("error.pb").worker().empty());
}

TEST_CASE("e2e: crashes are reported by the supervisor in error.pb") {
  ContainerRun segv;
  run_flyte(segv.args("crash_segfault"));
  CHECK(segv.read_error().code() == "USER:SIGSEGV");
  ContainerRun exited;
  run_flyte(exited.args("exit_zero_no_outputs"));
  CHECK_THAT(exited.read_error().message(), Catch::Contains("without writing its outputs"));
  CHECK_FALSE(exited.has_outputs());
}

TEST_CASE("e2e: a secret is read by the task and its value appears nowhere") {
  const std::string secret = "s3cr3t-Value-8731";
  ContainerRun run;
  auto result = run_flyte(run.args("secret_length"), {{"_FSEC_DEMO_TOKEN", secret}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("length").scalar().primitive().integer() ==
        static_cast<int64_t>(secret.size()));
  CHECK(result.out.find(secret) == std::string::npos);
  CHECK(result.err.find(secret) == std::string::npos);

  ContainerRun missing;
  run_flyte(missing.args("secret_length"));
  CHECK_THAT(missing.read_error().message(), Catch::Contains("_FSEC_DEMO_TOKEN"));
}

TEST_CASE("e2e: local run prints outputs as JSON and fails loudly") {
  auto ok = run_flyte(
      {"--task", example_lib("example_tasks") + ":add", "--input", "a=2", "--input", "b=3"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(nlohmann::json::parse(ok.out) == nlohmann::json{{"c", 5}});

  auto list = run_flyte({"--task", example_lib("example_tasks") + ":concat", "--input",
                         "parts=[\"a\",\"b\"]", "--input", "separator=-"});
  REQUIRE(list.exit_code == 0);
  CHECK(nlohmann::json::parse(list.out) == nlohmann::json{{"joined", "a-b"}});

  auto failed = run_flyte({"--task", example_lib("example_tasks") + ":fail_runtime"});
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("USER:RuntimeError"));

  auto usage = run_flyte({"--task", example_lib("example_tasks") + ":add", "--input", "a"});
  CHECK(usage.exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("NAME=VALUE"));

  auto c_task = run_flyte(
      {"--task", example_lib("example_c_tasks") + ":add", "--input", "a=1", "--input", "b=1"});
  INFO(c_task.err);
  CHECK(c_task.exit_code == 0);
}

TEST_CASE("e2e: --list prints each task's typed interface") {
  auto result = run_flyte({"--list", example_lib("example_tasks")});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("add(a: integer, b: integer) -> (c: integer)"));
  CHECK_THAT(result.out, Catch::Contains("mean(xs: list<float>) -> (mean: float)"));
}

TEST_CASE("e2e: --list shows the descriptions of a C task's variables") {
  auto result = run_flyte({"--list", example_lib("example_c_tasks")});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("add(a: integer, b: integer) -> (c: integer)\n"
                                         "    Adds two integers (C example).\n"
                                         "    input a: first addend\n"
                                         "    input b: second addend\n"
                                         "    output c: a + b"));
}

TEST_CASE("e2e: a deck-enabled task leaves a self-contained deck.html beside outputs.pb") {
  ContainerRun run(
      R"(literals { key: "title" value { scalar { primitive { string_value: "<b>Report</b>" } } } })");
  auto result = run_flyte(run.args("make_deck"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.has_outputs());
  const auto html = read_text(run.outputs / "deck.html");
  CHECK_THAT(html, Catch::Contains("<h1><b>Report</b></h1>") &&
                       Catch::Contains("made by make_deck") && Catch::Contains("Timeline"));
  CHECK(html.find("https://") == std::string::npos);
}

TEST_CASE("e2e: a retried attempt resumes from the previous attempt's checkpoint") {
  ContainerRun first(
      R"(literals { key: "iterations" value { scalar { primitive { integer: 5 } } } })");
  auto args = first.args("checkpoint_counter");
  const auto cp1 = (first.dir / "cp" / "attempt1").string();
  args[7] = cp1;  // --checkpoint-path
  REQUIRE(run_flyte(args).exit_code == 0);
  CHECK(first.read_outputs().literals().at("ran").scalar().primitive().integer() == 5);

  ContainerRun second(
      R"(literals { key: "iterations" value { scalar { primitive { integer: 8 } } } })");
  auto retry = second.args("checkpoint_counter");
  retry[7] = (second.dir / "cp" / "attempt2").string();
  retry[9] = cp1;  // --prev-checkpoint
  auto result = run_flyte(retry);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(second.read_outputs().literals().at("ran").scalar().primitive().integer() == 3);
}

TEST_CASE("e2e: output metadata a task adds is attached to its output literal") {
  ContainerRun run(R"(literals { key: "n" value { scalar { primitive { integer: 4 } } } })");
  auto result = run_flyte(run.args("emit_stats"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto outputs = run.read_outputs();
  const auto& n = outputs.literals().at("n");
  CHECK(n.scalar().primitive().integer() == 4);
  CHECK(n.metadata().at("source") == "emit_stats");
}

TEST_CASE("e2e: output metadata that is not UTF-8 fails the run with error.pb, not outputs.pb") {
  ContainerRun run(R"(literals { key: "n" value { scalar { primitive { integer: 4 } } } })");
  auto result = run_flyte(run.args("bad_metadata"));
  INFO(result.err);
  CHECK(result.exit_code == 0);  // the engine reads error.pb
  CHECK_FALSE(run.has_outputs());
  const auto error = run.read_error();
  CHECK_THAT(error.message(), Catch::Contains("output 'n'") && Catch::Contains("'source'") &&
                                  Catch::Contains("not valid UTF-8"));
}

TEST_CASE("e2e: --inputs-json takes a YAML or JSON file typed by the interface") {
  ScopedTempDir dir("flyte-inputs-file");
  write_text(dir / "inputs.yaml", "parts:\n  - x\n  - y\nseparator: \"+\"\n");
  auto yaml = run_flyte({"--task", example_lib("example_tasks") + ":concat", "--inputs-json",
                         (dir / "inputs.yaml").string()});
  INFO(yaml.err);
  REQUIRE(yaml.exit_code == 0);
  CHECK(nlohmann::json::parse(yaml.out) == nlohmann::json{{"joined", "x+y"}});

  write_text(dir / "inputs.json", R"({"when": "2024-05-01T12:00:00Z", "by": "90s"})");
  auto json = run_flyte({"--task", example_lib("example_tasks") + ":shift", "--inputs-json",
                         (dir / "inputs.json").string()});
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out) == nlohmann::json{{"shifted", "2024-05-01T12:01:30Z"}});

  write_text(dir / "bad.yaml", "parts: [x\n");
  auto bad = run_flyte({"--task", example_lib("example_tasks") + ":concat", "--inputs-json",
                        (dir / "bad.yaml").string()});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("bad.yaml") && Catch::Contains("line"));
}
