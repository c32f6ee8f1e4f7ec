#pragma once

// Helpers shared by the secrets tests: a scratch directory and an env that
// records which names were asked for.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "flyte/context/env_lookup.hpp"

namespace flyte::testing {

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("flyte-secrets-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `content` (binary) at `relative`, creating parent folders.
  std::filesystem::path write(const std::filesystem::path& relative,
                              const std::string& content) const {
    const auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

/// env_from_map that also remembers every name looked up.
struct RecordingEnv {
  std::map<std::string, std::string> values;
  std::shared_ptr<std::vector<std::string>> asked = std::make_shared<std::vector<std::string>>();

  EnvLookup lookup() const {
    auto inner = env_from_map(values);
    return [inner, asked = asked](std::string_view name) {
      asked->emplace_back(name);
      return inner(name);
    };
  }
};

}  // namespace flyte::testing
