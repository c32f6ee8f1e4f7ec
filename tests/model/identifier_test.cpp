#include "flyte/model/identifier.hpp"

#include <catch2/catch.hpp>
#include <unordered_set>

#include "flyteidl/core/identifier.pb.h"

using namespace flyte;

namespace {

Identifier sample_task() {
  return {ResourceType::TASK, "flytesnacks", "development", "core.add", "v1", "acme"};
}
WorkflowExecutionIdentifier sample_execution() {
  return {"flytesnacks", "development", "f8a2b1c0", "acme"};
}

}  // namespace

TEST_CASE("ResourceType numbers match flyteidl") {
  CHECK(static_cast<int>(ResourceType::UNSPECIFIED) == flyteidl::core::UNSPECIFIED);
  CHECK(static_cast<int>(ResourceType::TASK) == flyteidl::core::TASK);
  CHECK(static_cast<int>(ResourceType::WORKFLOW) == flyteidl::core::WORKFLOW);
  CHECK(static_cast<int>(ResourceType::LAUNCH_PLAN) == flyteidl::core::LAUNCH_PLAN);
  CHECK(static_cast<int>(ResourceType::DATASET) == flyteidl::core::DATASET);
  CHECK(to_string(ResourceType::LAUNCH_PLAN) == "LAUNCH_PLAN");
  CHECK(resource_type_from_name("lp") == ResourceType::LAUNCH_PLAN);
  CHECK(resource_type_from_name("Workflow") == ResourceType::WORKFLOW);
  CHECK_THROWS_WITH(resource_type_from_name("job"), Catch::Contains("unknown resource type 'job'"));
  CHECK_THROWS_WITH(resource_type_from_number(9), Catch::Contains("unknown resource_type 9"));
}

TEST_CASE("Identifier round-trips through flyteidl bytes exactly") {
  const Identifier id = sample_task();
  const std::string bytes = to_bytes(id);

  flyteidl::core::Identifier decoded;
  REQUIRE(decoded.ParseFromString(bytes));
  CHECK(decoded.resource_type() == flyteidl::core::TASK);
  CHECK(decoded.project() == "flytesnacks");
  CHECK(decoded.version() == "v1");
  CHECK(decoded.org() == "acme");

  CHECK(from_bytes<Identifier>(bytes) == id);
  CHECK(to_bytes(from_bytes<Identifier>(bytes)) == bytes);
}

TEST_CASE("Identifier equality, hashing and string form") {
  Identifier a = sample_task();
  Identifier b = sample_task();
  CHECK(a == b);
  CHECK(std::hash<Identifier>{}(a) == std::hash<Identifier>{}(b));
  b.version = "v2";
  CHECK_FALSE(a == b);
  CHECK(std::unordered_set<Identifier>{a, b, sample_task()}.size() == 2);

  CHECK(a.to_string() == "TASK:flytesnacks:development:core.add:v1");
  const Identifier parsed = Identifier::parse("tsk:p:d:n:v");
  CHECK(parsed == Identifier{ResourceType::TASK, "p", "d", "n", "v", ""});
  CHECK(Identifier::parse(parsed.to_string()) == parsed);
}

TEST_CASE("Identifier rejects bad input with a specific message") {
  flyteidl::core::Identifier message;
  message.set_resource_type(static_cast<flyteidl::core::ResourceType>(7));
  CHECK_THROWS_WITH(Identifier::from_flyte_idl(message),
                    Catch::Contains("unknown resource_type 7") && Catch::Contains("DATASET"));
  // The same through the wire: proto3 keeps the unknown number, we refuse it.
  CHECK_THROWS_AS(from_bytes<Identifier>(message.SerializeAsString()), ModelError);
  CHECK_THROWS_WITH(from_bytes<Identifier>(std::string("\xff\xff\xff", 3)),
                    Catch::Contains("flyteidl.core.Identifier"));
  CHECK_THROWS_WITH(Identifier::parse("TASK:p:d:n"), Catch::Contains("found 4 field(s)"));
}

TEST_CASE("WorkflowExecutionIdentifier uses field 4 for name and round-trips") {
  const auto ex = sample_execution();
  const std::string bytes = to_bytes(ex);
  // Field 4, wire type 2 (length-delimited) => tag byte 0x22 followed by "f8a2b1c0".
  CHECK(bytes.find(std::string("\x22\x08"
                               "f8a2b1c0",
                               10)) != std::string::npos);
  CHECK(from_bytes<WorkflowExecutionIdentifier>(bytes) == ex);
  CHECK(ex.to_string() == "ex:flytesnacks:development:f8a2b1c0");
  auto parsed = WorkflowExecutionIdentifier::parse("ex:p:d:n");
  CHECK(parsed == WorkflowExecutionIdentifier{"p", "d", "n", ""});
  CHECK(std::hash<WorkflowExecutionIdentifier>{}(parsed) ==
        std::hash<WorkflowExecutionIdentifier>{}(WorkflowExecutionIdentifier{"p", "d", "n", ""}));
  CHECK_FALSE(parsed == ex);
  CHECK_THROWS_WITH(WorkflowExecutionIdentifier::parse("wf:p:d:n"),
                    Catch::Contains("ex:project:domain:name"));
  CHECK_THROWS_AS(from_bytes<WorkflowExecutionIdentifier>(std::string("\x0a\x10", 2)), ModelError);
}

TEST_CASE("NodeExecutionIdentifier round-trips and prints") {
  const NodeExecutionIdentifier node{"n0", sample_execution()};
  CHECK(from_bytes<NodeExecutionIdentifier>(to_bytes(node)) == node);
  CHECK(node.to_string() == "ne:flytesnacks:development:f8a2b1c0:n0");
  auto parsed = NodeExecutionIdentifier::parse("ne:p:d:n:node-1");
  CHECK(parsed.node_id == "node-1");
  CHECK(parsed.execution_id.name == "n");
  CHECK(NodeExecutionIdentifier::parse(parsed.to_string()) == parsed);
  NodeExecutionIdentifier other = node;
  other.node_id = "n1";
  CHECK_FALSE(other == node);
  CHECK(std::hash<NodeExecutionIdentifier>{}(node) ==
        std::hash<NodeExecutionIdentifier>{}(NodeExecutionIdentifier{"n0", sample_execution()}));
  CHECK_THROWS_AS(NodeExecutionIdentifier::parse("ne:p:d:n"), ModelError);
}

TEST_CASE("TaskExecutionIdentifier round-trips, prints flytekit's te: form and parses it") {
  const TaskExecutionIdentifier te{sample_task(), {"n0", sample_execution()}, 3};
  const auto message = te.to_flyte_idl();
  CHECK(message.retry_attempt() == 3);
  CHECK(message.task_id().name() == "core.add");
  CHECK(from_bytes<TaskExecutionIdentifier>(to_bytes(te)) == te);

  const std::string text = te.to_string();
  CHECK(text == "te:flytesnacks:development:f8a2b1c0:n0:flytesnacks:development:core.add:v1:3");
  auto parsed = TaskExecutionIdentifier::parse(text);
  CHECK(parsed.retry_count == 3);
  CHECK(parsed.task_id.resource_type == ResourceType::TASK);
  CHECK(parsed.to_string() == text);
  CHECK_FALSE(parsed == te);  // org does not travel in the string form
  TaskExecutionIdentifier next = te;
  next.retry_count = 4;
  CHECK_FALSE(next == te);
  CHECK(std::hash<TaskExecutionIdentifier>{}(te) != std::hash<TaskExecutionIdentifier>{}(next));

  CHECK_THROWS_WITH(TaskExecutionIdentifier::parse("te:a:b:c:n:p:d:t:v:-1"),
                    Catch::Contains("retry '-1' is not a non-negative integer"));
  CHECK_THROWS_WITH(TaskExecutionIdentifier::parse("te:a:b:c"), Catch::Contains("10 fields"));

  flyteidl::core::TaskExecutionIdentifier bad = message;
  bad.mutable_task_id()->set_resource_type(static_cast<flyteidl::core::ResourceType>(42));
  CHECK_THROWS_WITH(TaskExecutionIdentifier::from_flyte_idl(bad),
                    Catch::Contains("unknown resource_type 42"));
}

TEST_CASE("SignalIdentifier round-trips and prints") {
  const SignalIdentifier sig{"approve", sample_execution()};
  CHECK(from_bytes<SignalIdentifier>(to_bytes(sig)) == sig);
  CHECK(sig.to_string() == "sig:flytesnacks:development:f8a2b1c0:approve");
  CHECK(SignalIdentifier::parse("sig:p:d:n:s").signal_id == "s");
  CHECK(std::hash<SignalIdentifier>{}(sig) ==
        std::hash<SignalIdentifier>{}(SignalIdentifier{"approve", sample_execution()}));
  CHECK_FALSE(sig == SignalIdentifier{"reject", sample_execution()});
  CHECK_THROWS_AS(SignalIdentifier::parse("sig:p:d:n:s:extra"), ModelError);
}
