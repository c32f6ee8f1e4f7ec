#pragma once

/// Flyte's core identifier models (flytekit.models.core.identifier), as plain
/// value types. Each converts exactly to and from its flyteidl.core message, so
/// ids read from the engine are written back bit for bit.
///
/// String forms follow flytekit: `Identifier` prints as
/// `TASK:project:domain:name:version`; execution ids use the CLI prefixes
/// `ex:`, `te:`. `org` is carried in equality, hashing and protobuf, but not in
/// the string forms (flytekit leaves it out too).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "flyte/model/model_error.hpp"

namespace flyteidl::core {
class Identifier;
class WorkflowExecutionIdentifier;
class NodeExecutionIdentifier;
class TaskExecutionIdentifier;
class SignalIdentifier;
}  // namespace flyteidl::core

namespace flyte {

/// The kind of entity an `Identifier` names; numbers are flyteidl's.
enum class ResourceType : int {
  UNSPECIFIED = 0,
  TASK = 1,
  WORKFLOW = 2,
  LAUNCH_PLAN = 3,
  DATASET = 4,
};

/// The enum name as flyteidl spells it (`"TASK"`, `"LAUNCH_PLAN"`...).
std::string_view to_string(ResourceType type);

/// Checks a number read from the wire; throws ModelError naming the number and
/// the valid range, since proto3 keeps unknown enum values instead of failing.
ResourceType resource_type_from_number(int number);

/// Accepts the enum name (`TASK`) and the CLI short forms (`tsk`, `wf`, `lp`,
/// `ds`), case-insensitively; throws ModelError otherwise.
ResourceType resource_type_from_name(std::string_view name);

/// Names a task, workflow, launch plan or dataset at one version.
struct Identifier {
  ResourceType resource_type = ResourceType::UNSPECIFIED;
  std::string project;
  std::string domain;
  std::string name;
  std::string version;
  std::string org;

  bool operator==(const Identifier&) const = default;

  /// `TASK:project:domain:name:version`.
  std::string to_string() const;
  /// Parses `TASK:p:d:n:v` or the CLI form `tsk:p:d:n:v`.
  static Identifier parse(std::string_view text);

  flyteidl::core::Identifier to_flyte_idl() const;
  static Identifier from_flyte_idl(const flyteidl::core::Identifier& message);
};

/// Names one run of a workflow (`ex:project:domain:name`).
struct WorkflowExecutionIdentifier {
  std::string project;
  std::string domain;
  std::string name;
  std::string org;

  bool operator==(const WorkflowExecutionIdentifier&) const = default;

  std::string to_string() const;
  /// Parses `ex:p:d:n`.
  static WorkflowExecutionIdentifier parse(std::string_view text);

  flyteidl::core::WorkflowExecutionIdentifier to_flyte_idl() const;
  static WorkflowExecutionIdentifier from_flyte_idl(
      const flyteidl::core::WorkflowExecutionIdentifier& message);
};

/// Names one node within a workflow execution (`ne:p:d:n:node_id`).
struct NodeExecutionIdentifier {
  std::string node_id;
  WorkflowExecutionIdentifier execution_id;

  bool operator==(const NodeExecutionIdentifier&) const = default;

  std::string to_string() const;
  /// Parses `ne:p:d:n:node_id`.
  static NodeExecutionIdentifier parse(std::string_view text);

  flyteidl::core::NodeExecutionIdentifier to_flyte_idl() const;
  static NodeExecutionIdentifier from_flyte_idl(
      const flyteidl::core::NodeExecutionIdentifier& message);
};

/// Names one attempt of a task in a node (flyteidl field `retry_attempt`).
struct TaskExecutionIdentifier {
  Identifier task_id;
  NodeExecutionIdentifier node_execution_id;
  std::uint32_t retry_count = 0;

  bool operator==(const TaskExecutionIdentifier&) const = default;

  /// `te:<exec p>:<exec d>:<exec n>:<node id>:<task p>:<task d>:<task n>:<task v>:<retry>`.
  std::string to_string() const;
  static TaskExecutionIdentifier parse(std::string_view text);

  flyteidl::core::TaskExecutionIdentifier to_flyte_idl() const;
  static TaskExecutionIdentifier from_flyte_idl(
      const flyteidl::core::TaskExecutionIdentifier& message);
};

/// Names a signal (a gate node's input) within a workflow execution.
struct SignalIdentifier {
  std::string signal_id;
  WorkflowExecutionIdentifier execution_id;

  bool operator==(const SignalIdentifier&) const = default;

  /// `sig:p:d:n:signal_id`.
  std::string to_string() const;
  static SignalIdentifier parse(std::string_view text);

  flyteidl::core::SignalIdentifier to_flyte_idl() const;
  static SignalIdentifier from_flyte_idl(const flyteidl::core::SignalIdentifier& message);
};

/// Serialized flyteidl bytes, for callers that hold the wire form (the engine's
/// files, other languages' SDKs). Throw ModelError on undecodable bytes.
std::string to_bytes(const Identifier& id);
std::string to_bytes(const WorkflowExecutionIdentifier& id);
std::string to_bytes(const NodeExecutionIdentifier& id);
std::string to_bytes(const TaskExecutionIdentifier& id);
std::string to_bytes(const SignalIdentifier& id);
template <typename T>
T from_bytes(std::string_view bytes);

}  // namespace flyte

template <>
struct std::hash<flyte::Identifier> {
  std::size_t operator()(const flyte::Identifier& id) const noexcept;
};
template <>
struct std::hash<flyte::WorkflowExecutionIdentifier> {
  std::size_t operator()(const flyte::WorkflowExecutionIdentifier& id) const noexcept;
};
template <>
struct std::hash<flyte::NodeExecutionIdentifier> {
  std::size_t operator()(const flyte::NodeExecutionIdentifier& id) const noexcept;
};
template <>
struct std::hash<flyte::TaskExecutionIdentifier> {
  std::size_t operator()(const flyte::TaskExecutionIdentifier& id) const noexcept;
};
template <>
struct std::hash<flyte::SignalIdentifier> {
  std::size_t operator()(const flyte::SignalIdentifier& id) const noexcept;
};
