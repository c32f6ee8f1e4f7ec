#pragma once

// Runs the real flyte-execute binary with an exact environment and captures
// what it prints and how it exits: the integration tests judge the binary
// only by what a user (or Flyte's engine) can observe.

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flyte::testing {

struct RunResult {
  int exit_code = -1;  ///< exit status, or 128 + signal
  std::string out;
  std::string err;
};

inline std::filesystem::path build_dir() {
  const char* dir = std::getenv("FLYTE_TEST_BUILD_DIR");
  return dir ? dir : FLYTE_DEFAULT_BUILD_DIR;
}
inline std::string flyte_execute() {
  return (build_dir() / "bin" / "flyte-execute").string();
}
inline std::string example_lib(const std::string& name) {
  return (build_dir() / "lib" / ("lib" + name + ".so")).string();
}

/// Runs flyte-execute with `args` and only `env` (plus PATH and HOME) in
/// its environment.
inline RunResult run_flyte(const std::vector<std::string>& args,
                           std::map<std::string, std::string> env = {}) {
  env.emplace("PATH", "/usr/bin:/bin");
  env.emplace("HOME", "/nonexistent-home");
  if (const char* asan = std::getenv("ASAN_OPTIONS")) env.emplace("ASAN_OPTIONS", asan);
  if (const char* ubsan = std::getenv("UBSAN_OPTIONS")) env.emplace("UBSAN_OPTIONS", ubsan);
  std::vector<std::string> argv_storage{flyte_execute()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage;
  for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::array<int, 2> out{}, err{};
  if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  RunResult result;
  std::array<pollfd, 2> fds{{{out[0], POLLIN, 0}, {err[0], POLLIN, 0}}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace flyte::testing
