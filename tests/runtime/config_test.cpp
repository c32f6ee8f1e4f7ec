#include "flyte/runtime/config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

using namespace flyte;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path =
        fs::temp_directory_path() / ("flyte-config-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

const ConfigKey kEndpoint{"storage.connection.endpoint", {"FLYTE_AWS_ENDPOINT"}};
const ConfigKey kStatsdPort{"statsd.port", {"FLYTE_SECRETS_PORT"}};
const ConfigKey kStatsdDisabled{"statsd.disabled", {"FLYTE_SECRETS_DISABLED"}};

}  // namespace

TEST_CASE("config env names are derived from the dotted path") {
  CHECK(Config::env_name_for("storage.connection.access-key") ==
        "FLYTE_STORAGE_CONNECTION_ACCESS_KEY");
  CHECK(Config::env_name_for("statsd.host") == "FLYTE_STATSD_HOST");
}

TEST_CASE("config layers: env beats the file, the file beats the default") {
  TempDir dir;
  auto file = dir.write("c.yaml",
                        "storage:\n  connection:\n    endpoint: http://file:9000\n"
                        "statsd:\n  port: 9125\n  disabled: true\n");
  auto none = env_from_map({});
  auto config = Config::load(file, none);
  CHECK(config.file() == file);
  CHECK(config.get(kEndpoint) == std::string("http://file:9000"));
  CHECK(config.get_int(kStatsdPort, 8125) == 9125);
  CHECK(config.get_bool(kStatsdDisabled, false));
  CHECK(config.get_or({"admin.endpoint", {}}, "dns:///default") == "dns:///default");

  auto env = env_from_map({{"FLYTE_STORAGE_CONNECTION_ENDPOINT", "http://env:9000"},
                           {"FLYTE_SECRETS_PORT", "7000"},
                           {"FLYTE_SECRETS_DISABLED", "off"}});
  auto layered = Config::load(file, env);
  CHECK(layered.get(kEndpoint) == std::string("http://env:9000"));
  CHECK(layered.get_int(kStatsdPort, 8125) == 7000);  // flytekit's quirk alias
  CHECK_FALSE(layered.get_bool(kStatsdDisabled, true));
}

TEST_CASE("config file comes from --config, else FLYTECTL_CONFIG, else ~/.flyte/config.yaml") {
  TempDir dir;
  auto a = dir.write("a.yaml", "admin:\n  endpoint: a\n");
  auto b = dir.write("b.yaml", "admin:\n  endpoint: b\n");
  fs::create_directories(dir.path / ".flyte");
  dir.write(".flyte/config.yaml", "admin:\n  endpoint: home\n");
  const ConfigKey admin{"admin.endpoint", {}};

  auto env = env_from_map({{"FLYTECTL_CONFIG", b.string()}, {"HOME", dir.path.string()}});
  CHECK(Config::load(a, env).get(admin) == std::string("a"));
  CHECK(Config::load(std::nullopt, env).get(admin) == std::string("b"));
  auto home_only = env_from_map({{"HOME", dir.path.string()}});
  CHECK(Config::load(std::nullopt, home_only).get(admin) == std::string("home"));
  auto nothing = env_from_map({{"HOME", (dir.path / "nowhere").string()}});
  CHECK_FALSE(Config::load(std::nullopt, nothing).file().has_value());
}

TEST_CASE("config errors name the file, the key and what was expected") {
  TempDir dir;
  auto none = env_from_map({});
  CHECK_THROWS_WITH(Config::load(dir.path / "missing.yaml", none),
                    Catch::Contains("missing.yaml") && Catch::Contains("cannot be read"));
  auto broken = dir.write("broken.yaml", "statsd:\n  port: [1,\n");
  CHECK_THROWS_WITH(Config::load(broken, none),
                    Catch::Contains("broken.yaml") && Catch::Contains("not valid YAML at line"));
  auto list = dir.write("list.yaml", "- a\n- b\n");
  CHECK_THROWS_WITH(Config::load(list, none), Catch::Contains("must be a mapping"));
  auto bad = dir.write("bad.yaml", "statsd:\n  port: eighty\n  disabled: maybe\n  host: [a]\n");
  auto config = Config::load(bad, none);
  CHECK_THROWS_WITH(config.get_int(kStatsdPort, 1),
                    Catch::Contains("bad.yaml: key 'statsd.port'") &&
                        Catch::Contains("expected an integer, found 'eighty'"));
  CHECK_THROWS_WITH(config.get_bool(kStatsdDisabled, false), Catch::Contains("expected a boolean"));
  CHECK_THROWS_WITH(config.get({"statsd.host", {}}), Catch::Contains("must be a single value"));
  auto env = env_from_map({{"FLYTE_STATSD_PORT", "x1"}});
  CHECK_THROWS_WITH(Config::load(std::nullopt, env).get_int(kStatsdPort, 1),
                    Catch::Contains("env FLYTE_STATSD_PORT"));
}
