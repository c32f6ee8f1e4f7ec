#pragma once

/// What the command line asked for, before any of it is acted on. The CLI
/// fills this; the runner reads it. Templates that the engine did not fill
/// (`{{.rawOutputDataPrefix}}`...) are normalised away here, once.

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace flyte {

/// A bad command line; the CLI maps it to exit code 2 (CONTRACT §2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `LIB.so:SYMBOL`: which library to load and which task in it to run.
struct TaskRef {
  std::filesystem::path library;
  std::string symbol;

  /// Splits at the last ':' (paths may contain ':' only before it). Throws
  /// UsageError naming the text and the expected form.
  static TaskRef parse(std::string_view text);
  /// Finds the task in pyflyte-style resolver args: `LIB.so:SYMBOL`, or the
  /// pairs `task-library LIB.so task-name SYMBOL` (flytekit's key/value shape).
  static TaskRef from_resolver_args(const std::vector<std::string>& args);
};

struct RunOptions {
  // The pyflyte-execute flags (CONTRACT §1).
  std::optional<std::string> inputs;
  std::optional<std::string> output_prefix;
  std::optional<std::string> raw_output_data_prefix;
  std::optional<std::string> checkpoint_path;
  std::optional<std::string> prev_checkpoint;
  bool test = false;
  std::optional<std::string> resolver;
  std::vector<std::string> resolver_args;

  // Ours.
  std::optional<TaskRef> task;
  bool map_task = false;  ///< array job: select element `index` of each mapped input
  std::vector<std::pair<std::string, std::string>> cli_inputs;  ///< --input name=value
  std::optional<std::filesystem::path> inputs_file;             ///< --inputs-json / YAML
  std::optional<std::filesystem::path> config_file;
  std::optional<std::string> log_level;
  /// Run the task in this process instead of a supervised child (debugging:
  /// a crash then takes flyte-execute down with it).
  bool in_process = false;
  /// Keep this run's sandbox folder (work, engine, downloads) when the run
  /// ends; also `local.keep_sandbox` / FLYTE_LOCAL_KEEP_SANDBOX.
  bool keep_sandbox = false;
  std::optional<std::chrono::milliseconds> timeout;  ///< end the task after this long
  std::chrono::milliseconds grace_period{std::chrono::seconds(10)};  ///< after SIGTERM/timeout

  /// The task to run, from --task or from the resolver args.
  TaskRef task_ref() const;
  /// Container mode: the engine gave --inputs and --output-prefix.
  bool is_container_run() const { return inputs.has_value() && output_prefix.has_value(); }
  /// Applies CONTRACT §1's template rules to every prefix flag.
  void normalize_templates();
};

/// An unfilled propeller template (`{{.anything}}`) or an empty string means
/// "not given".
std::optional<std::string> normalize_template(const std::optional<std::string>& value);

/// Parses a duration such as `90`, `90s`, `1.5m`, `2h`, `500ms` (bare numbers
/// are seconds). UsageError naming `flag` and the text otherwise.
std::chrono::milliseconds parse_duration_flag(std::string_view flag, std::string_view text);

/// Splits `name=value` at the first '='; UsageError when there is none or the
/// name is empty.
std::pair<std::string, std::string> parse_input_assignment(std::string_view text);

}  // namespace flyte
