#include "flyte/model/identifier.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "flyteidl/core/identifier.pb.h"

namespace flyte {
namespace {

// Splits on ':' keeping empty fields, so `ex:p::n` has four parts.
std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
}

std::vector<std::string_view> expect_fields(std::string_view text, std::string_view prefix,
                                            std::size_t count, std::string_view shape) {
  auto parts = split_fields(text);
  if (parts.size() != count || parts.front() != prefix) {
    throw ModelError(
        fmt::format("cannot parse '{}': expected the form '{}' ({} fields separated "
                    "by ':'), found {} field(s)",
                    text, shape, count, parts.size()));
  }
  return parts;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// boost::hash_combine's mixing step: good enough spread for hash maps of ids.
void combine(std::size_t& seed, std::size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

template <typename Message>
Message parse_message(std::string_view bytes, std::string_view type_name) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw ModelError(
        fmt::format("cannot decode {} bytes as flyteidl.core.{}: not a valid "
                    "protobuf message of that type",
                    bytes.size(), type_name));
  }
  return message;
}

constexpr std::array<std::string_view, 5> kResourceTypeNames = {"UNSPECIFIED", "TASK", "WORKFLOW",
                                                                "LAUNCH_PLAN", "DATASET"};

}  // namespace

std::string_view to_string(ResourceType type) {
  const auto index = static_cast<std::size_t>(type);
  return index < kResourceTypeNames.size() ? kResourceTypeNames[index] : "INVALID";
}

ResourceType resource_type_from_number(int number) {
  if (number < 0 || number >= static_cast<int>(kResourceTypeNames.size())) {
    throw ModelError(fmt::format(
        "unknown resource_type {}: flyteidl.core.ResourceType has 0 (UNSPECIFIED), 1 (TASK), "
        "2 (WORKFLOW), 3 (LAUNCH_PLAN) and 4 (DATASET)",
        number));
  }
  return static_cast<ResourceType>(number);
}

ResourceType resource_type_from_name(std::string_view name) {
  const std::string key = lower(name);
  if (key == "tsk" || key == "task") return ResourceType::TASK;
  if (key == "wf" || key == "workflow") return ResourceType::WORKFLOW;
  if (key == "lp" || key == "launch_plan") return ResourceType::LAUNCH_PLAN;
  if (key == "ds" || key == "dataset") return ResourceType::DATASET;
  if (key == "unspecified") return ResourceType::UNSPECIFIED;
  throw ModelError(fmt::format(
      "unknown resource type '{}': use TASK, WORKFLOW, LAUNCH_PLAN, DATASET or UNSPECIFIED "
      "(or tsk, wf, lp, ds)",
      name));
}

// ---- Identifier ------------------------------------------------------------

std::string Identifier::to_string() const {
  return fmt::format("{}:{}:{}:{}:{}", flyte::to_string(resource_type), project, domain, name,
                     version);
}

Identifier Identifier::parse(std::string_view text) {
  auto parts = split_fields(text);
  if (parts.size() != 5) {
    throw ModelError(
        fmt::format("cannot parse identifier '{}': expected 'TYPE:project:domain:name:version' "
                    "(5 fields separated by ':'), found {} field(s)",
                    text, parts.size()));
  }
  return Identifier{resource_type_from_name(parts[0]),
                    std::string(parts[1]),
                    std::string(parts[2]),
                    std::string(parts[3]),
                    std::string(parts[4]),
                    {}};
}

flyteidl::core::Identifier Identifier::to_flyte_idl() const {
  flyteidl::core::Identifier message;
  message.set_resource_type(static_cast<flyteidl::core::ResourceType>(resource_type));
  message.set_project(project);
  message.set_domain(domain);
  message.set_name(name);
  message.set_version(version);
  message.set_org(org);
  return message;
}

Identifier Identifier::from_flyte_idl(const flyteidl::core::Identifier& message) {
  return Identifier{resource_type_from_number(message.resource_type()),
                    message.project(),
                    message.domain(),
                    message.name(),
                    message.version(),
                    message.org()};
}

// ---- WorkflowExecutionIdentifier -------------------------------------------

std::string WorkflowExecutionIdentifier::to_string() const {
  return fmt::format("ex:{}:{}:{}", project, domain, name);
}

WorkflowExecutionIdentifier WorkflowExecutionIdentifier::parse(std::string_view text) {
  auto parts = expect_fields(text, "ex", 4, "ex:project:domain:name");
  return {std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), {}};
}

flyteidl::core::WorkflowExecutionIdentifier WorkflowExecutionIdentifier::to_flyte_idl() const {
  flyteidl::core::WorkflowExecutionIdentifier message;
  message.set_project(project);
  message.set_domain(domain);
  message.set_name(name);
  message.set_org(org);
  return message;
}

WorkflowExecutionIdentifier WorkflowExecutionIdentifier::from_flyte_idl(
    const flyteidl::core::WorkflowExecutionIdentifier& message) {
  return {message.project(), message.domain(), message.name(), message.org()};
}

// ---- NodeExecutionIdentifier -----------------------------------------------

std::string NodeExecutionIdentifier::to_string() const {
  return fmt::format("ne:{}:{}:{}:{}", execution_id.project, execution_id.domain, execution_id.name,
                     node_id);
}

NodeExecutionIdentifier NodeExecutionIdentifier::parse(std::string_view text) {
  auto parts = expect_fields(text, "ne", 5, "ne:project:domain:name:node_id");
  return {std::string(parts[4]),
          {std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), {}}};
}

flyteidl::core::NodeExecutionIdentifier NodeExecutionIdentifier::to_flyte_idl() const {
  flyteidl::core::NodeExecutionIdentifier message;
  message.set_node_id(node_id);
  *message.mutable_execution_id() = execution_id.to_flyte_idl();
  return message;
}

NodeExecutionIdentifier NodeExecutionIdentifier::from_flyte_idl(
    const flyteidl::core::NodeExecutionIdentifier& message) {
  return {message.node_id(), WorkflowExecutionIdentifier::from_flyte_idl(message.execution_id())};
}

// ---- TaskExecutionIdentifier -----------------------------------------------

std::string TaskExecutionIdentifier::to_string() const {
  const auto& ex = node_execution_id.execution_id;
  return fmt::format("te:{}:{}:{}:{}:{}:{}:{}:{}:{}", ex.project, ex.domain, ex.name,
                     node_execution_id.node_id, task_id.project, task_id.domain, task_id.name,
                     task_id.version, retry_count);
}

TaskExecutionIdentifier TaskExecutionIdentifier::parse(std::string_view text) {
  auto parts = expect_fields(text, "te", 10,
                             "te:exec_project:exec_domain:exec_name:node_id:task_project:"
                             "task_domain:task_name:task_version:retry");
  std::uint32_t retry = 0;
  const auto last = parts[9];
  const auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), retry);
  if (ec != std::errc() || end != last.data() + last.size() || last.empty()) {
    throw ModelError(
        fmt::format("cannot parse task execution id '{}': retry '{}' is not a non-negative integer",
                    text, last));
  }
  TaskExecutionIdentifier id;
  id.node_execution_id = {
      std::string(parts[4]),
      {std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), {}}};
  id.task_id = {ResourceType::TASK,    std::string(parts[5]), std::string(parts[6]),
                std::string(parts[7]), std::string(parts[8]), {}};
  id.retry_count = retry;
  return id;
}

flyteidl::core::TaskExecutionIdentifier TaskExecutionIdentifier::to_flyte_idl() const {
  flyteidl::core::TaskExecutionIdentifier message;
  *message.mutable_task_id() = task_id.to_flyte_idl();
  *message.mutable_node_execution_id() = node_execution_id.to_flyte_idl();
  message.set_retry_attempt(retry_count);
  return message;
}

TaskExecutionIdentifier TaskExecutionIdentifier::from_flyte_idl(
    const flyteidl::core::TaskExecutionIdentifier& message) {
  return {Identifier::from_flyte_idl(message.task_id()),
          NodeExecutionIdentifier::from_flyte_idl(message.node_execution_id()),
          message.retry_attempt()};
}

// ---- SignalIdentifier ------------------------------------------------------

std::string SignalIdentifier::to_string() const {
  return fmt::format("sig:{}:{}:{}:{}", execution_id.project, execution_id.domain,
                     execution_id.name, signal_id);
}

SignalIdentifier SignalIdentifier::parse(std::string_view text) {
  auto parts = expect_fields(text, "sig", 5, "sig:project:domain:name:signal_id");
  return {std::string(parts[4]),
          {std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), {}}};
}

flyteidl::core::SignalIdentifier SignalIdentifier::to_flyte_idl() const {
  flyteidl::core::SignalIdentifier message;
  message.set_signal_id(signal_id);
  *message.mutable_execution_id() = execution_id.to_flyte_idl();
  return message;
}

SignalIdentifier SignalIdentifier::from_flyte_idl(const flyteidl::core::SignalIdentifier& message) {
  return {message.signal_id(), WorkflowExecutionIdentifier::from_flyte_idl(message.execution_id())};
}

// ---- bytes -----------------------------------------------------------------

std::string to_bytes(const Identifier& id) {
  return id.to_flyte_idl().SerializeAsString();
}
std::string to_bytes(const WorkflowExecutionIdentifier& id) {
  return id.to_flyte_idl().SerializeAsString();
}
std::string to_bytes(const NodeExecutionIdentifier& id) {
  return id.to_flyte_idl().SerializeAsString();
}
std::string to_bytes(const TaskExecutionIdentifier& id) {
  return id.to_flyte_idl().SerializeAsString();
}
std::string to_bytes(const SignalIdentifier& id) {
  return id.to_flyte_idl().SerializeAsString();
}

template <>
Identifier from_bytes<Identifier>(std::string_view bytes) {
  return Identifier::from_flyte_idl(parse_message<flyteidl::core::Identifier>(bytes, "Identifier"));
}
template <>
WorkflowExecutionIdentifier from_bytes<WorkflowExecutionIdentifier>(std::string_view bytes) {
  return WorkflowExecutionIdentifier::from_flyte_idl(
      parse_message<flyteidl::core::WorkflowExecutionIdentifier>(bytes,
                                                                 "WorkflowExecutionIdentifier"));
}
template <>
NodeExecutionIdentifier from_bytes<NodeExecutionIdentifier>(std::string_view bytes) {
  return NodeExecutionIdentifier::from_flyte_idl(
      parse_message<flyteidl::core::NodeExecutionIdentifier>(bytes, "NodeExecutionIdentifier"));
}
template <>
TaskExecutionIdentifier from_bytes<TaskExecutionIdentifier>(std::string_view bytes) {
  return TaskExecutionIdentifier::from_flyte_idl(
      parse_message<flyteidl::core::TaskExecutionIdentifier>(bytes, "TaskExecutionIdentifier"));
}
template <>
SignalIdentifier from_bytes<SignalIdentifier>(std::string_view bytes) {
  return SignalIdentifier::from_flyte_idl(
      parse_message<flyteidl::core::SignalIdentifier>(bytes, "SignalIdentifier"));
}

}  // namespace flyte

// ---- hashing ---------------------------------------------------------------

using flyte::combine;

std::size_t std::hash<flyte::Identifier>::operator()(const flyte::Identifier& id) const noexcept {
  std::size_t seed = static_cast<std::size_t>(id.resource_type);
  for (const auto* part : {&id.project, &id.domain, &id.name, &id.version, &id.org}) {
    combine(seed, std::hash<std::string>{}(*part));
  }
  return seed;
}

std::size_t std::hash<flyte::WorkflowExecutionIdentifier>::operator()(
    const flyte::WorkflowExecutionIdentifier& id) const noexcept {
  std::size_t seed = 0;
  for (const auto* part : {&id.project, &id.domain, &id.name, &id.org}) {
    combine(seed, std::hash<std::string>{}(*part));
  }
  return seed;
}

std::size_t std::hash<flyte::NodeExecutionIdentifier>::operator()(
    const flyte::NodeExecutionIdentifier& id) const noexcept {
  std::size_t seed = std::hash<std::string>{}(id.node_id);
  combine(seed, std::hash<flyte::WorkflowExecutionIdentifier>{}(id.execution_id));
  return seed;
}

std::size_t std::hash<flyte::TaskExecutionIdentifier>::operator()(
    const flyte::TaskExecutionIdentifier& id) const noexcept {
  std::size_t seed = std::hash<flyte::Identifier>{}(id.task_id);
  combine(seed, std::hash<flyte::NodeExecutionIdentifier>{}(id.node_execution_id));
  combine(seed, id.retry_count);
  return seed;
}

std::size_t std::hash<flyte::SignalIdentifier>::operator()(
    const flyte::SignalIdentifier& id) const noexcept {
  std::size_t seed = std::hash<std::string>{}(id.signal_id);
  combine(seed, std::hash<flyte::WorkflowExecutionIdentifier>{}(id.execution_id));
  return seed;
}
