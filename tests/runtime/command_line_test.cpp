#include "flyte/runtime/command_line.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

TEST_CASE("command line: Flyte's pyflyte-execute args parse unchanged") {
  auto cl =
      parse_command_line({"--inputs", "s3://b/in/inputs.pb", "--output-prefix", "s3://b/out",
                          "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
                          "--checkpoint-path", "s3://b/raw/_flytecheckpoints", "--prev-checkpoint",
                          "\"\"", "--resolver", "flyte", "--dynamic-addl-distro", "x", "--",
                          "task-library", "/opt/tasks/libt.so", "task-name", "add"});
  CHECK(cl.action == CommandLine::Action::RUN);
  const auto& o = cl.options;
  CHECK(o.is_container_run());
  CHECK(o.inputs == std::string("s3://b/in/inputs.pb"));
  CHECK_FALSE(o.raw_output_data_prefix.has_value());
  CHECK(o.checkpoint_path == std::string("s3://b/raw/_flytecheckpoints"));
  CHECK_FALSE(o.prev_checkpoint.has_value());
  CHECK(o.task_ref().library == "/opt/tasks/libt.so");
  CHECK(o.task_ref().symbol == "add");
}

TEST_CASE("command line: local run with --task and repeated --input") {
  auto cl = parse_command_line(
      {"--task", "lib/libt.so:add", "--input", "a=2", "--input", "b=3", "-vv", "--test"});
  const auto& o = cl.options;
  CHECK_FALSE(o.is_container_run());
  CHECK(o.test);
  CHECK(o.task->symbol == "add");
  REQUIRE(o.cli_inputs.size() == 2);
  CHECK(o.cli_inputs[1] == std::pair<std::string, std::string>{"b", "3"});
  CHECK(o.log_level == std::string("DEBUG"));
}

TEST_CASE("command line: --list, --help and --version") {
  auto list = parse_command_line({"--list", "libt.so"});
  CHECK(list.action == CommandLine::Action::LIST);
  CHECK(list.list_library == std::string("libt.so"));
  auto help = parse_command_line({"--help"});
  CHECK(help.action == CommandLine::Action::HELP);
  CHECK_THAT(help.text, Catch::Contains("--output-prefix") && Catch::Contains("--task"));
  auto version = parse_command_line({"--version"});
  CHECK(version.action == CommandLine::Action::VERSION);
  CHECK_THAT(version.text, Catch::StartsWith("flyte-execute "));
}

TEST_CASE("command line: usage errors say what is wrong") {
  CHECK_THROWS_WITH(parse_command_line({"--bogus"}), Catch::Contains("--help"));
  CHECK_THROWS_WITH(parse_command_line({"--inputs", "x"}),
                    Catch::Contains("--inputs needs --output-prefix"));
  CHECK_THROWS_WITH(parse_command_line({"--input", "a=1"}), Catch::Contains("no task given"));
  CHECK_THROWS_WITH(parse_command_line({"--task", "nocolon"}), Catch::Contains("LIB.so:SYMBOL"));
  CHECK_THROWS_WITH(parse_command_line({"--task", "l.so:f", "--input", "oops"}),
                    Catch::Contains("expected NAME=VALUE"));
}
