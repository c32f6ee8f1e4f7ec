#pragma once

/// flyte-execute's command line: pyflyte-execute's flags (CONTRACT §1) so it
/// drops into Flyte's container args unchanged, plus local conveniences.

#include <optional>
#include <string>
#include <vector>

#include "flyte/runtime/run_options.hpp"

namespace flyte {

/// What main() should do after parsing.
struct CommandLine {
  enum class Action { RUN, LIST, HELP, VERSION };
  Action action = Action::RUN;
  RunOptions options;
  std::optional<std::string> list_library;  ///< --list LIB.so
  /// --format for --list: "text" (one readable line per task) or "json" (one
  /// {"name", "interface": flyteidl.core.TypedInterface} object per line).
  std::string list_format = "text";
  std::string text;  ///< help or version text for HELP/VERSION
};

/// Parses argv. Throws UsageError (exit code 2) with CLI11's explanation and a
/// pointer to --help on any bad flag or value.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace flyte
