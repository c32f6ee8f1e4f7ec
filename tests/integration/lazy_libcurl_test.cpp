// flyte-execute loads libcurl only when an s3:// URI is used. Pointing
// FLYTE_EXECUTE_CURL_LIBRARY at a library that does not exist shows both
// halves: a local run never tries to load it (it succeeds), and an S3 run
// fails with a message naming the library and how to install it.
#include <google/protobuf/text_format.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kMissingCurl = "/nonexistent/flyte-test/libcurl.so.4";

std::vector<std::string> add_args(const std::string& inputs, const fs::path& outputs) {
  return container_args({.inputs = inputs,
                         .output_prefix = outputs.string(),
                         .raw_output_prefix = (outputs.parent_path() / "raw").string(),
                         .task = "add"});
}

}  // namespace

TEST_CASE("a run on local paths does not load libcurl") {
  ScopedTempDir dir{"flyte-lazy-curl"};
  flyteidl::core::LiteralMap inputs;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(
      R"(literals { key: "a" value { scalar { primitive { integer: 5 } } } }
         literals { key: "b" value { scalar { primitive { integer: 6 } } } })",
      &inputs));
  write_text(dir / "inputs.pb", inputs.SerializeAsString());
  fs::create_directories(dir / "out");
  const RunResult result = run_flyte(add_args((dir / "inputs.pb").string(), dir / "out"),
                                     {{"FLYTE_EXECUTE_CURL_LIBRARY", kMissingCurl}});
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.exit_code == 0);
  flyteidl::core::LiteralMap outputs;
  REQUIRE(outputs.ParseFromString(read_text(dir / "out" / "outputs.pb")));
  CHECK(outputs.literals().at("c").scalar().primitive().integer() == 11);
  CHECK_THAT(result.err, !Catch::Contains("libcurl"));
}

TEST_CASE(
    "an s3:// input without a loadable libcurl fails with the library and how to install it") {
  ScopedTempDir dir{"flyte-lazy-curl"};
  fs::create_directories(dir / "out");
  const std::string inputs = "s3://flyte-test-bucket/run/inputs.pb";
  // The endpoint is never contacted: loading libcurl fails first.
  const RunResult result =
      run_flyte(add_args(inputs, dir / "out"), {{"FLYTE_EXECUTE_CURL_LIBRARY", kMissingCurl},
                                                {"FLYTE_AWS_ENDPOINT", "http://127.0.0.1:1"},
                                                {"FLYTE_AWS_ACCESS_KEY_ID", "test-key"},
                                                {"FLYTE_AWS_SECRET_ACCESS_KEY", "test-secret"}});
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  // As for any system error in a container run: logged, and error.pb (on the
  // local output prefix) tells the engine; no outputs.pb.
  CHECK_FALSE(fs::exists(dir / "out" / "outputs.pb"));
  flyteidl::core::ErrorDocument doc;
  REQUIRE(doc.ParseFromString(read_text(dir / "out" / "error.pb")));
  const std::string& message = doc.error().message();
  CHECK(doc.error().origin() == flyteidl::core::ExecutionError::SYSTEM);
  for (const std::string& text : {message, result.err}) {
    CHECK_THAT(text, Catch::Contains(inputs));
    CHECK_THAT(text, Catch::Contains(std::string("cannot load libcurl '") + kMissingCurl));
    CHECK_THAT(text, Catch::Contains("apt-get install libcurl4"));
    CHECK_THAT(text, !Catch::Contains("test-secret"));
  }
}
