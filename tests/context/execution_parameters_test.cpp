#include "flyte/context/execution_parameters.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <catch2/catch.hpp>

using namespace flyte;
namespace fs = std::filesystem;

namespace {
// A unique directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path =
        fs::temp_directory_path() / fmt::format("flyte-exec-params-{}-{}", ::getpid(), counter++);
    fs::remove_all(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

struct SparkSession {
  std::string master;
};
}  // namespace

TEST_CASE("ExecutionParameters builder sets every field and copies from a current value") {
  TempDir tmp;
  const auto date = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  auto logger = spdlog::default_logger()->clone("exec-params-test");
  auto params = ExecutionParameters::new_builder()
                    .with_execution_date(date)
                    .with_execution_id({"proj", "dev", "abc123", ""})
                    .with_task_id({ResourceType::TASK, "proj", "dev", "my_task", "v1", ""})
                    .with_working_directory(tmp.path / "wd")
                    .with_raw_output_prefix("s3://bucket/raw")
                    .with_output_metadata_prefix("s3://bucket/out")
                    .with_enable_deck(true)
                    .with_logging(logger)
                    .build();
  CHECK(params->execution_date() == date);
  CHECK(params->execution_id().to_string() == "ex:proj:dev:abc123");
  CHECK(params->task_id().to_string() == "TASK:proj:dev:my_task:v1");
  CHECK(params->working_directory() == tmp.path / "wd");
  CHECK(fs::is_directory(tmp.path / "wd"));  // created by build(), as flytekit does
  CHECK(params->raw_output_prefix() == "s3://bucket/raw");
  CHECK(params->output_metadata_prefix() == "s3://bucket/out");
  CHECK(params->enable_deck());
  CHECK(params->logging() == logger);

  auto derived = ExecutionParameters::new_builder(*params).with_enable_deck(false).build();
  CHECK_FALSE(derived->enable_deck());
  CHECK(derived->execution_id() == params->execution_id());
  CHECK(derived->task_id() == params->task_id());
  CHECK(derived->execution_date() == date);
  CHECK(derived->logging() == logger);
  CHECK(params->enable_deck());  // the original is untouched
}

TEST_CASE("ExecutionParameters falls back to a user_space logger") {
  auto params = ExecutionParameters::new_builder().build();
  REQUIRE(params->logging() != nullptr);
  CHECK(params->logging()->name() == "user_space");
}

TEST_CASE("ExecutionParameters attributes are looked up by upper-cased name") {
  auto params = ExecutionParameters::new_builder()
                    .add_attr("spark_session", SparkSession{"local[2]"})
                    .add_attr("Retries", 3)
                    .build();
  CHECK(params->has_attr("SPARK_SESSION"));
  CHECK(params->has_attr("spark_session"));
  CHECK(params->has_attr("Spark_Session"));
  CHECK_FALSE(params->has_attr("SESSION"));
  CHECK(params->get<SparkSession>("spark_session").master == "local[2]");
  CHECK(std::any_cast<int>(params->get("RETRIES")) == 3);
  CHECK(params->attr_names() == std::vector<std::string>{"RETRIES", "SPARK_SESSION"});

  auto derived = params->builder().add_attr("retries", 5).build();
  CHECK(derived->get<int>("retries") == 5);
  CHECK(params->get<int>("retries") == 3);
}

TEST_CASE("An unknown attribute is an error naming it and listing the known ones") {
  auto params = ExecutionParameters::new_builder().add_attr("SPARK_SESSION", 1).build();
  CHECK_THROWS_MATCHES(params->get("ray_cluster"), ContextError,
                       Catch::Matchers::Message(
                           "RAY_CLUSTER not available as a parameter in Flyte context - are you in "
                           "right task-type? Known attributes: SPARK_SESSION"));
  auto empty = ExecutionParameters::new_builder().build();
  CHECK_THROWS_WITH(empty->get("x"), Catch::Contains("X not available") &&
                                         Catch::Contains("Known attributes: (none)"));
}

TEST_CASE("Asking for an attribute as the wrong type is an error naming both types") {
  auto params = ExecutionParameters::new_builder().add_attr("count", 3).build();
  CHECK_THROWS_AS(params->get<std::string>("count"), ContextError);
  CHECK_THROWS_WITH(params->get<std::string>("count"), Catch::Contains("attribute COUNT"));
  CHECK_THROWS_AS(ExecutionParameters::new_builder().add_attr("", 1), ContextError);
}

TEST_CASE("Checkpoint without a checkpoint path is an error in flytekit's words") {
  auto params = ExecutionParameters::new_builder().build();
  CHECK_FALSE(params->has_checkpoint());
  CHECK_THROWS_AS(params->checkpoint(), ContextError);
  CHECK_THROWS_WITH(params->checkpoint(), Catch::StartsWith("Checkpointing is not available") &&
                                              Catch::Contains("--checkpoint-path"));
}

TEST_CASE("Stats, secrets and decks that were not configured are clear errors") {
  auto params = ExecutionParameters::new_builder().build();
  CHECK_FALSE(params->has_stats());
  CHECK_FALSE(params->has_secrets());
  CHECK_FALSE(params->has_decks());
  CHECK_THROWS_WITH(params->stats(), Catch::StartsWith("Stats are not available"));
  CHECK_THROWS_WITH(params->secrets(), Catch::StartsWith("Secrets are not available"));
  CHECK_THROWS_WITH(params->decks(), Catch::StartsWith("Decks are not available"));
}

TEST_CASE("Local defaults use local ids and a working directory under the sandbox") {
  TempDir sandbox;
  const auto before = std::chrono::system_clock::now();
  auto params = ExecutionParameters::local_defaults(sandbox.path);
  const auto after = std::chrono::system_clock::now();

  CHECK(params->execution_id().to_string() == "ex:local:local:local");
  CHECK(params->execution_id() == WorkflowExecutionIdentifier{"local", "local", "local", ""});
  CHECK(params->task_id().to_string() == "TASK:local:local:local:local");
  CHECK(params->task_id().resource_type == ResourceType::TASK);
  CHECK(params->working_directory() == sandbox.path / "user_space");
  CHECK(fs::is_directory(params->working_directory()));
  CHECK(params->raw_output_prefix() == (sandbox.path / "raw").string());
  CHECK(params->execution_date() >= before);
  CHECK(params->execution_date() <= after);
  CHECK_FALSE(params->enable_deck());
  CHECK_FALSE(params->has_checkpoint());

  CHECK_THROWS_AS(ExecutionParameters::local_defaults(""), ContextError);
}

TEST_CASE("build fails clearly when the working directory cannot be created") {
  TempDir tmp;
  fs::create_directories(tmp.path);
  const auto file = tmp.path / "a-file";
  { std::ofstream(file) << "x"; }
  CHECK_THROWS_WITH(ExecutionParameters::new_builder().with_working_directory(file / "wd").build(),
                    Catch::Contains("cannot create the task's working directory") &&
                        Catch::Contains((file / "wd").string()));
}
