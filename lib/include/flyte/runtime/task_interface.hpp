#pragma once

/// A loaded task's declared interface, parsed once into Flyte types so that
/// every later step (input decoding, the host API, output encoding, --list)
/// works from the same checked description.

#include <map>
#include <string>

#include "flyte/model/literal_converter.hpp"
#include "flyte/runtime/task_library.hpp"

namespace flyte {

struct TaskInterface {
  VariableTypes inputs;   ///< declaration order
  VariableTypes outputs;  ///< declaration order

  /// Parses every variable's type string. A bad type is a TaskLoadError naming
  /// the task, the variable and the parser's message (the library is at fault).
  static TaskInterface of(const LoadedTask& task);

  const flyteidl::core::LiteralType* input_type(std::string_view name) const;
  const flyteidl::core::LiteralType* output_type(std::string_view name) const;
  std::map<std::string, flyteidl::core::LiteralType> input_type_map() const;
  std::map<std::string, flyteidl::core::LiteralType> output_type_map() const;
};

/// `name: type` lines for --list, e.g. "add(a: integer, b: integer) -> (c: integer)".
std::string describe_task(const LoadedTask& task);

}  // namespace flyte
