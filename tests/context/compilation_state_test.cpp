#include "flyte/context/compilation_state.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

namespace {
class FakeResolver : public TaskResolver {
 public:
  explicit FakeResolver(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::vector<std::string> loader_args() const override { return {"task-module", name_}; }

 private:
  std::string name_;
};
}  // namespace

TEST_CASE("CompilationState defaults to an empty prefix, mode 1 and no nodes") {
  CompilationState state;
  CHECK(state.prefix().empty());
  CHECK(state.mode() == 1);
  CHECK(state.task_resolver() == nullptr);
  CHECK(state.nodes().empty());
}

TEST_CASE("CompilationState add_node appends nodes in order") {
  CompilationState state("wf-");
  state.add_node(Node{"n0", {{"name", "first"}}});
  state.add_node(Node{"n1", {}});
  REQUIRE(state.nodes().size() == 2);
  CHECK(state.nodes()[0] == Node{"n0", {{"name", "first"}}});
  CHECK(state.nodes()[1].id == "n1");
}

TEST_CASE("CompilationState with_params keeps mode and resolver and starts a fresh node list") {
  auto resolver = std::make_shared<FakeResolver>("native");
  CompilationState state("outer-", 3, resolver);
  state.add_node(Node{"n0", {}});

  const auto inner = state.with_params("inner-");
  CHECK(inner.prefix() == "inner-");
  CHECK(inner.mode() == 3);
  CHECK(inner.task_resolver() == resolver);
  CHECK(inner.task_resolver()->loader_args() == std::vector<std::string>{"task-module", "native"});
  CHECK(inner.nodes().empty());
  CHECK(state.nodes().size() == 1);

  auto other = std::make_shared<FakeResolver>("other");
  const auto replaced = state.with_params("p-", 2, other, {Node{"x", {}}});
  CHECK(replaced.mode() == 2);
  CHECK(replaced.task_resolver()->name() == "other");
  CHECK(replaced.nodes().size() == 1);
}
