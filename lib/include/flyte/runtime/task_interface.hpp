#pragma once

/// A loaded task's declared interface, parsed once into Flyte types so that
/// every later step (input decoding, the host API, output encoding, --list)
/// works from the same checked description.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

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

/// The interface as flyteidl.core.TypedInterface in protobuf's JSON mapping,
/// exactly as flytekit types the equivalent Python signature
/// (flytekit.core.interface.transform_interface_to_typed_interface): one
/// Variable per input/output with its LiteralType, and as description the
/// declared one or else the variable's name (flytekit's default when the
/// docstring does not describe a parameter).
nlohmann::json typed_interface_json(const LoadedTask& task, const TaskInterface& interface);

/// `name: type` lines for --list, e.g. "add(a: integer, b: integer) -> (c: integer)".
std::string describe_task(const LoadedTask& task);

}  // namespace flyte
