// `flyte-execute --list --format json`, `validate` and `package` against the
// real binary. What they print or write is read back with protobuf's
// generated classes for the official flyteidl schema (flyteidl_admin_for_tests),
// independently of the DynamicMessage path the binary uses.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <string>

#include "flyteidl/core/interface.pb.h"
#include "integration/run_binary.hpp"

using namespace flyte::testing;

namespace {

/// Each line of `--list LIB --format json`, by task name, with the interface
/// parsed strictly (an unknown field fails).
std::map<std::string, flyteidl::core::TypedInterface> list_json(const std::string& lib) {
  auto result = run_flyte({"--list", example_lib(lib), "--format", "json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::map<std::string, flyteidl::core::TypedInterface> tasks;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto object = nlohmann::json::parse(line);
    REQUIRE(object.size() == 2);
    flyteidl::core::TypedInterface interface;
    const auto status =
        google::protobuf::util::JsonStringToMessage(object.at("interface").dump(), &interface);
    INFO(line);
    REQUIRE(status.ok());
    REQUIRE(tasks.emplace(object.at("name").get<std::string>(), interface).second);
  }
  return tasks;
}

flyteidl::core::TypedInterface interface_from_text(const std::string& text) {
  flyteidl::core::TypedInterface interface;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &interface));
  return interface;
}

void check_equal(const flyteidl::core::TypedInterface& actual,
                 const flyteidl::core::TypedInterface& expected) {
  std::string report;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&report);
  INFO(report);
  CHECK(differ.Compare(actual, expected));
}

}  // namespace

TEST_CASE("list json: one TypedInterface per task, typed as flytekit types the signature") {
  const auto tasks = list_json("example_tasks");
  // The same tasks as the text listing, in any order.
  auto text = run_flyte({"--list", example_lib("example_tasks")});
  REQUIRE(text.exit_code == 0);
  for (const auto& [name, interface] : tasks) {
    CHECK_THAT(text.out, Catch::Contains(name + "("));
  }
  REQUIRE(tasks.count("add") == 1);
  // def add(a: int, b: int) -> NamedTuple("o", c=int): without a docstring
  // entry flytekit describes each variable by its name.
  check_equal(tasks.at("add"), interface_from_text(R"pb(
                inputs {
                  variables {
                    key: "a"
                    value {
                      type { simple: INTEGER }
                      description: "a"
                    }
                  }
                  variables {
                    key: "b"
                    value {
                      type { simple: INTEGER }
                      description: "b"
                    }
                  }
                }
                outputs {
                  variables {
                    key: "c"
                    value {
                      type { simple: INTEGER }
                      description: "c"
                    }
                  }
                }
              )pb"));
  check_equal(tasks.at("mean"), interface_from_text(R"pb(
                inputs {
                  variables {
                    key: "xs"
                    value {
                      type { collection_type { simple: FLOAT } }
                      description: "xs"
                    }
                  }
                }
                outputs {
                  variables {
                    key: "mean"
                    value {
                      type { simple: FLOAT }
                      description: "mean"
                    }
                  }
                }
              )pb"));
  check_equal(tasks.at("word_count"), interface_from_text(R"pb(
                inputs {
                  variables {
                    key: "text"
                    value {
                      type { simple: STRING }
                      description: "text"
                    }
                  }
                }
                outputs {
                  variables {
                    key: "counts"
                    value {
                      type { map_value_type { simple: INTEGER } }
                      description: "counts"
                    }
                  }
                }
              )pb"));
  // No inputs or outputs: empty variable maps, as flytekit's.
  check_equal(tasks.at("fail_runtime"), interface_from_text("inputs {} outputs {}"));
}

TEST_CASE("list json: a C variable's own description is kept") {
  const auto tasks = list_json("example_c_tasks");
  REQUIRE(tasks.count("add") == 1);
  check_equal(tasks.at("add"), interface_from_text(R"pb(
                inputs {
                  variables {
                    key: "a"
                    value {
                      type { simple: INTEGER }
                      description: "first addend"
                    }
                  }
                  variables {
                    key: "b"
                    value {
                      type { simple: INTEGER }
                      description: "second addend"
                    }
                  }
                }
                outputs {
                  variables {
                    key: "c"
                    value {
                      type { simple: INTEGER }
                      description: "a + b"
                    }
                  }
                }
              )pb"));
}

TEST_CASE("list json: --format without --list and an unknown format are usage errors") {
  CHECK(
      run_flyte({"--format", "json", "--task", example_lib("example_tasks") + ":add"}).exit_code ==
      2);
  CHECK(run_flyte({"--list", example_lib("example_tasks"), "--format", "yaml"}).exit_code == 2);
}
