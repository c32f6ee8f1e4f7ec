#include "flyte/runtime/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "flyte/context/redaction.hpp"

namespace flyte {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Splits relayed output into lines and keeps the last `limit` of them. Each
// stream has its own unfinished line, so stdout and stderr never splice.
class LineKeeper {
 public:
  explicit LineKeeper(std::size_t limit) : limit_(limit) {}
  void feed(std::size_t stream, const char* data, std::size_t size) {
    std::string& partial = partial_[stream];
    for (std::size_t i = 0; i < size; ++i) {
      if (data[i] == '\n') {
        push(std::move(partial));
        partial.clear();
      } else if (partial.size() < 4096) {
        partial += data[i];
      }
    }
  }
  std::deque<std::string> finish() {
    for (auto& partial : partial_) {
      if (!partial.empty()) push(std::move(partial));
    }
    return std::move(lines_);
  }

 private:
  void push(std::string line) {
    if (limit_ == 0) return;
    lines_.push_back(redact(line));
    while (lines_.size() > limit_) lines_.pop_front();
  }
  std::size_t limit_;
  std::array<std::string, 2> partial_;
  std::deque<std::string> lines_;
};

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // our own stdout is gone: keep supervising, drop the relay
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Relays one output stream of the task to ours, masking registered secret
// values. Redaction needs whole lines (a value split across two reads would
// slip through), so complete lines go out as they arrive and an unfinished
// line is held until its newline, until it grows past kMaxHeld, or until the
// stream ends.
class RedactingRelay {
 public:
  explicit RedactingRelay(int fd) : fd_(fd) {}
  void feed(const char* data, std::size_t size) {
    held_.append(data, size);
    const auto last_newline = held_.rfind('\n');
    if (last_newline != std::string::npos) {
      emit(std::string_view(held_).substr(0, last_newline + 1));
      held_.erase(0, last_newline + 1);
    }
    if (held_.size() > kMaxHeld) flush();
  }
  void flush() {
    emit(held_);
    held_.clear();
  }

 private:
  static constexpr std::size_t kMaxHeld = 16384;
  void emit(std::string_view text) {
    if (text.empty()) return;
    const std::string masked = redact(text);
    write_all(fd_, masked.data(), masked.size());
  }
  int fd_;
  std::string held_;
};

}  // namespace

std::string signal_name(int signal) {
  if (const char* abbrev = ::sigabbrev_np(signal)) return fmt::format("SIG{}", abbrev);
  return fmt::format("signal {}", signal);
}

std::string ChildOutcome::describe() const {
  std::string text;
  if (exited) {
    text = fmt::format("exited with code {}", exit_code);
  } else {
    const char* description = ::sigdescr_np(signal);
    text = fmt::format("was killed by signal {} ({}){}", signal_name(signal),
                       description ? description : "unknown", core_dumped ? ", core dumped" : "");
  }
  if (timed_out) text += " after exceeding its timeout";
  if (forwarded_signal != 0) {
    text += fmt::format(" after flyte-execute received {}", signal_name(forwarded_signal));
  }
  if (killed_after_grace) text += " (it did not exit within the grace period)";
  return text;
}

std::string ChildOutcome::tail() const {
  std::string text;
  for (const auto& line : last_lines) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  return text;
}

ChildOutcome run_supervised(const std::function<int()>& body, const SupervisorOptions& options) {
  std::array<int, 2> out_pipe{-1, -1};
  std::array<int, 2> err_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) throw_errno("pipe");
  if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) throw_errno("pipe");

  // The parent takes SIGTERM/SIGINT/SIGCHLD through a signalfd; the child
  // gets the original mask back before it runs the task.
  sigset_t watched;
  sigemptyset(&watched);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGCHLD);
  sigset_t original;
  if (::sigprocmask(SIG_BLOCK, &watched, &original) != 0) throw_errno("sigprocmask");

  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) {
    ::sigprocmask(SIG_SETMASK, &original, nullptr);
    throw_errno("fork");
  }
  if (child == 0) {
    ::sigprocmask(SIG_SETMASK, &original, nullptr);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    int code = 70;
    try {
      code = body();
    } catch (const std::exception& e) {
      // Say why in the output the parent keeps for its error message (e.g.
      // the task's error document could not be staged: disk full).
      std::fprintf(stderr, "flyte-execute: the task process failed: %s\n",
                   redact(e.what()).c_str());
      code = 70;
    } catch (...) {
      code = 70;
    }
    std::fflush(nullptr);
    ::_exit(code);
  }

  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  const int signal_fd = ::signalfd(-1, &watched, SFD_CLOEXEC);
  if (signal_fd < 0) throw_errno("signalfd");

  ChildOutcome outcome;
  LineKeeper keeper(options.kept_lines);
  const auto started = Clock::now();
  std::optional<Clock::time_point> kill_at;
  bool child_done = false;
  int status = 0;
  std::array<RedactingRelay, 2> relays{RedactingRelay(STDOUT_FILENO),
                                       RedactingRelay(STDERR_FILENO)};
  std::array<int, 2> sources{out_pipe[0], err_pipe[0]};

  auto begin_termination = [&](int sig) {
    ::kill(child, sig);
    if (!kill_at) kill_at = Clock::now() + options.grace_period;
  };

  // Loop until the child is reaped and both pipes reach EOF. A grandchild
  // that keeps a pipe open must not hang us: after the reap we drain for a
  // short while only.
  std::optional<Clock::time_point> drain_until;
  while (true) {
    const bool pipes_open = sources[0] >= 0 || sources[1] >= 0;
    if (child_done && (!pipes_open || Clock::now() >= *drain_until)) break;

    auto deadline = Clock::time_point::max();
    if (!child_done && options.timeout && !outcome.timed_out) {
      deadline = std::min(deadline, started + *options.timeout);
    }
    if (!child_done && kill_at) deadline = std::min(deadline, *kill_at);
    if (drain_until) deadline = std::min(deadline, *drain_until);
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::max<long long>(0, left));
    }

    std::array<pollfd, 3> fds{};
    fds[0] = {sources[0], POLLIN, 0};
    fds[1] = {sources[1], POLLIN, 0};
    fds[2] = {signal_fd, POLLIN, 0};
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0 && errno != EINTR) throw_errno("poll");

    for (std::size_t i = 0; i < 2; ++i) {
      if (sources[i] < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[8192];
      const ssize_t n = ::read(sources[i], buffer, sizeof buffer);
      if (n > 0) {
        if (options.relay_output) relays[i].feed(buffer, static_cast<std::size_t>(n));
        keeper.feed(i, buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (options.relay_output) relays[i].flush();
        ::close(sources[i]);
        sources[i] = -1;
      }
    }

    if (fds[2].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) == sizeof info) {
        const int sig = static_cast<int>(info.ssi_signo);
        if ((sig == SIGTERM || sig == SIGINT) && !child_done) {
          outcome.forwarded_signal = sig;
          begin_termination(sig);
        } else if (sig == SIGTERM || sig == SIGINT) {
          outcome.forwarded_signal = sig;  // too late to forward; the caller still reports it
        }
      }
    }

    if (!child_done) {
      const pid_t reaped = ::waitpid(child, &status, WNOHANG);
      if (reaped == child) {
        child_done = true;
        drain_until = Clock::now() + std::chrono::milliseconds(200);
        continue;
      }
      const auto now = Clock::now();
      if (options.timeout && !outcome.timed_out && now >= started + *options.timeout) {
        outcome.timed_out = true;
        begin_termination(SIGTERM);
      }
      if (kill_at && now >= *kill_at) {
        outcome.killed_after_grace = true;
        ::kill(child, SIGKILL);
        kill_at = Clock::time_point::max();
      }
    }
  }

  for (std::size_t i = 0; i < 2; ++i) {
    if (sources[i] < 0) continue;
    if (options.relay_output) relays[i].flush();
    ::close(sources[i]);
  }
  ::close(signal_fd);
  ::sigprocmask(SIG_SETMASK, &original, nullptr);

  outcome.exited = WIFEXITED(status);
  outcome.exit_code = outcome.exited ? WEXITSTATUS(status) : 0;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.core_dumped = WIFSIGNALED(status) && WCOREDUMP(status);
  outcome.last_lines = keeper.finish();
  return outcome;
}

}  // namespace flyte
