#pragma once

/// Runs a piece of work in a child process and watches it, so that whatever
/// the task does (segfault, abort, exit(), SIGKILL by the OOM killer, hang) the
/// parent survives to say what happened. The parent:
///   - relays the child's stdout/stderr to its own, keeping the last lines of
///     both for the error message. Both are masked on the byte stream
///     (StreamRedactor, flyte/context/redaction.hpp), not per line, so a value
///     is masked wherever the reads split it. Values registered before the
///     call are known; values the child registers (the SecretsManager does
///     when it hands one out) reach the parent over a pipe before the child
///     can print them. The relay is bounded (1 MiB per stream): a reader that
///     stops reading costs dropped output and a marker saying so, never
///     supervision; a reader that went away (EPIPE) costs the output only;
///   - runs the child in its own process group and with a parent-death
///     signal: our signals and the final SIGKILL reach its grandchildren, a
///     `kill 0` in the task stays in the task, and the task dies if we are
///     SIGKILLed. Whatever is left in the group is SIGKILLed when the child
///     has been reaped;
///   - forwards the first SIGTERM/SIGINT to the child's group (a second one
///     changes nothing), gives it `grace_period` to save a checkpoint and
///     exit, then SIGKILLs it (Kubernetes sends SIGTERM and SIGKILLs the pod
///     after its own grace period: keep ours shorter);
///   - enforces an optional timeout the same way (SIGTERM, grace, SIGKILL).
/// Call it from a single-threaded process: fork() copies only the calling
/// thread.

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace flyte {

struct SupervisorOptions {
  std::chrono::milliseconds grace_period{std::chrono::seconds(10)};
  std::optional<std::chrono::milliseconds> timeout;
  std::size_t kept_lines = 20;  ///< how many trailing output lines to keep
  bool relay_output = true;     ///< copy the child's output to ours as it comes
};

struct ChildOutcome {
  bool exited = false;  ///< ended through exit()/return
  int exit_code = 0;    ///< valid when exited
  int signal = 0;       ///< the signal that ended it, when !exited
  bool core_dumped = false;
  bool timed_out = false;                  ///< we ended it because the timeout passed
  int forwarded_signal = 0;                ///< SIGTERM/SIGINT we received and forwarded, or 0
  bool killed_after_grace = false;         ///< it outlived the grace period and got SIGKILL
  std::uint64_t dropped_output_bytes = 0;  ///< relayed output the reader did not take
  /// Set when the host's part of the child failed (an exception escaped
  /// `body`, e.g. its result could not be staged on a full disk): why, masked.
  std::string host_failure;
  std::deque<std::string> last_lines;  ///< its last output lines, oldest first

  /// "exited with code 3", "killed by signal SIGSEGV (Segmentation fault)"...
  std::string describe() const;
  /// The last lines joined with '\n'.
  std::string tail() const;
};

/// Forks; the child runs `body` and exits with its return value (an exception
/// escaping `body` exits with 70 and is reported as ChildOutcome::host_failure). The parent
/// supervises and returns how the child ended. Throws std::system_error if the child cannot be
/// started (a pipe, signalfd or fork failing at an fd or pids limit); nothing is left open or
/// blocked then. SIGTERM/SIGINT blocked by the caller stay blocked for it afterwards, and are
/// unblocked in the child.
ChildOutcome run_supervised(const std::function<int()>& body, const SupervisorOptions& options);

/// For the supervising process's lifetime: SIGPIPE is ignored (a log reader
/// that went away gives EPIPE, not death before error.pb is written), and a
/// stdout/stderr that is a pipe or socket is made non-blocking, so that
/// neither the relay nor our own log lines can stall on a reader that stopped
/// reading (a terminal is left alone: its file description is the shell's
/// too). The destructor restores both.
class StdioGuard {
 public:
  StdioGuard();
  ~StdioGuard();
  StdioGuard(const StdioGuard&) = delete;
  StdioGuard& operator=(const StdioGuard&) = delete;

 private:
  struct sigaction saved_sigpipe_ {};
  int saved_flags_[2] = {-1, -1};
};

/// The signal's name ("SIGSEGV"), or "signal N".
std::string signal_name(int signal);

}  // namespace flyte
