// Example task library written with the C++ SDK (flyte/task.hpp).
//
//   flyte-execute --task build/lib/libexample_tasks.so:add ...
//   flyte-execute --list build/lib/libexample_tasks.so
//
// Besides showing the SDK, these tasks are the fixtures of the loader, SDK and
// integration tests: failures, crashes, exits and signal handling included.

#include <flyte/task.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

int64_t add(int64_t a, int64_t b) {
  return a + b;
}
FLYTE_TASK(add, flyte::inputs("a", "b"), flyte::outputs("c"),
           flyte::description("Adds two integers."));

std::string greet(std::string name) {
  return "Hello, " + name + "!";
}
FLYTE_TASK(greet, flyte::inputs("name"), flyte::outputs("greeting"));

double mean(std::vector<double> xs) {
  if (xs.empty()) throw std::invalid_argument("mean of an empty list");
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}
FLYTE_TASK(mean, flyte::inputs("xs"), flyte::outputs("mean"));

std::map<std::string, int64_t> word_count(std::string text) {
  std::map<std::string, int64_t> counts;
  std::istringstream words(text);
  for (std::string w; words >> w;) ++counts[w];
  return counts;
}
FLYTE_TASK(word_count, flyte::inputs("text"), flyte::outputs("counts"));

flyte::Dict echo_dict(flyte::Dict d) {
  return d;
}
FLYTE_TASK(echo_dict, flyte::inputs("d"), flyte::outputs("d"));

std::string concat(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}
FLYTE_TASK(concat, flyte::inputs("parts", "separator"), flyte::outputs("joined"));

std::tuple<int64_t, int64_t> divide(int64_t a, int64_t b) {
  if (b == 0) throw std::invalid_argument("division by zero");
  return {a / b, a % b};
}
FLYTE_TASK(divide, flyte::inputs("a", "b"), flyte::outputs("quotient", "remainder"));

std::optional<int64_t> maybe_double(std::optional<int64_t> x) {
  if (!x) return std::nullopt;
  return *x * 2;
}
FLYTE_TASK(maybe_double, flyte::inputs("x"), flyte::outputs("y"));

flyte::Datetime shift(flyte::Datetime when, std::chrono::nanoseconds by) {
  return when + by;
}
FLYTE_TASK(shift, flyte::inputs("when", "by"), flyte::outputs("shifted"));

bool is_positive(double x) {
  return x > 0;
}
FLYTE_TASK(is_positive, flyte::inputs("x"), flyte::outputs("positive"));

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

int64_t count_lines(flyte::File f) {
  std::ifstream in(f.path);
  if (!in) throw std::runtime_error("cannot open input file " + f.path);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}
FLYTE_TASK(count_lines, flyte::inputs("f"), flyte::outputs("lines"));

flyte::File write_file(std::string text) {
  const std::string path = flyte::current_context().working_directory() + "/written.txt";
  std::ofstream out(path);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
  return flyte::File(path);
}
FLYTE_TASK(write_file, flyte::inputs("text"), flyte::outputs("f"));

// ---------------------------------------------------------------------------
// Context: secrets, checkpoint, decks, stats, logging, metadata
// ---------------------------------------------------------------------------

/// Returns the length of the secret demo/token, never its value.
int64_t secret_length() {
  return static_cast<int64_t>(flyte::current_context().secrets()["demo"]["token"].size());
}
FLYTE_TASK(secret_length, flyte::outputs("length"), flyte::secret_request("demo", "token"));

/// Counts to `iterations`, saving progress after each step; a retried attempt
/// resumes from the previous attempt's checkpoint. Returns how many steps
/// this attempt ran.
int64_t checkpoint_counter(int64_t iterations) {
  auto cp = flyte::current_context().checkpoint();
  int64_t done = 0;
  if (auto previous = cp.read()) done = std::stoll(*previous);
  int64_t ran = 0;
  for (; done < iterations; ++done, ++ran) cp.write(std::to_string(done + 1));
  flyte::current_context().log().info("checkpoint_counter ran " + std::to_string(ran) + " steps");
  return ran;
}
FLYTE_TASK(checkpoint_counter, flyte::inputs("iterations"), flyte::outputs("ran"));

void make_deck(std::string title) {
  auto ctx = flyte::current_context();
  ctx.default_deck().append("<h1>" + title + "</h1>");
  ctx.deck("summary").append("<p>made by make_deck</p>");
}
FLYTE_TASK(make_deck, flyte::inputs("title"), flyte::enable_deck());

int64_t emit_stats(int64_t n) {
  auto ctx = flyte::current_context();
  ctx.stats().incr("items", n);
  ctx.stats().gauge("ratio", 0.5);
  ctx.stats().timing("step", std::chrono::milliseconds(250));
  ctx.add_output_metadata("n", "source", "emit_stats");
  return n;
}
FLYTE_TASK(emit_stats, flyte::inputs("n"), flyte::outputs("n"));

// Output metadata that is not UTF-8 (proto3 strings must be): the run fails
// with a clear error instead of writing an outputs.pb the engine cannot read.
int64_t bad_metadata(int64_t n) {
  flyte::current_context().add_output_metadata("n", "source", "caf\xe9");
  return n;
}
FLYTE_TASK(bad_metadata, flyte::inputs("n"), flyte::outputs("n"));

std::string whoami() {
  auto ctx = flyte::current_context();
  return ctx.execution_id() + " " + ctx.task_id() + " attempt " + std::to_string(ctx.attempt());
}
FLYTE_TASK(whoami, flyte::outputs("who"));

// ABI 1.1: ids by part, the output prefix and the deck switch; and
// registration options for `flyte-execute package`.
std::tuple<std::string, std::string, std::string, bool> context_parts() {
  auto ctx = flyte::current_context();
  return {ctx.task_id().name, ctx.execution_id().domain, ctx.output_metadata_prefix(),
          ctx.enable_deck()};
}
FLYTE_TASK(context_parts, flyte::outputs("task_name", "execution_domain", "prefix", "deck"),
           flyte::retries(3), flyte::timeout(std::chrono::minutes(10)), flyte::cache("v7"),
           flyte::requests({{"cpu", "1"}, {"memory", "1Gi"}}), flyte::limits({{"cpu", "2"}}),
           flyte::env("CONTEXT_PARTS", "1"), flyte::enable_deck(),
           flyte::secret_request("demo", "token", nullptr, FLYTE_SECRET_MOUNT_ENV_VAR,
                                 "DEMO_TOKEN"));

// ---------------------------------------------------------------------------
// Failures: each maps to a specific error document (or process outcome)
// ---------------------------------------------------------------------------

void fail_runtime() {
  throw std::runtime_error("something broke");
}
FLYTE_TASK(fail_runtime);

void fail_recoverable() {
  throw flyte::RecoverableError("the service is busy, retry later");
}
FLYTE_TASK(fail_recoverable);

void fail_value() {
  throw std::invalid_argument("x must be positive");
}
FLYTE_TASK(fail_value);

void fail_custom() {
  throw flyte::UserError("USER:QuotaExceeded", "the bucket is full");
}
FLYTE_TASK(fail_custom);

void fail_unknown() {
  throw 42;
}
FLYTE_TASK(fail_unknown);

// UBSan would report the null store and exit(1) first; the fixture must
// really die of SIGSEGV, also in the sanitizer build.
__attribute__((no_sanitize("undefined"))) void crash_segfault() {
  volatile int* volatile null_pointer = nullptr;
  *null_pointer = 1;
}
FLYTE_TASK(crash_segfault);

void crash_abort() {
  std::abort();
}
FLYTE_TASK(crash_abort);

void exit_three() {
  std::exit(3);
}
FLYTE_TASK(exit_three);

int64_t exit_zero_no_outputs() {
  _exit(0);
}
FLYTE_TASK(exit_zero_no_outputs, flyte::outputs("never"));

/// Never returns: for timeouts and SIGTERM handling in the host.
void sleep_forever() {
  for (;;) pause();
}
FLYTE_TASK(sleep_forever);

/// Waits for SIGTERM, then saves a checkpoint ("terminated") within the grace
/// period and fails recoverably so that a retry can resume.
void checkpoint_on_sigterm() {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);
  // A marker for tests: from here on a SIGTERM is caught, not fatal.
  std::fprintf(stderr, "checkpoint_on_sigterm: waiting for SIGTERM\n");
  std::fflush(stderr);
  int signal_number = 0;
  sigwait(&term, &signal_number);
  flyte::current_context().checkpoint().write("terminated");
  throw flyte::RecoverableError("stopped by SIGTERM; checkpoint saved");
}
FLYTE_TASK(checkpoint_on_sigterm);

/// Ignores SIGTERM and never returns: the host must escalate to SIGKILL.
void ignore_sigterm() {
  signal(SIGTERM, SIG_IGN);
  std::fprintf(stderr, "ignore_sigterm: ignoring SIGTERM\n");
  std::fflush(stderr);
  for (;;) pause();
}
FLYTE_TASK(ignore_sigterm);

/// Dies by SIGKILL, as a task the OOM killer picks would.
void kill_self() {
  raise(SIGKILL);
}
FLYTE_TASK(kill_self);

/// Reads the secret planted/value and prints it every careless way a task
/// might, then fails with it in the message: the host must mask it everywhere.
void leak_secret() {
  auto ctx = flyte::current_context();
  const std::string value = ctx.secrets()["planted"]["value"];
  std::printf("stdout: %s\n", value.c_str());
  std::fprintf(stderr, "stderr: %s", value.c_str());  // no newline: a partial last line
  std::fflush(nullptr);
  ctx.log().info("log: " + value);
  throw std::runtime_error("failed while holding " + value);
}
FLYTE_TASK(leak_secret, flyte::secret_request("planted", "value"));

/// Prints the secret planted/value, then aborts: the host puts the task's last
/// output lines into error.pb.
void leak_secret_and_abort() {
  const std::string value = flyte::current_context().secrets()["planted"]["value"];
  std::fprintf(stderr, "about to abort holding %s\n", value.c_str());
  std::fflush(stderr);
  std::abort();
}
FLYTE_TASK(leak_secret_and_abort, flyte::secret_request("planted", "value"));

/// Asks for a secret whose group climbs out of the secrets folder.
int64_t secret_traversal() {
  return static_cast<int64_t>(flyte::current_context().secrets()["../etc"]["passwd"].size());
}
FLYTE_TASK(secret_traversal, flyte::outputs("length"));

FLYTE_TASK_LIBRARY();
