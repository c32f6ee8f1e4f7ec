#include "flyte/runtime/run_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace flyte {

TaskRef TaskRef::parse(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw UsageError(fmt::format(
        "--task '{}': expected LIB.so:SYMBOL, e.g. build/lib/libexample_tasks.so:add", text));
  }
  return {std::filesystem::path(std::string(text.substr(0, colon))),
          std::string(text.substr(colon + 1))};
}

TaskRef TaskRef::from_resolver_args(const std::vector<std::string>& args) {
  std::optional<std::string> library;
  std::optional<std::string> symbol;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "task-library" || args[i] == "task-module") && i + 1 < args.size()) {
      library = args[++i];
    } else if (args[i] == "task-name" && i + 1 < args.size()) {
      symbol = args[++i];
    } else if (args[i].find(':') != std::string::npos && !library) {
      return parse(args[i]);
    }
  }
  if (library && symbol) return {*library, *symbol};
  throw UsageError(
      fmt::format("cannot find the task in the resolver arguments [{}]: pass '-- LIB.so:SYMBOL' or "
                  "'-- task-library LIB.so task-name SYMBOL', or use --task LIB.so:SYMBOL",
                  fmt::join(args, " ")));
}

TaskRef RunOptions::task_ref() const {
  if (task) return *task;
  if (!resolver_args.empty()) return TaskRef::from_resolver_args(resolver_args);
  throw UsageError(
      "no task given: pass --task LIB.so:SYMBOL (or --resolver ... -- LIB.so:SYMBOL as "
      "Flyte's container args do)");
}

std::optional<std::string> normalize_template(const std::optional<std::string>& value) {
  if (!value || value->empty() || *value == "\"\"") return std::nullopt;
  if (value->size() >= 4 && value->rfind("{{", 0) == 0 &&
      value->compare(value->size() - 2, 2, "}}") == 0) {
    return std::nullopt;
  }
  return value;
}

void RunOptions::normalize_templates() {
  raw_output_data_prefix = normalize_template(raw_output_data_prefix);
  checkpoint_path = normalize_template(checkpoint_path);
  prev_checkpoint = normalize_template(prev_checkpoint);
}

std::pair<std::string, std::string> parse_input_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(fmt::format("--input '{}': expected NAME=VALUE, e.g. --input a=2", text));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

}  // namespace flyte
