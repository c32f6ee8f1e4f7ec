#include "flyte/runtime/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
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

// Keeps the last `limit` lines of (already masked) output. Each stream has
// its own unfinished line, so stdout and stderr never splice.
class LineKeeper {
 public:
  explicit LineKeeper(std::size_t limit) : limit_(limit) {}
  void feed(std::size_t stream, std::string_view data) {
    std::string& partial = partial_[stream];
    for (const char c : data) {
      if (c == '\n') {
        push(std::move(partial));
        partial.clear();
      } else if (partial.size() < 4096) {
        partial += c;
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
    lines_.push_back(std::move(line));
    while (lines_.size() > limit_) lines_.pop_front();
  }
  std::size_t limit_;
  std::array<std::string, 2> partial_;
  std::deque<std::string> lines_;
};

// One output stream of the task on its way to ours: masked on the byte
// stream (StreamRedactor), then queued for our stdout/stderr. The queue is
// bounded: a log reader that stops reading costs dropped output (and a
// marker saying so), never a stalled supervisor. Writes go out when poll()
// says the descriptor takes them; StdioGuard makes a pipe or socket
// non-blocking so that a partial write cannot block either.
class Relay {
 public:
  static constexpr std::size_t kMaxPending = 1 << 20;

  explicit Relay(int fd) : fd_(fd) {}

  void queue(std::string_view masked) {
    if (broken_ || masked.empty()) return;
    if (pending_.size() + masked.size() > kMaxPending) {
      dropped_ += masked.size();
      return;
    }
    if (dropped_ > unreported_from_) {
      pending_ += fmt::format(
          "\n[flyte-execute: {} bytes of the task's output were dropped: the log reader was not "
          "keeping up]\n",
          dropped_ - unreported_from_);
      unreported_from_ = dropped_;
    }
    pending_.append(masked);
  }

  bool wants_to_write() const { return !broken_ && !pending_.empty(); }
  int fd() const { return fd_; }
  std::uint64_t dropped() const { return dropped_; }

  // Writes what the descriptor takes now.
  void write_some() {
    while (!pending_.empty()) {
      const ssize_t n =
          ::write(fd_, pending_.data(), std::min<std::size_t>(pending_.size(), 65536));
      if (n > 0) {
        pending_.erase(0, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      // EPIPE (SIGPIPE is ignored) or another error: nobody reads any more.
      dropped_ += pending_.size();
      pending_.clear();
      broken_ = true;
      return;
    }
  }

  // What could not be written before the end.
  void abandon() {
    dropped_ += pending_.size();
    pending_.clear();
  }

 private:
  int fd_;
  std::string pending_;
  std::uint64_t dropped_ = 0;
  std::uint64_t unreported_from_ = 0;
  bool broken_ = false;
};

// The child's end of the channel that carries secret values to the parent.
int g_secrets_fd = -1;

void write_fully(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Frames on the channel from the task process: a type byte, a 4-byte length,
// the bytes.
constexpr char kSecretFrame = 'S';
constexpr char kHostFailureFrame = 'F';

void send_frame(char type, std::string_view bytes) {
  if (g_secrets_fd < 0) return;
  const auto size = static_cast<std::uint32_t>(std::min<std::size_t>(bytes.size(), UINT32_MAX));
  char header[5];
  header[0] = type;
  std::memcpy(header + 1, &size, sizeof size);
  write_fully(g_secrets_fd, header, sizeof header);
  write_fully(g_secrets_fd, bytes.data(), size);
}

// In the task process: tells the supervisor about a value before the task can
// print it (register_sensitive_value calls this before it returns).
void tell_supervisor(std::string_view piece) {
  send_frame(kSecretFrame, piece);
}

// In the supervisor: registers every value the task process announced so
// far. Called before each read of the task's output: the task wrote a value
// here before it could write it there, so it is in the pipe by then.
class SecretsChannel {
 public:
  explicit SecretsChannel(int fd) : fd_(fd) {}
  ~SecretsChannel() {
    if (fd_ >= 0) ::close(fd_);
  }
  SecretsChannel(const SecretsChannel&) = delete;
  SecretsChannel& operator=(const SecretsChannel&) = delete;

  // The descriptor to poll for more, or -1 once the child closed its end.
  int fd() const { return fd_; }

  // Why the host's part of the task process failed, if it said so.
  const std::string& host_failure() const { return host_failure_; }

  void drain() {
    while (fd_ >= 0) {
      char buffer[8192];
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n > 0) {
        buffer_.append(buffer, static_cast<std::size_t>(n));
        take_frames();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {
        ::close(fd_);
        fd_ = -1;
      }
      return;  // EAGAIN: nothing more for now
    }
  }

 private:
  void take_frames() {
    std::size_t at = 0;
    while (buffer_.size() - at >= 5) {
      std::uint32_t size = 0;
      std::memcpy(&size, buffer_.data() + at + 1, sizeof size);
      if (buffer_.size() - at - 5 < size) break;
      const auto bytes = std::string_view(buffer_).substr(at + 5, size);
      if (buffer_[at] == kSecretFrame) {
        register_sensitive_value(bytes);
      } else if (buffer_[at] == kHostFailureFrame) {
        host_failure_ = redact(bytes);
      }
      at += 5 + size;
    }
    buffer_.erase(0, at);
  }
  int fd_;
  std::string buffer_;
  std::string host_failure_;
};

// Signals the task's whole process group (its grandchildren too); the pid
// alone if the group is already gone.
void signal_task(pid_t child, int sig) {
  if (::kill(-child, sig) != 0) ::kill(child, sig);
}

}  // namespace

StdioGuard::StdioGuard() {
  // A log reader that went away must cost output, not the supervisor (EPIPE
  // instead of death by SIGPIPE).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &saved_sigpipe_);
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !(S_ISFIFO(info.st_mode) || S_ISSOCK(info.st_mode))) continue;
    // Only pipes and sockets (a container's log stream): a terminal's file
    // description is shared with the shell, which must not find it changed.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_NONBLOCK)) continue;
    if (::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0) saved_flags_[fd - 1] = flags;
  }
}

StdioGuard::~StdioGuard() {
  std::fflush(nullptr);
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    if (saved_flags_[fd - 1] >= 0) ::fcntl(fd, F_SETFL, saved_flags_[fd - 1]);
  }
  ::sigaction(SIGPIPE, &saved_sigpipe_, nullptr);
}

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
  std::array<int, 2> secrets_pipe{-1, -1};
  auto close_all = [&] {
    for (auto* pipe : {&out_pipe, &err_pipe, &secrets_pipe}) {
      for (int& fd : *pipe) {
        if (fd >= 0) ::close(fd);
        fd = -1;
      }
    }
  };
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0 ||
      ::pipe2(secrets_pipe.data(), O_CLOEXEC) != 0) {
    const int error = errno;
    close_all();
    errno = error;
    throw_errno("cannot create the pipes to the task process");
  }

  // The parent takes SIGTERM/SIGINT/SIGCHLD through a signalfd; the child
  // gets them unblocked before it runs the task.
  sigset_t watched;
  sigemptyset(&watched);
  sigaddset(&watched, SIGTERM);
  sigaddset(&watched, SIGINT);
  sigaddset(&watched, SIGCHLD);
  sigset_t original;
  if (::sigprocmask(SIG_BLOCK, &watched, &original) != 0) throw_errno("sigprocmask");
  const int signal_fd = ::signalfd(-1, &watched, SFD_CLOEXEC);
  if (signal_fd < 0) {
    const int error = errno;
    close_all();
    ::sigprocmask(SIG_SETMASK, &original, nullptr);
    errno = error;
    throw_errno("signalfd");
  }

  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    close_all();
    ::close(signal_fd);
    ::sigprocmask(SIG_SETMASK, &original, nullptr);
    errno = error;
    throw_errno("cannot start the task process (fork)");
  }
  if (child == 0) {
    // Its own process group: a `kill 0` in the task stays in the task, and
    // our signals reach its grandchildren. It dies with us if we are killed.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(70);  // we died before prctl took effect
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t mask = original;
    sigdelset(&mask, SIGTERM);
    sigdelset(&mask, SIGINT);
    sigdelset(&mask, SIGCHLD);
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    ::close(signal_fd);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(secrets_pipe[0]);
    g_secrets_fd = secrets_pipe[1];
    set_sensitive_value_listener(&tell_supervisor);
    int code = 70;
    try {
      code = body();
    } catch (const std::exception& e) {
      // Say why in the output the parent keeps for its error message (e.g.
      // the task's error document could not be staged: disk full).
      const std::string why = redact(e.what());
      std::fprintf(stderr, "flyte-execute: the task process failed: %s\n", why.c_str());
      send_frame(kHostFailureFrame, why);
      code = 70;
    } catch (...) {
      code = 70;
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  // Both sides set the group, so it exists before either signals it.
  ::setpgid(child, child);

  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(secrets_pipe[1]);
  ::fcntl(secrets_pipe[0], F_SETFL, O_NONBLOCK);
  SecretsChannel secrets(secrets_pipe[0]);

  ChildOutcome outcome;
  LineKeeper keeper(options.kept_lines);
  const auto started = Clock::now();
  std::optional<Clock::time_point> kill_at;
  bool child_done = false;
  int status = 0;
  std::array<StreamRedactor, 2> maskers;
  std::array<Relay, 2> relays{Relay(STDOUT_FILENO), Relay(STDERR_FILENO)};
  std::array<int, 2> sources{out_pipe[0], err_pipe[0]};

  auto pass_on = [&](std::size_t stream, std::string_view masked) {
    keeper.feed(stream, masked);
    if (options.relay_output) relays[stream].queue(masked);
  };
  auto begin_termination = [&](int sig) {
    signal_task(child, sig);
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

    // The secrets channel is polled too: a value larger than the pipe holds
    // blocks the child until we read it.
    std::array<pollfd, 6> fds{};
    fds[0] = {sources[0], POLLIN, 0};
    fds[1] = {sources[1], POLLIN, 0};
    fds[2] = {signal_fd, POLLIN, 0};
    fds[3] = {relays[0].wants_to_write() ? relays[0].fd() : -1, POLLOUT, 0};
    fds[4] = {relays[1].wants_to_write() ? relays[1].fd() : -1, POLLOUT, 0};
    fds[5] = {secrets.fd(), POLLIN, 0};
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0 && errno != EINTR) throw_errno("poll");

    secrets.drain();
    for (std::size_t i = 0; i < 2; ++i) {
      if (sources[i] < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[65536];
      const ssize_t n = ::read(sources[i], buffer, sizeof buffer);
      if (n > 0) {
        pass_on(i, maskers[i].feed(std::string_view(buffer, static_cast<std::size_t>(n))));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        pass_on(i, maskers[i].finish());
        ::close(sources[i]);
        sources[i] = -1;
      }
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (fds[3 + i].revents & (POLLOUT | POLLERR | POLLHUP)) relays[i].write_some();
    }

    if (fds[2].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) == sizeof info) {
        const int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGTERM || sig == SIGINT) {
          // The first one is forwarded and starts the grace period; a second
          // one changes nothing.
          if (outcome.forwarded_signal == 0) {
            outcome.forwarded_signal = sig;
            if (!child_done) begin_termination(sig);
          }
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
        signal_task(child, SIGKILL);
        kill_at = Clock::time_point::max();
      }
    }
  }
  // Whatever the task left running in its group ends with it.
  ::kill(-child, SIGKILL);

  secrets.drain();
  for (std::size_t i = 0; i < 2; ++i) {
    if (sources[i] < 0) continue;
    pass_on(i, maskers[i].finish());
    ::close(sources[i]);
  }
  // Give a slow reader a moment for the rest; a stuck one costs the rest.
  const auto flush_until = Clock::now() + std::chrono::seconds(1);
  while (relays[0].wants_to_write() || relays[1].wants_to_write()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(flush_until - Clock::now()).count();
    if (left <= 0) break;
    std::array<pollfd, 2> fds{};
    for (std::size_t i = 0; i < 2; ++i) {
      fds[i] = {relays[i].wants_to_write() ? relays[i].fd() : -1, POLLOUT, 0};
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < 2; ++i) {
      if (fds[i].revents & (POLLOUT | POLLERR | POLLHUP)) relays[i].write_some();
    }
  }
  for (auto& relay : relays) {
    relay.abandon();
    outcome.dropped_output_bytes += relay.dropped();
  }
  ::close(signal_fd);
  ::sigprocmask(SIG_SETMASK, &original, nullptr);

  outcome.exited = WIFEXITED(status);
  outcome.exit_code = outcome.exited ? WEXITSTATUS(status) : 0;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.core_dumped = WIFSIGNALED(status) && WCOREDUMP(status);
  outcome.last_lines = keeper.finish();
  outcome.host_failure = secrets.host_failure();
  return outcome;
}

}  // namespace flyte
