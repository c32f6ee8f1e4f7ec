#pragma once

/// Runs a piece of work in a child process and watches it, so that whatever
/// the task does (segfault, abort, exit(), SIGKILL by the OOM killer, hang) the
/// parent survives to say what happened. The parent:
///   - relays the child's stdout/stderr to its own, keeping the last lines of
///     both for the error message; both pass through redact() (flyte/context/
///     redaction.hpp), so register secret values before calling. The relay
///     is line-buffered: an unfinished line is held until its newline (at
///     most 16 KiB), so a value cannot be split across two writes;
///   - forwards SIGTERM/SIGINT to the child, gives it `grace_period` to save a
///     checkpoint and exit, then SIGKILLs it (Kubernetes sends SIGTERM and
///     SIGKILLs the pod after its own grace period: keep ours shorter);
///   - enforces an optional timeout the same way (SIGTERM, grace, SIGKILL).
/// Call it from a single-threaded process: fork() copies only the calling
/// thread.

#include <chrono>
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
  bool timed_out = false;              ///< we ended it because the timeout passed
  int forwarded_signal = 0;            ///< SIGTERM/SIGINT we received and forwarded, or 0
  bool killed_after_grace = false;     ///< it outlived the grace period and got SIGKILL
  std::deque<std::string> last_lines;  ///< its last output lines, oldest first

  /// "exited with code 3", "killed by signal SIGSEGV (Segmentation fault)"...
  std::string describe() const;
  /// The last lines joined with '\n'.
  std::string tail() const;
};

/// Forks; the child runs `body` and exits with its return value (an exception
/// escaping `body` exits with 70). The parent supervises and returns how the
/// child ended. Throws std::system_error if the child cannot be started.
ChildOutcome run_supervised(const std::function<int()>& body, const SupervisorOptions& options);

/// The signal's name ("SIGSEGV"), or "signal N".
std::string signal_name(int signal);

}  // namespace flyte
