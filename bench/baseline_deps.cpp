// Baseline (b): the same minimal job as baseline_bare, written the way any
// C++ entrypoint with this project's dependencies would: CLI11 parses the
// flags, spdlog logs, yaml-cpp reads a config, Boost.Filesystem makes the
// working dir, protobuf parses the inputs LiteralMap and writes the outputs
// LiteralMap. flyte-execute's extra cost over this is what is ours.
//   baseline_deps --inputs F --lib L --output-dir D [--config C]
//   baseline_deps --make-inputs F      (writes {a: 2, b: 3})
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/filesystem.hpp>
#include <cstdint>
#include <fstream>

#include "flyteidl/core/literals.pb.h"

namespace {

flyteidl::core::Literal integer(std::int64_t value) {
  flyteidl::core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_integer(value);
  return literal;
}

int write_atomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
      ::fsync(fd) != 0) {
    return 1;
  }
  ::close(fd);
  return ::rename(tmp.c_str(), path.c_str()) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baseline_deps"};
  std::string inputs, lib, output_dir, config, make_inputs;
  app.add_option("--inputs", inputs);
  app.add_option("--lib", lib);
  app.add_option("--output-dir", output_dir);
  app.add_option("--config", config);
  app.add_option("--make-inputs", make_inputs);
  CLI11_PARSE(app, argc, argv);

  if (!make_inputs.empty()) {
    flyteidl::core::LiteralMap map;
    (*map.mutable_literals())["a"] = integer(2);
    (*map.mutable_literals())["b"] = integer(3);
    return write_atomically(make_inputs, map.SerializeAsString());
  }

  auto logger = spdlog::default_logger();
  logger->set_level(spdlog::level::warn);
  if (!config.empty()) {
    YAML::Node node = YAML::LoadFile(config);
    logger->debug("config has {} sections", node.size());
  }
  boost::filesystem::path work = boost::filesystem::path(output_dir) / "work";
  boost::filesystem::create_directories(work);

  flyteidl::core::LiteralMap in;
  std::ifstream stream(inputs, std::ios::binary);
  if (!in.ParseFromIstream(&stream)) {
    logger->error("cannot parse {}", inputs);
    return 1;
  }
  void* handle = ::dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return 1;
  auto add =
      reinterpret_cast<std::int64_t (*)(std::int64_t, std::int64_t)>(::dlsym(handle, "bench_add"));
  if (!add) return 1;
  const auto c = add(in.literals().at("a").scalar().primitive().integer(),
                     in.literals().at("b").scalar().primitive().integer());
  flyteidl::core::LiteralMap out;
  (*out.mutable_literals())["c"] = integer(c);
  return write_atomically(output_dir + "/outputs.pb", out.SerializeAsString());
}
