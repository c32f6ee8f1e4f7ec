#include "flyte/runtime/runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "flyte/context/injected_secrets.hpp"
#include "flyte/context/logging.hpp"
#include "flyte/io/atomic_write.hpp"
#include "flyte/io/storage_deadline.hpp"
#include "flyte/io/uri.hpp"
#include "flyte/runtime/child_outcome_failure.hpp"
#include "flyte/runtime/command_line.hpp"
#include "flyte/runtime/config.hpp"
#include "flyte/runtime/error_document.hpp"
#include "flyte/runtime/execution_plan.hpp"
#include "flyte/runtime/s3_config_loader.hpp"
#include "flyte/runtime/supervisor.hpp"
#include "flyte/runtime/task_execution.hpp"
#include "flyte/runtime/task_interface.hpp"
#include "flyte/runtime/task_library.hpp"
#include "flyteidl/core/errors.pb.h"

namespace flyte {
namespace {

namespace fs = std::filesystem;

// Settings the config file and env provide (flag > env > file > default).
const ConfigKey kSandboxDir{"local.sandbox_dir", {}};
const ConfigKey kKeepSandbox{"local.keep_sandbox", {}};
const ConfigKey kPublishTimeout{"storage.connection.publish-timeout", {}};
const ConfigKey kSecretsEnvPrefix{"secrets.env_prefix", {}};
const ConfigKey kSecretsDefaultDir{"secrets.default_dir", {}};
const ConfigKey kSecretsFilePrefix{"secrets.file_prefix", {}};
const ConfigKey kStatsdHost{"statsd.host", {}};
const ConfigKey kStatsdPort{"statsd.port", {}};
const ConfigKey kStatsdDisabled{"statsd.disabled", {}};
const ConfigKey kStatsdDisableTags{"statsd.disable_tags", {}};

fs::path make_private_dir(const fs::path& path) {
  fs::create_directories(path);
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace);
  return path;
}

void configure_logging(const RunOptions& options, const EnvLookup& env, bool container_run) {
  auto config = LoggingConfig::from_env(env);
  if (!container_run && !env("FLYTE_SDK_LOGGING_FORMAT")) config.format = LogFormat::TEXT;
  if (options.log_level) {
    auto level = parse_python_log_level(*options.log_level);
    if (!level) {
      throw UsageError(
          fmt::format("--log-level '{}': expected DEBUG, INFO, WARNING, ERROR, CRITICAL or 10..50",
                      *options.log_level));
    }
    config.level = *level;
    config.user_level = std::min(config.user_level, *level);
  }
  setup_logging(config);
  for (const auto& warning : config.warnings) system_logger()->warn("{}", warning);
}

ExecutionPlan resolve_plan(const RunOptions& options, const EnvLookup& env) {
  ExecutionPlan plan;
  plan.options = options;
  plan.env = env;
  plan.container_run = options.is_container_run();
  plan.task = options.task_ref();
  plan.execution_date = std::chrono::system_clock::now();
  plan.identity =
      plan.container_run ? ContainerIdentity::from_env(env) : ContainerIdentity::local();
  if (options.map_task) plan.array_index = array_index_from_env(env);
  if (auto attempt = env("FLYTE_ATTEMPT_NUMBER")) {
    std::from_chars(attempt->data(), attempt->data() + attempt->size(), plan.attempt);
  }

  const Config config = Config::load(options.config_file, env);
  SecretsConfig secrets_base;
  secrets_base.env_prefix = config.get_or(kSecretsEnvPrefix, secrets_base.env_prefix);
  secrets_base.default_dir = config.get_or(kSecretsDefaultDir, secrets_base.default_dir.string());
  secrets_base.file_prefix = config.get_or(kSecretsFilePrefix, secrets_base.file_prefix);
  // Config::get consults FLYTE_SECRETS_* too; from_env applies the same
  // variables with the secrets manager's own rules (stripping, fallbacks).
  plan.secrets = SecretsConfig::from_env(env, secrets_base);
  StatsConfig stats_base;
  stats_base.host = config.get_or({"statsd.host", {}}, stats_base.host);
  stats_base.port = static_cast<int>(config.get_int({"statsd.port", {}}, stats_base.port));
  stats_base.disabled = config.get_bool({"statsd.disabled", {}}, stats_base.disabled);
  stats_base.disable_tags = config.get_bool({"statsd.disable_tags", {}}, stats_base.disable_tags);
  plan.stats = StatsConfig::from_env(env, stats_base);
  plan.offload = OffloadThresholds::from_env(env);
  plan.error_file_name = error_file_name(env);
  const auto publish_timeout = config.get_int(kPublishTimeout, plan.publish_timeout.count());
  if (publish_timeout <= 0) {
    throw ConfigError(
        fmt::format("storage.connection.publish-timeout ({}) must be a positive number of seconds",
                    publish_timeout));
  }
  plan.publish_timeout = std::chrono::seconds(publish_timeout);

  const fs::path sandbox =
      config.get_or(kSandboxDir, (fs::temp_directory_path() / "flyte-execute").string());
  const fs::path run_dir = make_private_dir(sandbox / FileAccessProvider::random_key());
  plan.run_dir = run_dir;
  plan.keep_sandbox = options.keep_sandbox || config.get_bool(kKeepSandbox, false);
  plan.working_dir = make_private_dir(run_dir / "work");
  plan.engine_dir = make_private_dir(run_dir / "engine");
  plan.raw_output_prefix = options.raw_output_data_prefix.value_or((run_dir / "raw").string());
  plan.output_prefix = options.output_prefix.value_or((run_dir / "outputs").string());
  plan.file_access = std::make_shared<FileAccessProvider>(run_dir, plan.raw_output_prefix);
  try {
    plan.file_access->register_backend("s3",
                                       std::make_shared<S3Storage>(load_s3_config(config, env)));
  } catch (const std::invalid_argument& error) {
    throw ConfigError(error.what());
  }
  return plan;
}

// Moves staged results to the output prefix: everything else first, the
// outputs/error document last, so a reader that sees outputs.pb sees all it
// points to.
void publish(const ExecutionPlan& plan, const std::string& document) {
  // A stalled store must not hold the run (and the pod) for minutes of
  // retries: past the deadline publishing fails, and the error document
  // gets a deadline of its own.
  const StorageDeadline deadline(plan.publish_timeout);
  const auto staged = plan.staging_dir();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(staged)) {
    const auto name = entry.path().filename().string();
    if (name == document || name == "outputs.json" || is_atomic_write_temp_name(name)) continue;
    if (name == "outputs.pb" || name == plan.error_file_name) continue;
    files.push_back(entry.path());
  }
  files.push_back(staged / document);
  for (const auto& file : files) {
    plan.file_access->put(file, join_uri(plan.output_prefix, {file.filename().string()}));
  }
}

// Removes the run's sandbox when the run ends (gigabytes of downloads and
// working files would otherwise pile up under the temp folder), except what a
// local run pointed the user at: file outputs under the default raw prefix,
// and the default output prefix after a failure (the error document).
class SandboxCleanup {
 public:
  SandboxCleanup(const ExecutionPlan& plan, const RunOptions& options)
      : plan_(plan), options_(options) {}
  SandboxCleanup(const SandboxCleanup&) = delete;
  SandboxCleanup& operator=(const SandboxCleanup&) = delete;
  ~SandboxCleanup() {
    if (plan_.run_dir.empty()) return;
    if (plan_.keep_sandbox) {
      system_logger()->info("keeping the run's sandbox {}", plan_.run_dir.string());
      return;
    }
    std::error_code ec;
    const auto kept = [&](const fs::path& path) {
      std::error_code empty_ec;
      if (fs::is_empty(path, empty_ec) || empty_ec) return false;
      if (path == plan_.run_dir / "raw") return !options_.raw_output_data_prefix.has_value();
      if (path == plan_.run_dir / "outputs") return !options_.output_prefix && !succeeded_;
      return false;
    };
    std::vector<fs::path> entries;
    for (auto it = fs::directory_iterator(plan_.run_dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      entries.push_back(it->path());
    }
    for (const auto& entry : entries) {
      if (!kept(entry)) fs::remove_all(entry, ec);
    }
    fs::remove(plan_.run_dir, ec);  // fails, as it should, when something was kept
  }
  void succeeded() { succeeded_ = true; }

 private:
  const ExecutionPlan& plan_;
  const RunOptions& options_;
  bool succeeded_ = false;
};

int list_tasks(const std::string& library_path, std::ostream& out) {
  auto library = TaskLibrary::open(library_path);
  std::string text;
  for (const auto& task : library.list_tasks()) {
    TaskInterface::of(task);  // reject malformed types here, not at run time
    text += describe_task(task) + "\n";
  }
  out << text;  // all or nothing: a bad task later leaves no partial listing
  return 0;
}

/// Replaces this process with the registration executable (see
/// flyte/registration/package.hpp for why it is separate), found at
/// ../libexec/flyte-execute/ from this binary, in the build tree as installed.
/// Returns only when it cannot be started.
int exec_registration(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path helper =
      self.parent_path().parent_path() / "libexec" / "flyte-execute" / "flyte-execute-registration";
  std::vector<std::string> argv_text{helper.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  out.flush();
  err.flush();
  ::execv(helper.c_str(), argv.data());
  err << fmt::format(
      "flyte-execute: {} runs {}, which cannot be started ({}); it is installed with "
      "flyte-execute under <prefix>/libexec/flyte-execute/ (copy it beside the binary's "
      "../libexec when you copy flyte-execute alone)\n",
      args.empty() ? "this command" : args[0], helper.string(), std::strerror(errno));
  return 1;
}

// SIGTERM/SIGINT are blocked from the start of a supervised run to its end:
// set-up and publication are never cut short by them. Returns a signal that
// arrived meanwhile (and takes it), or 0.
int take_pending_stop_signal() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigset_t pending;
  if (::sigpending(&pending) != 0) return 0;
  if (!sigismember(&pending, SIGTERM) && !sigismember(&pending, SIGINT)) return 0;
  const timespec now{0, 0};
  const int sig = ::sigtimedwait(&stop, nullptr, &now);
  return sig > 0 ? sig : 0;
}

// Writes the error document for `failure` straight to the output prefix,
// without the staging folder: for when staging itself failed (a full /tmp).
void publish_failure_directly(const ExecutionPlan& plan, const TaskFailure& failure) {
  const auto doc =
      make_error_document(failure, worker_name(plan.env), std::chrono::system_clock::now());
  plan.file_access->write_bytes(join_uri(plan.output_prefix, {plan.error_file_name}),
                                doc.SerializeAsString());
}

int finish_failed(const ExecutionPlan& plan, const TaskFailure& failure, std::ostream& err) {
  if (!plan.container_run) {
    err << "flyte-execute: task failed: " << failure.code << ": " << failure.message << "\n"
        << "  error document: " << join_uri(plan.output_prefix, {plan.error_file_name}) << "\n";
  }
  return exit_code_after_failure(plan.env, !plan.container_run);
}

}  // namespace

int run_flyte_execute(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
                      std::ostream& err) {
  // Subcommands that never run a task: their own parsers, and nothing of a
  // run's set-up (logging, sandbox, storage).
  if (!args.empty() && (args[0] == "package" || args[0] == "validate")) {
    return exec_registration(args, out, err);
  }
  CommandLine command;
  try {
    command = parse_command_line(args);
  } catch (const UsageError& e) {
    err << "flyte-execute: " << e.what() << "\n";
    return 2;
  }
  switch (command.action) {
    case CommandLine::Action::HELP:
    case CommandLine::Action::VERSION:
      out << command.text << "\n";
      return 0;
    case CommandLine::Action::LIST:
      try {
        if (command.list_format == "json") {
          return exec_registration({"list-json", *command.list_library}, out, err);
        }
        return list_tasks(*command.list_library, out);
      } catch (const std::exception& e) {
        err << "flyte-execute: " << e.what() << "\n";
        return 1;
      }
    case CommandLine::Action::RUN:
      break;
  }

  // Past a file size limit a write should fail with EFBIG and become a clear
  // error, not kill us (SIGXFSZ's default) before error.pb is written. The
  // task process inherits this.
  std::signal(SIGXFSZ, SIG_IGN);

  const RunOptions& options = command.options;
  // A supervised run holds SIGTERM/SIGINT from here on: during set-up they
  // are taken before the task starts, while the task runs the supervisor
  // forwards them, and during publication they wait until it is done.
  std::optional<StdioGuard> stdio;
  if (!options.in_process) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    ::sigprocmask(SIG_BLOCK, &stop, nullptr);
    stdio.emplace();
  }
  ExecutionPlan plan;
  try {
    configure_logging(options, env, options.is_container_run());
    plan = resolve_plan(options, env);
  } catch (const std::exception& e) {
    // No plan: in a container the engine still deserves an error document
    // when we know where it goes.
    // A file-system failure here (a full or read-only /tmp) is the node's
    // trouble and worth a retry elsewhere; a bad config or flag is not.
    const bool node_trouble = dynamic_cast<const std::system_error*>(&e) != nullptr;
    const TaskFailure failure = TaskFailure::system(
        fmt::format("flyte-execute could not start the task: {}", e.what()), node_trouble);
    err << "flyte-execute: " << e.what() << "\n";
    if (options.is_container_run()) {
      try {
        FileAccessProvider access(fs::temp_directory_path(), "");
        const auto doc =
            make_error_document(failure, worker_name(env), std::chrono::system_clock::now());
        access.write_bytes(join_uri(*options.output_prefix, {error_file_name(env)}),
                           doc.SerializeAsString());
      } catch (const std::exception& write_error) {
        err << "flyte-execute: could not write the error document either: " << write_error.what()
            << "\n";
        return 1;
      }
      return exit_code_after_failure(env, false);
    }
    return dynamic_cast<const UsageError*>(&e) ? 2 : 1;
  }

  SandboxCleanup cleanup(plan, options);

  // Before the task process exists, so the relay and error.pb mask secrets the
  // task prints or crashes with, not only those it asked the SecretsManager for.
  register_injected_secrets(plan.secrets, process_environment());

  auto logger = system_logger();
  logger->info("running {}:{} ({})", plan.task.library.string(), plan.task.symbol,
               plan.container_run ? "TASK_EXECUTION" : "LOCAL_TASK_EXECUTION");

  std::optional<ChildOutcome> outcome;
  int child_code = 0;
  // A failure decided by the host before or instead of the task's own result.
  std::optional<TaskFailure> host_failure;
  int stop_signal = 0;
  if (options.in_process) {
    child_code = execute_task(plan);
  } else if ((stop_signal = take_pending_stop_signal()) != 0) {
    host_failure = TaskFailure::system(
        fmt::format("flyte-execute received {} before the task '{}' started (the pod is being "
                    "stopped, e.g. preempted or drained); a retry runs it again.",
                    signal_name(stop_signal), plan.task.symbol),
        /*recoverable=*/true);
  } else {
    SupervisorOptions supervision;
    supervision.grace_period = options.grace_period;
    supervision.timeout = options.timeout;
    try {
      outcome = run_supervised([&plan] { return execute_task(plan); }, supervision);
      logger->debug("task process {}", outcome->describe());
      stop_signal = outcome->forwarded_signal;
    } catch (const std::exception& e) {
      // At a pids or fd limit: the node's trouble, not the task's.
      host_failure = TaskFailure::system(
          fmt::format("flyte-execute could not start the task process: {}", e.what()),
          /*recoverable=*/true);
    }
  }
  if (options.test) return 0;

  const auto staged = plan.staging_dir();
  std::error_code exists_error;
  const bool have_outputs = fs::exists(staged / "outputs.pb", exists_error);
  bool have_error = fs::exists(staged / plan.error_file_name, exists_error);
  std::optional<TaskFailure> failure = host_failure;
  // A task that finished with outputs before a SIGTERM took effect is done:
  // its results are published.
  const bool finished = outcome && outcome->exited && outcome->exit_code == 0 &&
                        !outcome->timed_out && have_outputs && !have_error;
  const bool child_clean = !outcome || (outcome->exited && outcome->exit_code == 0 &&
                                        !outcome->timed_out && outcome->forwarded_signal == 0);
  if (!failure && !finished &&
      (!child_clean || (!have_outputs && !have_error) || child_code != 0)) {
    // The process did not finish on its own terms: whatever it staged is not
    // trusted as a result; say what happened instead.
    failure = outcome ? failure_from_outcome(*outcome, plan.task.symbol)
                      : TaskFailure::system("the task left no result");
  }
  if (failure) {
    try {
      std::filesystem::create_directories(staged);
      fs::remove(staged / "outputs.pb");
      stage_failure(plan, *failure);
      have_error = true;
    } catch (const std::exception& e) {
      // The local disk is full or broken: the document can still go to the
      // prefix (which may be another disk or S3) without staging.
      err << "flyte-execute: cannot stage the error document (" << e.what()
          << "); writing it to the output prefix directly\n";
      try {
        publish_failure_directly(plan, *failure);
      } catch (const std::exception& again) {
        err << "flyte-execute: could not write the error document either: " << again.what() << "\n";
        return 1;
      }
      const int code = finish_failed(plan, *failure, err);
      return stop_signal != 0 && !plan.container_run ? 128 + stop_signal : code;
    }
  }

  const bool succeeded = !have_error && have_outputs;
  try {
    publish(plan, succeeded ? "outputs.pb" : plan.error_file_name);
  } catch (const std::exception& e) {
    logger->error("publishing results to {} failed: {}", plan.output_prefix, e.what());
    const TaskFailure upload = TaskFailure::system(
        fmt::format("could not write the task's results to {}: {}", plan.output_prefix, e.what()));
    try {
      const StorageDeadline deadline(plan.publish_timeout);
      publish_failure_directly(plan, upload);
    } catch (const std::exception& again) {
      err << "flyte-execute: could not write the error document either: " << again.what() << "\n";
      return 1;
    }
    return finish_failed(plan, upload, err);
  }

  if (!succeeded) {
    if (!failure) {
      flyteidl::core::ErrorDocument doc;
      std::ifstream in(staged / plan.error_file_name, std::ios::binary);
      doc.ParseFromIstream(&in);
      failure = TaskFailure{doc.error().code(), doc.error().message(), ErrorKind::NON_RECOVERABLE,
                            ErrorOrigin::USER};
    }
    const int code = finish_failed(plan, *failure, err);
    // After SIGTERM a container run still exits 0: the engine reads error.pb
    // only after exit 0 and classifies any other exit from the pod status
    // itself, as a USER error retried on the task's own budget (README,
    // "SIGTERM and preemption"). A local run reports the signal like a shell.
    if (stop_signal != 0 && !plan.container_run) return 128 + stop_signal;
    return code;
  }
  if (!plan.container_run && !options.output_prefix) {
    // Printed in blocking mode: a slow reader (`| jq`) gets all of it.
    stdio.reset();
    std::ifstream in(staged / "outputs.json");
    out << in.rdbuf();
  }
  cleanup.succeeded();
  return 0;
}

}  // namespace flyte
