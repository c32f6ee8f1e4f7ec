// The example tasks that end the process (crashes, exits) or react to
// signals behave as the host's supervisor tests will expect. Each runs in a
// forked child against the fake host; the child reports through a pipe.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "flyte/runtime/task_library.hpp"
#include "runtime/fake_host.hpp"

namespace {

struct ChildOutcome {
  bool exited = false;  // normal exit (else killed by a signal)
  int exit_code = -1;
  int signal = 0;
  std::string report;  // what the child wrote before it ended ("" if nothing)
};

const flyte::TaskLibrary& examples() {
  static const flyte::TaskLibrary lib = [] {
    const char* build = std::getenv("FLYTE_TEST_BUILD_DIR");
    if (build == nullptr) throw std::runtime_error("FLYTE_TEST_BUILD_DIR is not set");
    return flyte::TaskLibrary::open(std::filesystem::path(build) / "lib" / "libexample_tasks.so");
  }();
  return lib;
}

/// Runs `symbol` in a child. With `sigterm`, SIGTERM is blocked before the
/// fork (so it stays pending until the task waits for it, whatever the timing)
/// and sent to the child right away.
ChildOutcome run_in_child(const std::string& symbol, bool sigterm = false) {
  const FLYTE_TaskDescriptor* task = examples().find_task(symbol).descriptor;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  sigset_t term, previous;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  if (sigterm) REQUIRE(sigprocmask(SIG_BLOCK, &term, &previous) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    flyte::testing::FakeCall call;
    auto error = flyte::testing::run_with_fake_host(*task, call);
    std::string report = error ? error->code + " " + error->message : "ok";
    if (call.written_checkpoint) report += " checkpoint=" + *call.written_checkpoint;
    const ssize_t written = write(fds[1], report.data(), report.size());
    _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 99);
  }
  if (sigterm) {
    REQUIRE(sigprocmask(SIG_SETMASK, &previous, nullptr) == 0);
    REQUIRE(kill(pid, SIGTERM) == 0);
  }
  close(fds[1]);
  ChildOutcome outcome;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) outcome.report.append(buf, n);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  outcome.exited = WIFEXITED(status);
  outcome.exit_code = outcome.exited ? WEXITSTATUS(status) : -1;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return outcome;
}

}  // namespace

TEST_CASE("The segfault example task dies from the crash without reporting") {
  const ChildOutcome o = run_in_child("crash_segfault");
  CHECK(o.report.empty());
  // SIGSEGV; under AddressSanitizer the sanitizer reports and aborts instead.
  CHECK((o.signal == SIGSEGV || o.signal == SIGABRT || (o.exited && o.exit_code != 0)));
}

TEST_CASE("The abort example task dies from SIGABRT") {
  const ChildOutcome o = run_in_child("crash_abort");
  CHECK(o.report.empty());
  CHECK(o.signal == SIGABRT);
}

TEST_CASE("The exit example task ends the process with code 3") {
  const ChildOutcome o = run_in_child("exit_three");
  CHECK(o.report.empty());
  CHECK(o.exited);
  CHECK(o.exit_code == 3);
}

TEST_CASE("The _exit(0) example task ends successfully without writing its output") {
  const ChildOutcome o = run_in_child("exit_zero_no_outputs");
  CHECK(o.report.empty());
  CHECK(o.exited);
  CHECK(o.exit_code == 0);
}

TEST_CASE("The SIGTERM example task saves a checkpoint and fails recoverably") {
  const ChildOutcome o = run_in_child("checkpoint_on_sigterm", /*sigterm=*/true);
  CHECK(o.exited);
  CHECK(o.exit_code == 0);
  CHECK(o.report ==
        "USER:Recoverable flyte::RecoverableError: stopped by SIGTERM; checkpoint saved "
        "checkpoint=terminated");
}
