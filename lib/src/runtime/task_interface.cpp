#include "flyte/runtime/task_interface.hpp"

#include <fmt/format.h>

#include "flyte/model/flyte_type.hpp"
#include "flyteidl/core/types.pb.h"

namespace flyte {
namespace {

VariableTypes parse_side(const LoadedTask& task, const std::vector<TaskVariable>& variables,
                         std::string_view side) {
  VariableTypes parsed;
  for (const auto& variable : variables) {
    try {
      parsed.emplace_back(variable.name, parse_flyte_type(variable.type));
    } catch (const std::exception& e) {
      throw TaskLoadError(fmt::format(
          "task '{}' declares {} '{}' with type '{}', which is not a Flyte type: {}. Fix the "
          "type string in the task library (see flyte/task.h for the grammar).",
          task.name, side, variable.name, variable.type, e.what()));
    }
  }
  return parsed;
}

const flyteidl::core::LiteralType* find(const VariableTypes& side, std::string_view name) {
  for (const auto& [variable, type] : side) {
    if (variable == name) return &type;
  }
  return nullptr;
}

}  // namespace

TaskInterface TaskInterface::of(const LoadedTask& task) {
  return {parse_side(task, task.inputs, "input"), parse_side(task, task.outputs, "output")};
}

const flyteidl::core::LiteralType* TaskInterface::input_type(std::string_view name) const {
  return find(inputs, name);
}

const flyteidl::core::LiteralType* TaskInterface::output_type(std::string_view name) const {
  return find(outputs, name);
}

std::map<std::string, flyteidl::core::LiteralType> TaskInterface::input_type_map() const {
  return {inputs.begin(), inputs.end()};
}

std::map<std::string, flyteidl::core::LiteralType> TaskInterface::output_type_map() const {
  return {outputs.begin(), outputs.end()};
}

std::string describe_task(const LoadedTask& task) {
  auto side = [](const std::vector<TaskVariable>& variables) {
    std::string text;
    for (const auto& v : variables) {
      if (!text.empty()) text += ", ";
      text += fmt::format("{}: {}", v.name, v.type);
    }
    return text;
  };
  std::string line =
      fmt::format("{}({}) -> ({})", task.symbol, side(task.inputs), side(task.outputs));
  if (!task.description.empty()) line += "\n    " + task.description;
  // Variable descriptions (a C task's FLYTE_Variable.description, flytekit's
  // docstring parameters) under the signature, one per line.
  for (const auto* side_variables : {&task.inputs, &task.outputs}) {
    const char* role = side_variables == &task.inputs ? "input" : "output";
    for (const auto& v : *side_variables) {
      if (!v.description.empty())
        line += fmt::format("\n    {} {}: {}", role, v.name, v.description);
    }
  }
  for (const auto& secret : task.secrets) {
    line += fmt::format("\n    secret: {}/{}", secret.group, secret.key);
  }
  if (task.deck_enabled()) line += "\n    decks: enabled";
  return line;
}

}  // namespace flyte
