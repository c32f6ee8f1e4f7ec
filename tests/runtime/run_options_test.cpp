#include "flyte/runtime/run_options.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

TEST_CASE("unfilled propeller templates and empty strings mean 'not given'") {
  RunOptions options;
  options.raw_output_data_prefix = "{{.rawOutputDataPrefix}}";
  options.checkpoint_path = "{{.checkpointOutputPrefix}}";
  options.prev_checkpoint = "\"\"";
  options.normalize_templates();
  CHECK_FALSE(options.raw_output_data_prefix.has_value());
  CHECK_FALSE(options.checkpoint_path.has_value());
  CHECK_FALSE(options.prev_checkpoint.has_value());
  CHECK_FALSE(normalize_template(std::string("{{.prevCheckpointPrefix}}")).has_value());
  CHECK_FALSE(normalize_template(std::string("")).has_value());
  CHECK(normalize_template(std::string("s3://b/cp")) == std::string("s3://b/cp"));
}

TEST_CASE("TaskRef parses --task LIB.so:SYMBOL at the last colon") {
  auto ref = TaskRef::parse("/opt/x:y/libt.so:add");
  CHECK(ref.library == "/opt/x:y/libt.so");
  CHECK(ref.symbol == "add");
  CHECK_THROWS_WITH(TaskRef::parse("libt.so"), Catch::Contains("expected LIB.so:SYMBOL"));
  CHECK_THROWS_AS(TaskRef::parse("libt.so:"), UsageError);
}

TEST_CASE("the task can come from pyflyte-style resolver arguments") {
  CHECK(TaskRef::from_resolver_args({"libt.so:add"}).symbol == "add");
  auto ref = TaskRef::from_resolver_args({"task-library", "libt.so", "task-name", "mul"});
  CHECK(ref.library == "libt.so");
  CHECK(ref.symbol == "mul");
  CHECK_THROWS_WITH(TaskRef::from_resolver_args({"task-module", "x"}),
                    Catch::Contains("cannot find the task"));
  RunOptions options;
  CHECK_THROWS_WITH(options.task_ref(), Catch::Contains("no task given"));
  options.resolver_args = {"libt.so:add"};
  CHECK(options.task_ref().symbol == "add");
}

TEST_CASE("input assignments NAME=VALUE split at the first equals sign") {
  CHECK(parse_input_assignment("expr=a=b") == std::pair<std::string, std::string>{"expr", "a=b"});
  CHECK(parse_input_assignment("s=") == std::pair<std::string, std::string>{"s", ""});
  CHECK_THROWS_WITH(parse_input_assignment("=1"), Catch::Contains("expected NAME=VALUE"));
  CHECK_THROWS_AS(parse_input_assignment("novalue"), UsageError);
}

TEST_CASE("durations on the command line accept plain seconds and units") {
  using std::chrono::milliseconds;
  CHECK(parse_duration_flag("--timeout", "90") == milliseconds(90'000));
  CHECK(parse_duration_flag("--timeout", "1.5m") == milliseconds(90'000));
  CHECK(parse_duration_flag("--timeout", "250ms") == milliseconds(250));
  CHECK(parse_duration_flag("--timeout", "2h") == milliseconds(7'200'000));
  CHECK_THROWS_WITH(parse_duration_flag("--timeout", "soon"),
                    Catch::Contains("--timeout 'soon'") && Catch::Contains("90s"));
  CHECK_THROWS_AS(parse_duration_flag("--grace-period", "-1s"), UsageError);
  CHECK_THROWS_AS(parse_duration_flag("--grace-period", "5 parsecs"), UsageError);
}
