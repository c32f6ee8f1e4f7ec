#include "flyte/runtime/supervisor.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "flyte/context/redaction.hpp"

using namespace flyte;
using namespace std::chrono_literals;

namespace {

SupervisorOptions quiet(std::chrono::milliseconds grace = 2000ms) {
  SupervisorOptions options;
  options.relay_output = false;
  options.grace_period = grace;
  return options;
}

[[noreturn]] void sleep_forever() {
  for (;;) ::pause();
}

}  // namespace

TEST_CASE("supervisor: a child that returns reports its code and its last output lines") {
  auto outcome = run_supervised(
      [] {
        std::printf("to stdout\n");
        std::fprintf(stderr, "line 1\nline 2\nlast line without newline");
        return 0;
      },
      quiet());
  CHECK(outcome.exited);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.describe() == "exited with code 0");
  CHECK_THAT(outcome.tail(), Catch::Contains("to stdout") && Catch::Contains("line 2") &&
                                 Catch::EndsWith("last line without newline"));
}

TEST_CASE("supervisor: kept lines are bounded") {
  auto options = quiet();
  options.kept_lines = 2;
  auto outcome = run_supervised(
      [] {
        for (int i = 0; i < 100; ++i) std::fprintf(stderr, "l%d\n", i);
        return 0;
      },
      options);
  CHECK(outcome.tail() == "l98\nl99");
}

TEST_CASE("supervisor: exit(3), segfault, abort and SIGKILL are each reported") {
  auto exited = run_supervised([]() -> int { std::exit(3); }, quiet());
  CHECK(exited.exited);
  CHECK(exited.exit_code == 3);

  auto segv = run_supervised(
      []() -> int {
        std::signal(SIGSEGV, SIG_DFL);
        std::raise(SIGSEGV);
        return 0;
      },
      quiet());
  CHECK_FALSE(segv.exited);
  CHECK(segv.signal == SIGSEGV);
  CHECK_THAT(segv.describe(), Catch::Contains("SIGSEGV"));

  auto aborted = run_supervised([]() -> int { std::abort(); }, quiet());
  CHECK(aborted.signal == SIGABRT);

  auto killed = run_supervised(
      []() -> int {
        ::kill(::getpid(), SIGKILL);
        sleep_forever();
      },
      quiet());
  CHECK(killed.signal == SIGKILL);
  CHECK_THAT(killed.describe(), Catch::Contains("SIGKILL"));
}

TEST_CASE("supervisor: a hanging child is ended after its timeout") {
  auto options = quiet(200ms);
  options.timeout = 300ms;
  auto outcome = run_supervised(
      []() -> int {
        std::signal(SIGTERM, SIG_IGN);
        sleep_forever();
      },
      options);
  CHECK(outcome.timed_out);
  CHECK(outcome.killed_after_grace);
  CHECK(outcome.signal == SIGKILL);
  CHECK_THAT(outcome.describe(), Catch::Contains("timeout"));
}

TEST_CASE("supervisor: SIGTERM to the parent is forwarded and the child may finish cleanly") {
  auto outcome = run_supervised(
      []() -> int {
        static volatile std::sig_atomic_t got = 0;
        std::signal(SIGTERM, [](int) { got = 1; });
        ::kill(::getppid(), SIGTERM);
        while (!got) ::usleep(1000);
        std::fprintf(stderr, "checkpoint saved\n");
        return 0;
      },
      quiet());
  CHECK(outcome.forwarded_signal == SIGTERM);
  CHECK(outcome.exited);
  CHECK_FALSE(outcome.killed_after_grace);
  CHECK_THAT(outcome.tail(), Catch::Contains("checkpoint saved"));
}

TEST_CASE("supervisor: a child ignoring the forwarded SIGTERM is killed after the grace period") {
  auto outcome = run_supervised(
      []() -> int {
        std::signal(SIGTERM, SIG_IGN);
        ::kill(::getppid(), SIGTERM);
        sleep_forever();
      },
      quiet(200ms));
  CHECK(outcome.forwarded_signal == SIGTERM);
  CHECK(outcome.killed_after_grace);
  CHECK(outcome.signal == SIGKILL);
  CHECK_THAT(outcome.describe(), Catch::Contains("grace period"));
}

TEST_CASE("supervisor: registered secret values are masked in the kept lines") {
  register_sensitive_value("supervised-secret-42");
  auto outcome = run_supervised(
      [] {
        std::printf("printed supervised-secret-42 raw\n");
        return 0;
      },
      quiet());
  clear_sensitive_values_for_testing();
  CHECK(outcome.tail() == "printed [redacted] raw");
}

TEST_CASE("supervisor: an exception escaping the child's work is named in its output") {
  auto outcome = run_supervised([]() -> int { throw std::runtime_error("disk is full"); }, quiet());
  CHECK(outcome.exited);
  CHECK(outcome.exit_code == 70);
  CHECK_THAT(outcome.tail(), Catch::Contains("the task process failed: disk is full"));
}

TEST_CASE("supervisor: a value the child registers is masked before the child can print it") {
  clear_sensitive_values_for_testing();
  SECTION("a short one") {
    auto outcome = run_supervised(
        [] {
          register_sensitive_value("child-only-secret-17");
          std::printf("printed child-only-secret-17 raw\n");
          return 0;
        },
        quiet());
    CHECK(outcome.tail() == "printed [redacted] raw");
  }
  SECTION("one larger than the pipe holds (the child blocks until the parent reads it)") {
    auto outcome = run_supervised(
        [] {
          std::string big(1 << 20, 'k');
          big += "-end-of-big-secret";
          register_sensitive_value(big);
          std::printf("big: %s!\n", big.c_str());
          return 0;
        },
        [] {
          auto options = quiet();
          options.timeout = std::chrono::milliseconds(20000);
          return options;
        }());
    CHECK_FALSE(outcome.timed_out);
    CHECK(outcome.tail() == "big: [redacted]!");
  }
  clear_sensitive_values_for_testing();
}

TEST_CASE("supervisor: the child runs in its own process group") {
  auto outcome = run_supervised([] { return ::getpgid(0) == ::getpid() ? 0 : 1; }, quiet());
  CHECK(outcome.exited);
  CHECK(outcome.exit_code == 0);
}

TEST_CASE("supervisor: a host failure in the child is reported as such") {
  auto outcome =
      run_supervised([]() -> int { throw std::runtime_error("No space left"); }, quiet());
  CHECK(outcome.host_failure == "No space left");
}
