// Micro benchmarks of secret lookup: from an env var and from a mounted file,
// first read (a fresh manager each time) and cached (the same manager).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "flyte/context/env_lookup.hpp"
#include "flyte/context/secrets_manager.hpp"

namespace {

namespace fs = std::filesystem;
using flyte::SecretsConfig;
using flyte::SecretsManager;

const std::map<std::string, std::string>& secret_env() {
  static const std::map<std::string, std::string> env{{"_FSEC_BENCH_API_KEY", "s3cr3t-value"}};
  return env;
}

// A mounted secrets folder for the file benchmarks, removed at exit.
struct SecretsDir {
  fs::path root = fs::temp_directory_path() / ("flyte-secrets-bench-" + std::to_string(::getpid()));
  SecretsDir() {
    fs::create_directories(root / "bench");
    std::ofstream(root / "bench" / "api_key") << "s3cr3t-value\n";
  }
  ~SecretsDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};
const SecretsDir& secrets_dir() {
  static SecretsDir dir;
  return dir;
}

SecretsConfig file_config() {
  SecretsConfig config;
  config.default_dir = secrets_dir().root;
  return config;
}

void BM_secret_env_first_read(benchmark::State& state) {
  auto env = flyte::env_from_map(secret_env());
  for (auto _ : state) {
    SecretsManager secrets(SecretsConfig{}, false, env);
    benchmark::DoNotOptimize(secrets.get("bench", "api_key"));
  }
}
BENCHMARK(BM_secret_env_first_read);

void BM_secret_env_cached(benchmark::State& state) {
  SecretsManager secrets(SecretsConfig{}, false, flyte::env_from_map(secret_env()));
  for (auto _ : state) benchmark::DoNotOptimize(secrets.get("bench", "api_key"));
}
BENCHMARK(BM_secret_env_cached);

void BM_secret_file_first_read(benchmark::State& state) {
  auto env = flyte::env_from_map({});
  const auto config = file_config();
  for (auto _ : state) {
    SecretsManager secrets(config, false, env);
    benchmark::DoNotOptimize(secrets.get("bench", "api_key"));
  }
}
BENCHMARK(BM_secret_file_first_read);

void BM_secret_file_cached(benchmark::State& state) {
  SecretsManager secrets(file_config(), false, flyte::env_from_map({}));
  for (auto _ : state) benchmark::DoNotOptimize(secrets.get("bench", "api_key"));
}
BENCHMARK(BM_secret_file_cached);

}  // namespace
