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

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <vector>

#include "flyteidl/admin/task.pb.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "integration/run_binary.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte::testing;
namespace fs = std::filesystem;

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

namespace {

/// The archive's entries in archive order, extracted with the system's tar
/// (GNU tar: a reader independent of our writer), each parsed strictly as
/// flyteidl.admin.TaskSpec.
struct Package {
  std::vector<std::string> names;
  std::map<std::string, flyteidl::admin::TaskSpec> specs;  ///< by task name
};

Package read_package(const fs::path& tgz, const fs::path& scratch) {
  Package package;
  const fs::path listing = scratch / "listing.txt";
  const fs::path out = scratch / "extracted";
  fs::create_directories(out);
  REQUIRE(std::system(("tar -tzf '" + tgz.string() + "' > '" + listing.string() + "'").c_str()) ==
          0);
  REQUIRE(std::system(("tar -xzf '" + tgz.string() + "' -C '" + out.string() + "'").c_str()) == 0);
  std::istringstream lines(read_text(listing));
  for (std::string name; std::getline(lines, name);) {
    package.names.push_back(name);
    flyteidl::admin::TaskSpec spec;
    INFO(name);
    REQUIRE(spec.ParseFromString(read_text(out / name)));
    REQUIRE(spec.GetReflection()->GetUnknownFields(spec).empty());
    REQUIRE(package.specs.emplace(spec.template_().id().name(), spec).second);
  }
  return package;
}

/// "1.13.14" <= version, numerically.
bool at_least(const std::string& version, std::vector<int> minimum) {
  std::vector<int> parts;
  std::istringstream in(version);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(std::stoi(part));
  return parts >= minimum;
}

}  // namespace

TEST_CASE(
    "package: every example task becomes an admin.TaskSpec named as pyflyte package names it") {
  ScopedTempDir dir{"flyte-package"};
  const fs::path tgz = dir / "pkg.tgz";
  auto result =
      run_flyte({"package", example_lib("example_tasks"), "--image", "ex:1", "-o", tgz.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto package = read_package(tgz, dir.path());
  const auto listed = list_json("example_tasks");
  REQUIRE(package.specs.size() == listed.size());
  // <zero-padded index>_<name>_1.pb in enumeration order (flytekit's
  // persist_registrable_entities: ceil(log10(count)) digits).
  REQUIRE(listed.size() > 10);
  REQUIRE(listed.size() <= 100);
  for (std::size_t i = 0; i < package.names.size(); ++i) {
    const std::regex form(R"(^(\d\d)_example_tasks\.(\w+)_1\.pb$)");
    std::smatch m;
    INFO(package.names[i]);
    REQUIRE(std::regex_match(package.names[i], m, form));
    CHECK(std::stoul(m[1]) == i);
  }
  for (const auto& [task, interface] : listed) {
    INFO(task);
    const auto& spec = package.specs.at("example_tasks." + task);
    const auto& t = spec.template_();
    CHECK(t.id().resource_type() == flyteidl::core::TASK);
    CHECK(t.id().project() == "{{ registration.project }}");
    CHECK(t.id().domain() == "{{ registration.domain }}");
    CHECK(t.id().version() == "{{ registration.version }}");
    CHECK(t.type() == "container");
    CHECK(t.metadata().runtime().type() == flyteidl::core::RuntimeMetadata::FLYTE_SDK);
    CHECK(at_least(t.metadata().runtime().version(), {1, 13, 14}));
    check_equal(t.interface(), interface);
    CHECK(t.container().image() == "ex:1");
    const std::vector<std::string> args(t.container().args().begin(), t.container().args().end());
    const std::vector<std::string> expected_args{"--inputs",
                                                 "{{.input}}",
                                                 "--output-prefix",
                                                 "{{.outputPrefix}}",
                                                 "--raw-output-data-prefix",
                                                 "{{.rawOutputDataPrefix}}",
                                                 "--checkpoint-path",
                                                 "{{.checkpointOutputPrefix}}",
                                                 "--prev-checkpoint",
                                                 "{{.prevCheckpointPrefix}}",
                                                 "--resolver",
                                                 "flyte",
                                                 "--",
                                                 "task-library",
                                                 "/opt/tasks/libexample_tasks.so",
                                                 "task-name",
                                                 task};
    CHECK(args == expected_args);
    CHECK(
        std::vector<std::string>(t.container().command().begin(), t.container().command().end()) ==
        std::vector<std::string>{"flyte-execute"});
  }
  CHECK(package.specs.at("example_tasks.add").description().short_description() ==
        "Adds two integers.");
  const auto& secrets =
      package.specs.at("example_tasks.secret_length").template_().security_context().secrets();
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0].group() == "demo");
  CHECK(secrets[0].key() == "token");
  // A 1.0-style task: no options.
  const auto& add = package.specs.at("example_tasks.add").template_();
  CHECK(add.metadata().retries().retries() == 0);
  CHECK(!add.metadata().has_timeout());
  CHECK(!add.metadata().discoverable());
  CHECK(add.container().resources().requests().empty());
}

TEST_CASE("package: the C++ SDK's registration options reach the TaskTemplate") {
  ScopedTempDir dir{"flyte-package"};
  const fs::path tgz = dir / "pkg.tgz";
  auto result = run_flyte({"package", example_lib("example_tasks"), "--image", "ex:1", "-o",
                           tgz.string(), "--task", "context_parts", "--lib-dir", "/srv/lib", "-p",
                           "proj", "-d", "dev", "-v", "abc"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto package = read_package(tgz, dir.path());
  REQUIRE(package.names == std::vector<std::string>{"0_example_tasks.context_parts_1.pb"});
  const auto& t = package.specs.at("example_tasks.context_parts").template_();
  CHECK(t.id().project() == "proj");
  CHECK(t.id().domain() == "dev");
  CHECK(t.id().version() == "abc");
  CHECK(t.metadata().retries().retries() == 3);
  CHECK(t.metadata().timeout().seconds() == 600);
  CHECK(t.metadata().discoverable());
  CHECK(t.metadata().discovery_version() == "v7");
  CHECK(t.metadata().generates_deck().value());
  CHECK(!t.metadata().interruptible());
  REQUIRE(t.container().resources().requests().size() == 2);
  CHECK(t.container().resources().requests(0).name() == flyteidl::core::Resources::CPU);
  CHECK(t.container().resources().requests(0).value() == "1");
  CHECK(t.container().resources().requests(1).name() == flyteidl::core::Resources::MEMORY);
  CHECK(t.container().resources().requests(1).value() == "1Gi");
  REQUIRE(t.container().resources().limits().size() == 1);
  CHECK(t.container().resources().limits(0).value() == "2");
  REQUIRE(t.container().env().size() == 1);
  CHECK(t.container().env(0).key() == "CONTEXT_PARTS");
  CHECK(t.container().env(0).value() == "1");
  CHECK(t.container().args(14) == "/srv/lib/libexample_tasks.so");
  REQUIRE(t.security_context().secrets().size() == 1);
  CHECK(t.security_context().secrets(0).mount_requirement() == flyteidl::core::Secret::ENV_VAR);
  CHECK(t.security_context().secrets(0).env_var() == "DEMO_TOKEN");
}

TEST_CASE("package: a C task's 1.1 options; a 1.0 library packages with none") {
  ScopedTempDir dir{"flyte-package"};
  const fs::path tgz = dir / "pkg.tgz";
  auto result = run_flyte({"package", example_lib("example_c_tasks"),
                           example_lib("example_abi_1_0"), "--image", "ex:1", "-o", tgz.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto package = read_package(tgz, dir.path());
  const auto& where = package.specs.at("example_c_tasks.where").template_();
  CHECK(where.metadata().retries().retries() == 2);
  CHECK(where.metadata().timeout().seconds() == 90);
  CHECK(where.metadata().interruptible());
  CHECK(where.metadata().discovery_version() == "c-1");
  REQUIRE(where.container().resources().requests().size() == 2);
  CHECK(where.container().resources().limits(0).value() == "128Mi");
  CHECK(where.container().env(0).key() == "WHERE_MODE");
  // The 1.0 descriptor ends at run: what follows it is not read.
  const auto& old = package.specs.at("abi_1_0.noop").template_();
  CHECK(old.metadata().retries().retries() == 0);
  CHECK(!old.metadata().has_timeout());
  CHECK(old.container().resources().requests().empty());
  CHECK(old.container().env().empty());
}

TEST_CASE("package and validate: bad input is a clear error and nothing is written") {
  ScopedTempDir dir{"flyte-package"};
  const fs::path tgz = dir / "pkg.tgz";
  const std::string out = tgz.string();
  SECTION("a missing --image is a usage error") {
    auto r = run_flyte({"package", example_lib("example_tasks"), "-o", out});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--image"));
  }
  SECTION("no library is a usage error") {
    CHECK(run_flyte({"package", "--image", "ex:1", "-o", out}).exit_code == 2);
    CHECK(run_flyte({"validate"}).exit_code == 2);
  }
  SECTION("a library with no tasks") {
    auto r = run_flyte({"package", example_lib("example_no_tasks"), "--image", "ex:1", "-o", out});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("lists no tasks"));
    CHECK(run_flyte({"validate", example_lib("example_no_tasks")}).exit_code == 1);
  }
  SECTION("an invalid type string") {
    auto r = run_flyte({"package", example_lib("example_bad_type"), "--image", "ex:1", "-o", out});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("integr"));
    auto v = run_flyte({"validate", example_lib("example_bad_type")});
    CHECK(v.exit_code == 1);
    CHECK(v.err == r.err);
  }
  SECTION("two tasks with the same registered name") {
    auto r = run_flyte({"package", example_lib("example_c_tasks"), example_lib("example_c_tasks"),
                        "--image", "ex:1", "-o", out});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("registers as 'example_c_tasks.add'"));
  }
  SECTION("a task that is not in the libraries") {
    auto r = run_flyte({"package", example_lib("example_c_tasks"), "--image", "ex:1", "-o", out,
                        "--task", "nope"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("--task nope"));
  }
  SECTION("an unwritable output") {
    const fs::path missing = dir / "no-such-dir" / "pkg.tgz";
    auto r = run_flyte(
        {"package", example_lib("example_c_tasks"), "--image", "ex:1", "-o", missing.string()});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot write"));
    CHECK(!fs::exists(missing.parent_path()));
  }
  SECTION("a library that does not load") {
    auto r =
        run_flyte({"validate", example_lib("example_unresolved"), example_lib("example_bad_type")});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("2 problems found"));
  }
  // Nothing, not even a temporary file, is left in the output's folder.
  CHECK(
      std::vector<fs::path>(fs::directory_iterator(dir.path()), fs::directory_iterator()).empty());
}

TEST_CASE("validate: a good library passes with exit 0") {
  auto r = run_flyte({"validate", example_lib("example_tasks"), example_lib("example_c_tasks")});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ok: "));
}

TEST_CASE("context: ABI 1.1 fields from C and C++ tasks") {
  ScopedTempDir dir{"flyte-context"};
  const fs::path inputs = dir / "inputs.pb";
  write_text(inputs, "");  // an empty LiteralMap
  const std::map<std::string, std::string> env{{"_F_PRJ", "p"},
                                               {"_F_DM", "dev"},
                                               {"FLYTE_INTERNAL_EXECUTION_ID", "ex1"},
                                               {"_F_TK_PRJ", "tp"},
                                               {"_F_TK_DM", "td"},
                                               {"_F_TK_NM", "my.task"},
                                               {"_F_TK_V", "tv"},
                                               {"_FSEC_DEMO_TOKEN", "declared-secret"}};
  SECTION("C++: ids by part, output prefix, deck switch") {
    const fs::path out = dir / "out";
    auto r = run_flyte(container_args({.inputs = inputs.string(),
                                       .output_prefix = out.string(),
                                       .raw_output_prefix = (dir / "raw").string(),
                                       .task = "context_parts"}),
                       env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    flyteidl::core::LiteralMap map;
    REQUIRE(map.ParseFromString(read_text(out / "outputs.pb")));
    auto str = [&](const char* name) {
      return map.literals().at(name).scalar().primitive().string_value();
    };
    CHECK(str("task_name") == "my.task");
    CHECK(str("execution_domain") == "dev");
    CHECK(str("prefix") == out.string());
    CHECK(map.literals().at("deck").scalar().primitive().boolean());
  }
  SECTION("C: output prefix and deck switch") {
    const fs::path out = dir / "out";
    auto r = run_flyte(container_args({.inputs = inputs.string(),
                                       .output_prefix = out.string(),
                                       .raw_output_prefix = (dir / "raw").string(),
                                       .task = "where",
                                       .library = example_lib("example_c_tasks")}),
                       env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    flyteidl::core::LiteralMap map;
    REQUIRE(map.ParseFromString(read_text(out / "outputs.pb")));
    CHECK(map.literals().at("prefix").scalar().primitive().string_value() == out.string());
    CHECK(!map.literals().at("deck").scalar().primitive().boolean());
  }
}
