// Fixtures of the fault matrix (tests/integration/fault_matrix_test.cpp):
// tasks that misbehave towards the host and its environment on purpose
// (secrets printed in every awkward shape, output floods, process-group
// games, sabotage of the host's own folders). Not examples to copy.

#include <flyte/task.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string planted() {
  return flyte::current_context().secrets()["planted"]["value"];
}

void write_out(std::FILE* stream, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace

/// One 200 KB line with the secret at many offsets: wherever the relay's
/// reads or buffers split the line, some copy straddles the split.
void print_long_line_secret() {
  const std::string value = planted();
  std::string line;
  for (std::size_t offset = 0; line.size() < 200 * 1024; ++offset) {
    line.append(8192 - (offset * 7) % 61, 'x');
    line += value;
  }
  line += '\n';
  write_out(stdout, line);
  write_out(stderr, line);
}
FLYTE_TASK(print_long_line_secret, flyte::secret_request("planted", "value"));

/// Prints the multi-line secret pem/key (a PEM key) and a few lines more,
/// then aborts: the error document's tail starts inside the key.
void print_pem_and_abort() {
  const std::string key = flyte::current_context().secrets()["pem"]["key"];
  write_out(stderr, "the key is:\n" + key + "\n");
  // Piecemeal too: one line per write, as a line-by-line logger would.
  std::istringstream lines(key);
  for (std::string line; std::getline(lines, line);) write_out(stderr, line + "\n");
  write_out(stderr, "after the key\n");
  std::abort();
}
FLYTE_TASK(print_pem_and_abort, flyte::secret_request("pem", "key"));

/// Fails with the secret in its error code.
void secret_in_error_code() {
  throw flyte::UserError("USER:" + planted(), "the code holds a secret");
}
FLYTE_TASK(secret_in_error_code, flyte::secret_request("planted", "value"));

/// Attaches output metadata whose key is the secret.
int64_t secret_in_metadata_key() {
  flyte::current_context().add_output_metadata("n", planted(), "value");
  return 1;
}
FLYTE_TASK(secret_in_metadata_key, flyte::outputs("n"), flyte::secret_request("planted", "value"));

/// Counts a metric whose name holds the secret.
void secret_in_stat_name() {
  flyte::current_context().stats().incr("rows." + planted());
}
FLYTE_TASK(secret_in_stat_name, flyte::secret_request("planted", "value"));

/// Declares a secret that arrives in a custom variable, and prints it from
/// the environment without asking the SDK (issue 13.3).
void print_custom_env_secret() {
  const char* value = std::getenv("MY_CUSTOM_TOKEN");
  write_out(stdout, std::string("custom: ") + (value ? value : "(unset)") + "\n");
  throw std::runtime_error(std::string("failed holding ") + (value ? value : ""));
}
FLYTE_TASK(print_custom_env_secret,
           flyte::secret_request("custom", "token", "", FLYTE_SECRET_MOUNT_ENV_VAR,
                                 "MY_CUSTOM_TOKEN"));

/// Prints the secret padded/value (a file with white space around the value)
/// as the SDK gives it and as the raw file holds it (issue 13.4).
void print_padded_secret() {
  const std::string value = flyte::current_context().secrets()["padded"]["value"];
  const char* dir = std::getenv("FLYTE_SECRETS_DEFAULT_DIR");
  std::ifstream in(std::filesystem::path(dir ? dir : "") / "padded" / "value");
  std::stringstream raw;
  raw << in.rdbuf();
  write_out(stdout, "has " + value + " and\nraw:" + raw.str() + ":end\nnext line\n");
}
FLYTE_TASK(print_padded_secret, flyte::secret_request("padded", "value"));

/// Fails with a 5 MB message.
void huge_error() {
  throw std::runtime_error("start-of-message " + std::string(5 << 20, 'e') + " end-of-message");
}
FLYTE_TASK(huge_error);

/// Starts a grandchild that notes SIGTERM but keeps running, and ignores
/// SIGTERM itself: only the supervisor's group-wide SIGKILL ends both.
void grandchild_ignores_sigterm() {
  ::signal(SIGTERM, SIG_IGN);
  if (::fork() == 0) {
    struct sigaction note {};
    note.sa_handler = [](int) {
      const char text[] = "grandchild: got SIGTERM\n";
      (void)!::write(STDERR_FILENO, text, sizeof text - 1);
    };
    ::sigaction(SIGTERM, &note, nullptr);
    // Only now, so that a SIGTERM sent on seeing this line finds the handler.
    write_out(stderr, "grandchild pid " + std::to_string(::getpid()) + "\n");
    for (;;) ::pause();
  }
  for (;;) ::pause();
}
FLYTE_TASK(grandchild_ignores_sigterm);

/// Sends SIGTERM to its whole process group, as a shell script's `kill 0`.
void kill_zero() {
  ::kill(0, SIGTERM);
  for (;;) ::pause();
}
FLYTE_TASK(kill_zero);

/// Prints its pid and waits forever.
void print_pid_and_wait() {
  write_out(stderr, "task pid " + std::to_string(::getpid()) + "\n");
  for (;;) ::pause();
}
FLYTE_TASK(print_pid_and_wait);

/// Prints 8 MB to stdout, then returns.
int64_t flood_output() {
  const std::string line(1023, 'f');
  for (int i = 0; i < 8192; ++i) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  write_out(stderr, "flood_output: done\n");
  return 1;
}
FLYTE_TASK(flood_output, flyte::outputs("n"));

/// Prints 8 MB to stdout, then waits forever.
void flood_then_wait() {
  const std::string line(1023, 'f');
  for (int i = 0; i < 8192; ++i) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  write_out(stderr, "flood_then_wait: waiting\n");
  for (;;) ::pause();
}
FLYTE_TASK(flood_then_wait);

/// Replaces the host's staging folder with a file, then fails: the local
/// disk refuses every write from here on, as a full /tmp does.
void break_local_disk() {
  namespace fs = std::filesystem;
  const fs::path engine =
      fs::path(flyte::current_context().working_directory()).parent_path() / "engine";
  fs::remove_all(engine);
  std::ofstream(engine) << "not a folder";
  throw std::runtime_error("the task failed after the disk filled up");
}
FLYTE_TASK(break_local_disk);

/// Sets a umask that would make every new file unreadable, then returns.
int64_t tight_umask() {
  ::umask(0777);
  return 7;
}
FLYTE_TASK(tight_umask, flyte::outputs("n"));

FLYTE_TASK_LIBRARY();
