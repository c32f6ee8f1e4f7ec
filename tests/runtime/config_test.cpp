#include "flyte/runtime/config.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
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

TEST_CASE("config paths that are not a YAML file are refused, not read or skipped") {
  TempDir dir;
  auto none = env_from_map({});
  // The usual ConfigMap mistake: the mount folder instead of the file in it.
  fs::create_directories(dir.path / "configmap");
  CHECK_THROWS_WITH(Config::load(dir.path / "configmap", none),
                    Catch::Contains("configmap") && Catch::Contains("is a folder") &&
                        Catch::Contains("point at the YAML file inside it"));
  auto via_env = env_from_map({{"FLYTECTL_CONFIG", (dir.path / "configmap").string()}});
  CHECK_THROWS_WITH(Config::load(std::nullopt, via_env),
                    Catch::Contains("FLYTECTL_CONFIG") && Catch::Contains("is a folder"));
  // The home default may be absent, but a folder there is an error as well.
  fs::create_directories(dir.path / "home" / ".flyte" / "config.yaml");
  auto home = env_from_map({{"HOME", (dir.path / "home").string()}});
  CHECK_THROWS_WITH(Config::load(std::nullopt, home), Catch::Contains("is a folder"));
  // A fifo with no writer: refused at once, not a read that blocks forever.
  const auto fifo = dir.path / "fifo.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(Config::load(fifo, none), Catch::Contains("not a regular file"));
  CHECK_THROWS_WITH(Config::load(fs::path("/dev/zero"), none),
                    Catch::Contains("not a regular file"));
  // Larger than any real config: refused before parsing.
  const auto huge = dir.path / "huge.yaml";
  {
    std::ofstream out(huge);
    out << "admin:\n  endpoint: x\n";
  }
  fs::resize_file(huge, Config::kMaxFileBytes + 1);
  CHECK_THROWS_WITH(Config::load(huge, none),
                    Catch::Contains("huge.yaml") && Catch::Contains("more than the limit"));
}

TEST_CASE("config lookups do not copy the YAML tree") {
  TempDir dir;
  std::string text = "storage:\n  connection:\n    endpoint: http://big:9000\nbig:\n";
  for (int i = 0; i < 100000; ++i) text += "  k" + std::to_string(i) + ": v\n";
  auto config = Config::load(dir.write("big.yaml", text), env_from_map({}));
  // Copying the 100k-key tree per lookup took about 60 ms each; 200 lookups
  // must take a small fraction of the 12 s that would cost.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    REQUIRE(config.get(kEndpoint) == std::string("http://big:9000"));
    REQUIRE_FALSE(config.get({"storage.connection.missing", {}}));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));
  // The walk is read-only: a missing key is not inserted into the tree.
  CHECK_FALSE(config.get({"nothere.deeper", {}}));
  CHECK_FALSE(config.get({"nothere", {}}));
}
