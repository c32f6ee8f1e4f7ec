// End-to-end on S3: the real flyte-execute binary with every prefix on the S3
// server of the test run (s3rver, started by scripts/test.sh) and the
// credentials in the env vars Flyte's platform sets. Inputs are put there and
// everything the run wrote is read back by an independent client (the curl
// command line tool with its own SigV4), then parsed with protobuf directly.
#include <google/protobuf/text_format.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/s3_test_server.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

/// One container run with inputs, outputs, raw data and checkpoints on S3.
struct S3Run {
  ScopedTempDir dir{"flyte-s3-e2e"};
  std::string root = s3_test_prefix("e2e");
  std::string inputs = root + "/in/inputs.pb";
  std::string outputs = root + "/out";
  std::string raw = root + "/raw";
  std::string checkpoint = root + "/cp";

  explicit S3Run(const flyteidl::core::LiteralMap& map) { put_inputs(map); }
  explicit S3Run(const std::string& inputs_text = "") {
    flyteidl::core::LiteralMap map;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(inputs_text, &map));
    put_inputs(map);
  }

  void put_inputs(const flyteidl::core::LiteralMap& map) {
    write_text(dir / "inputs.pb", map.SerializeAsString());
    independent_put(inputs, (dir / "inputs.pb").string());
  }

  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
    extra.emplace("FLYTE_AWS_ENDPOINT", s3_test_endpoint());
    extra.emplace("FLYTE_AWS_ACCESS_KEY_ID", kS3TestKey);
    extra.emplace("FLYTE_AWS_SECRET_ACCESS_KEY", kS3TestSecret);
    extra.emplace("FLYTE_INTERNAL_EXECUTION_ID", "s3run");
    return extra;
  }

  std::vector<std::string> args(const std::string& task,
                                const std::string& prev_checkpoint = "{{.prevCheckpointPrefix}}",
                                const std::string& checkpoint_path = "") const {
    return container_args({.inputs = inputs,
                           .output_prefix = outputs,
                           .raw_output_prefix = raw,
                           .task = task,
                           .checkpoint = checkpoint_path.empty() ? checkpoint : checkpoint_path,
                           .prev_checkpoint = prev_checkpoint});
  }

  RunResult run(const std::string& task, std::map<std::string, std::string> extra_env = {},
                const std::string& prev_checkpoint = "{{.prevCheckpointPrefix}}",
                const std::string& checkpoint_path = "") const {
    RunResult result = run_flyte(args(task, prev_checkpoint, checkpoint_path), env(extra_env));
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    return result;
  }

  flyteidl::core::LiteralMap read_outputs() const {
    flyteidl::core::LiteralMap map;
    REQUIRE(map.ParseFromString(independent_get(outputs + "/outputs.pb")));
    return map;
  }
  flyteidl::core::ContainerError read_error() const {
    flyteidl::core::ErrorDocument doc;
    REQUIRE(doc.ParseFromString(independent_get(outputs + "/error.pb")));
    return doc.error();
  }
};

}  // namespace

TEST_CASE("e2e s3: inputs are read from S3 and outputs.pb is written there") {
  S3Run run(R"(literals { key: "a" value { scalar { primitive { integer: 40 } } } }
               literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  const RunResult result = run.run("add");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(run.read_outputs().literals().at("c").scalar().primitive().integer() == 42);
  CHECK(independent_curl(run.outputs + "/error.pb").http_status == 404);
}

TEST_CASE(
    "e2e s3: file inputs are downloaded from S3 and file outputs uploaded to the raw prefix") {
  ScopedTempDir dir("s3-e2e-files");
  const std::string data_uri = s3_test_prefix("e2e-data") + "/lines.txt";
  write_text(dir / "lines.txt", "one\ntwo\nthree\nfour\n");
  independent_put(data_uri, (dir / "lines.txt").string());
  flyteidl::core::LiteralMap inputs;
  auto* blob = (*inputs.mutable_literals())["f"].mutable_scalar()->mutable_blob();
  blob->set_uri(data_uri);
  blob->mutable_metadata()->mutable_type()->set_dimensionality(flyteidl::core::BlobType::SINGLE);
  S3Run reader(inputs);
  const RunResult read = reader.run("count_lines");
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  CHECK(reader.read_outputs().literals().at("lines").scalar().primitive().integer() == 4);

  S3Run writer(
      R"(literals { key: "text" value { scalar { primitive { string_value: "blob!" } } } })");
  const RunResult wrote = writer.run("write_file");
  INFO(wrote.err);
  REQUIRE(wrote.exit_code == 0);
  const std::string uri = writer.read_outputs().literals().at("f").scalar().blob().uri();
  CHECK(uri.rfind(writer.raw + "/", 0) == 0);
  CHECK(independent_get(uri) == "blob!");
}

TEST_CASE("e2e s3: a large output is offloaded to S3 and outputs.pb points at it") {
  const std::string big(1024 * 1024 + 10, 'x');
  flyteidl::core::LiteralMap inputs;
  (*inputs.mutable_literals())["name"].mutable_scalar()->mutable_primitive()->set_string_value(big);
  S3Run run(inputs);
  const RunResult result = run.run("greet", {{"_F_L_MIN_SIZE_MB", "1"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto outputs = run.read_outputs();
  const auto& pointer = outputs.literals().at("greeting");
  REQUIRE(pointer.has_offloaded_metadata());
  const std::string uri = pointer.offloaded_metadata().uri();
  CHECK(uri == run.outputs + "/greeting_offloaded_metadata.pb");
  flyteidl::core::Literal stored;
  REQUIRE(stored.ParseFromString(independent_get(uri)));
  CHECK(stored.scalar().primitive().string_value() == "Hello, " + big + "!");
}

TEST_CASE("e2e s3: checkpoints are saved to S3 and the next attempt resumes from them") {
  S3Run first(R"(literals { key: "iterations" value { scalar { primitive { integer: 3 } } } })");
  const RunResult ran = first.run("checkpoint_counter");
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(first.read_outputs().literals().at("ran").scalar().primitive().integer() == 3);
  CHECK(independent_get(first.checkpoint + "/_dst_cp") == "3");

  S3Run retry(R"(literals { key: "iterations" value { scalar { primitive { integer: 5 } } } })");
  const RunResult resumed = retry.run("checkpoint_counter", {}, first.checkpoint);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(retry.read_outputs().literals().at("ran").scalar().primitive().integer() == 2);
  CHECK(independent_get(retry.checkpoint + "/_dst_cp") == "5");
}

TEST_CASE("e2e s3: a failing task writes error.pb and its deck to S3") {
  S3Run failing;
  failing.run("fail_value");
  const auto error = failing.read_error();
  CHECK(error.code() == "USER:ValueError");
  CHECK(independent_curl(failing.outputs + "/outputs.pb").http_status == 404);

  S3Run deck(
      R"(literals { key: "title" value { scalar { primitive { string_value: "On S3" } } } })");
  const RunResult result = deck.run("make_deck");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(independent_get(deck.outputs + "/deck.html"), Catch::Contains("<h1>On S3</h1>"));
}

TEST_CASE("e2e s3: an unreachable S3 endpoint fails the run with a clear message") {
  S3Run run(R"(literals { key: "a" value { scalar { primitive { integer: 1 } } } }
               literals { key: "b" value { scalar { primitive { integer: 2 } } } })");
  RunResult result = run_flyte(run.args("add"), {{"FLYTE_AWS_ENDPOINT", "http://127.0.0.1:1"},
                                                 {"FLYTE_AWS_ACCESS_KEY_ID", kS3TestKey},
                                                 {"FLYTE_AWS_SECRET_ACCESS_KEY", "hidden-secret"},
                                                 {"FLYTE_STORAGE_CONNECTION_MAX_RETRIES", "1"}});
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains(run.inputs) && Catch::Contains("http://127.0.0.1:1") &&
                             Catch::Contains("after 2 attempts"));
  CHECK_THAT(result.err, !Catch::Contains("hidden-secret"));
}
