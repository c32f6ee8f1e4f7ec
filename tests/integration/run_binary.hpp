#pragma once

// Runs the real flyte-execute binary with an exact environment and captures
// what it prints and how it exits: the integration tests judge the binary
// only by what a user (or Flyte's engine) can observe.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
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

/// What Flyte's pod spec passes for one task run (as it would to
/// pyflyte-execute), with the task taken from one of our libraries.
struct ContainerArgs {
  std::string inputs;
  std::string output_prefix;
  std::string raw_output_prefix;
  std::string task;
  std::string library = example_lib("example_tasks");
  /// Unrendered templates by default: what the engine leaves when a task
  /// has no checkpoint.
  std::string checkpoint = "{{.checkpointOutputPrefix}}";
  std::string prev_checkpoint = "{{.prevCheckpointPrefix}}";
};

/// The flyte-execute command line for `run`, resolver and all.
inline std::vector<std::string> container_args(const ContainerArgs& run) {
  return {"--inputs",
          run.inputs,
          "--output-prefix",
          run.output_prefix,
          "--raw-output-data-prefix",
          run.raw_output_prefix,
          "--checkpoint-path",
          run.checkpoint,
          "--prev-checkpoint",
          run.prev_checkpoint,
          "--resolver",
          "flyte",
          "--",
          "task-library",
          run.library,
          "task-name",
          run.task};
}

/// What a spawned binary may be constrained by.
struct SpawnOptions {
  /// RLIMIT_FSIZE for the binary and its task process: a full disk, as a
  /// process sees it (flyte-execute ignores SIGXFSZ itself, so writes fail
  /// with EFBIG).
  std::optional<rlim_t> file_size_limit{};
  /// RLIMIT_NOFILE: an fd limit reached.
  std::optional<rlim_t> open_files_limit{};
  /// The binary's stdout instead of a pipe the test reads (e.g. a pipe that
  /// nobody reads, or whose reader is gone); the test keeps ownership.
  int stdout_fd = -1;
};

/// A running flyte-execute: tests can watch its output, signal it, then wait.
class RunningBinary {
 public:
  RunningBinary(pid_t pid, int out_fd, int err_fd)
      : pid_(pid), fds_{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}} {}
  RunningBinary(const RunningBinary&) = delete;
  RunningBinary& operator=(const RunningBinary&) = delete;
  ~RunningBinary() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }

  pid_t pid() const { return pid_; }

  /// Reads output until `needle` appears in stdout or stderr (true), both
  /// close, or `limit` passes (false). A bounded poll, not a sleep.
  bool wait_for_output(const std::string& needle,
                       std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (result_.out.find(needle) == std::string::npos &&
           result_.err.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0 || !read_some(static_cast<int>(left))) return false;
    }
    return true;
  }

  /// Sends `signal` to flyte-execute itself.
  void send(int signal) const { ::kill(pid_, signal); }

  /// Reads all output and reaps the process.
  RunResult wait() {
    while (read_some(-1)) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result_;
  }

 private:
  // One poll round; false once both pipes are closed (or on timeout).
  bool read_some(int timeout_ms) {
    if (fds_[0].fd < 0 && fds_[1].fd < 0) return false;
    const int ready = ::poll(fds_.data(), fds_.size(), timeout_ms);
    if (ready < 0) return errno == EINTR;
    if (ready == 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds_[i].fd < 0 || !(fds_[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds_[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result_.out : result_.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds_[i].fd);
        fds_[i].fd = -1;
      }
    }
    return true;
  }

  pid_t pid_;
  std::array<pollfd, 2> fds_;
  RunResult result_;
  bool reaped_ = false;
};

/// Starts flyte-execute with `args` and only `env` (plus PATH and HOME) in
/// its environment.
inline std::unique_ptr<RunningBinary> spawn_flyte(const std::vector<std::string>& args,
                                                  std::map<std::string, std::string> env = {},
                                                  const SpawnOptions& options = {}) {
  env.emplace("PATH", "/usr/bin:/bin");
  env.emplace("HOME", "/nonexistent-home");
  // Under ASan the task's deliberate segfault must still end it with SIGSEGV,
  // as in production, not with ASan's report and abort(): the tests judge what
  // the supervisor makes of the signal.
  if (const char* asan = std::getenv("ASAN_OPTIONS")) {
    env.emplace("ASAN_OPTIONS", std::string(asan) + ":handle_segv=0");
  }
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
  if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) {
    throw std::runtime_error("spawn_flyte: cannot create pipes");
  }
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("spawn_flyte: fork failed");
  if (pid == 0) {
    ::dup2(options.stdout_fd >= 0 ? options.stdout_fd : out[1], 1);
    ::dup2(err[1], 2);
    if (options.file_size_limit) {
      const rlimit limit{*options.file_size_limit, *options.file_size_limit};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
    }
    if (options.open_files_limit) {
      const rlimit limit{*options.open_files_limit, *options.open_files_limit};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (options.stdout_fd >= 0) {
    ::close(out[0]);
    out[0] = -1;
  }
  return std::make_unique<RunningBinary>(pid, out[0], err[0]);
}

/// Runs flyte-execute to completion; see spawn_flyte.
inline RunResult run_flyte(const std::vector<std::string>& args,
                           std::map<std::string, std::string> env = {},
                           const SpawnOptions& options = {}) {
  return spawn_flyte(args, std::move(env), options)->wait();
}

}  // namespace flyte::testing
