#include "flyte/runtime/command_line.hpp"

#include <CLI/CLI.hpp>

namespace flyte {
namespace {

// CLI11 2.1 binds plain strings; these adapt its callbacks to optionals.
CLI::Option* add_optional(CLI::App& app, const std::string& name,
                          std::optional<std::string>& target, const std::string& help) {
  return app.add_option_function<std::string>(
      name, [&target](const std::string& value) { target = value; }, help);
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine result;
  RunOptions& o = result.options;

  CLI::App app{
      "flyte-execute: run a native (C, C++, Rust...) Flyte task.\n\n"
      "In a Flyte container (same flags as pyflyte-execute):\n"
      "  flyte-execute --inputs {{.input}} --output-prefix {{.outputPrefix}} \\\n"
      "    --raw-output-data-prefix {{.rawOutputDataPrefix}} \\\n"
      "    --checkpoint-path {{.checkpointOutputPrefix}} --prev-checkpoint "
      "{{.prevCheckpointPrefix}} \\\n"
      "    --resolver flyte -- task-library /opt/tasks/libmy_tasks.so task-name add\n"
      "Locally:\n"
      "  flyte-execute --task build/lib/libexample_tasks.so:add --input a=2 --input b=3\n"
      "  flyte-execute --list build/lib/libexample_tasks.so",
      "flyte-execute"};
  app.set_version_flag("--version", std::string("flyte-execute ") + FLYTE_EXECUTE_VERSION);
  app.get_formatter()->column_width(36);

  add_optional(app, "--inputs", o.inputs, "URI of the task's inputs.pb (flyteidl LiteralMap)")
      ->group("Flyte container");
  add_optional(app, "--output-prefix", o.output_prefix,
               "URI folder for outputs.pb / error.pb / deck.html")
      ->group("Flyte container");
  add_optional(app, "--raw-output-data-prefix", o.raw_output_data_prefix,
               "URI folder for offloaded data (files, directories)")
      ->group("Flyte container");
  add_optional(app, "--checkpoint-path", o.checkpoint_path, "where this attempt saves checkpoints")
      ->group("Flyte container");
  add_optional(app, "--prev-checkpoint", o.prev_checkpoint, "the previous attempt's checkpoint")
      ->group("Flyte container");
  app.add_flag("--test", o.test, "set everything up, log what would run, run nothing")
      ->group("Flyte container");
  add_optional(app, "--resolver", o.resolver,
               "accepted for pyflyte-execute compatibility; the task follows '--'")
      ->group("Flyte container");
  app.add_flag(
         "--map-task", o.map_task,
         "array job: run element BATCH_JOB_ARRAY_INDEX_OFFSET + $BATCH_JOB_ARRAY_INDEX_VAR_NAME")
      ->group("Flyte container");
  // pyflyte-execute / pyflyte-map-execute flags Flyte may pass; they do not
  // apply to native tasks and are ignored.
  std::string ignored;
  for (const char* name : {"--dynamic-addl-distro", "--dynamic-dest-dir", "--max-concurrency"}) {
    app.add_option(name, ignored, "ignored (pyflyte compatibility)")->group("");
  }
  bool ignored_flag = false;
  app.add_flag("--experimental", ignored_flag, "ignored (pyflyte compatibility)")->group("");
  app.add_option("resolver_args", o.resolver_args,
                 "after '--': LIB.so:SYMBOL, or task-library LIB.so task-name SYMBOL")
      ->group("Flyte container");

  app.add_option_function<std::string>(
         "--task", [&o](const std::string& text) { o.task = TaskRef::parse(text); },
         "the task to run: LIB.so:SYMBOL")
      ->group("Task");
  add_optional(app, "--list", result.list_library,
               "print the tasks LIB.so exports with their typed interfaces")
      ->group("Task");
  app.add_option("--format", result.list_format,
                 "with --list: text, or json (one {\"name\", \"interface\": flyteidl "
                 "TypedInterface} object per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->group("Task");
  app.add_option_function<std::vector<std::string>>(
         "--input",
         [&o](const std::vector<std::string>& items) {
           for (const auto& item : items) o.cli_inputs.push_back(parse_input_assignment(item));
         },
         "NAME=VALUE, typed by the task's interface (JSON for lists, maps, dicts); repeatable")
      ->group("Local run");
  app.add_option_function<std::string>(
         "--inputs-json", [&o](const std::string& path) { o.inputs_file = path; },
         "a JSON or YAML file mapping input names to values")
      ->group("Local run")
      ->check(CLI::ExistingFile);
  app.add_option_function<std::string>(
         "--config", [&o](const std::string& path) { o.config_file = path; },
         "YAML config (default: $FLYTECTL_CONFIG, else ~/.flyte/config.yaml)")
      ->group("Settings")
      ->check(CLI::ExistingFile);
  add_optional(app, "--log-level", o.log_level,
               "DEBUG, INFO, WARNING, ERROR, CRITICAL or 10..50 (default: FLYTE_SDK_LOGGING_LEVEL)")
      ->group("Settings");
  app.add_flag("--in-process", o.in_process,
               "run the task in this process, unsupervised (for debuggers; a crash then leaves "
               "no error.pb)")
      ->group("Settings");
  app.add_flag("--keep-sandbox", o.keep_sandbox,
               "keep this run's sandbox folder (working directory, downloads, staged results) "
               "when it ends; by default it is removed (also local.keep_sandbox)")
      ->group("Settings");
  app.add_option_function<std::string>(
         "--timeout",
         [&o](const std::string& text) { o.timeout = parse_duration_flag("--timeout", text); },
         "end the task with a USER:Timeout error after this long (e.g. 30m)")
      ->group("Settings");
  app.add_option_function<std::string>(
         "--grace-period",
         [&o](const std::string& text) {
           o.grace_period = parse_duration_flag("--grace-period", text);
         },
         "time a task gets after SIGTERM or its timeout to checkpoint and exit (default 10s)")
      ->group("Settings");
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "more logging: -v INFO, -vv DEBUG")->group("Settings");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    result.action = CommandLine::Action::HELP;
    result.text = app.help();
    return result;
  } catch (const CLI::CallForVersion& e) {
    result.action = CommandLine::Action::VERSION;
    result.text = e.what();
    return result;
  } catch (const UsageError&) {
    throw;
  } catch (const CLI::ParseError& e) {
    throw UsageError(std::string(e.what()) + "\nRun flyte-execute --help for the options.");
  }
  if (verbosity > 0 && !o.log_level) o.log_level = verbosity >= 2 ? "DEBUG" : "INFO";
  if (result.list_library) {
    result.action = CommandLine::Action::LIST;
    return result;
  }
  if (app.count("--format") > 0) throw UsageError("--format applies only to --list");
  o.normalize_templates();
  if (o.output_prefix && o.output_prefix->empty()) {
    // An empty prefix would publish into the current directory.
    throw UsageError("--output-prefix must not be empty (give a folder or an s3:// prefix)");
  }
  if (o.inputs && !o.output_prefix) {
    throw UsageError(
        "--inputs needs --output-prefix (Flyte passes both); for a local run use --task with "
        "--input NAME=VALUE, and --output-prefix DIR to keep outputs.pb instead of printing JSON");
  }
  if (o.is_container_run() && (!o.cli_inputs.empty() || o.inputs_file)) {
    throw UsageError("--input/--inputs-json cannot be combined with --inputs (inputs.pb)");
  }
  o.task_ref();  // a run needs a task: fail now, with the usage message
  return result;
}

}  // namespace flyte
