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

std::chrono::milliseconds parse_duration_flag(std::string_view flag, std::string_view text) {
  const std::string value(text);
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = value.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "ms")
    scale = 1;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  if (used == 0 || scale == 0 || !(number >= 0) || number * scale > 1e15) {
    throw UsageError(
        fmt::format("{} '{}': expected a duration like 90, 90s, 1.5m, 2h or 500ms", flag, text));
  }
  return std::chrono::milliseconds(static_cast<long long>(number * scale));
}

std::pair<std::string, std::string> parse_input_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(fmt::format("--input '{}': expected NAME=VALUE, e.g. --input a=2", text));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

}  // namespace flyte
