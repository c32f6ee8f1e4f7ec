#pragma once

/// flytekit's CompilationState: what is collected while a workflow is being
/// compiled into Flyte's graph (nodes, their name prefix, and the task
/// resolver that will find each task again in the container).
///
/// The C++ runtime executes tasks; it does not compile workflows. This is
/// kept so that the context model has flytekit's shape and a future compiler
/// (or an eager/dynamic task) has a place to record nodes. Unlike flytekit,
/// where `add_node` appends to a list shared by every context holding the
/// state, a CompilationState is a plain value: `add_node` changes this copy.

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flyte {

/// Finds a task again at run time from the arguments recorded when it was
/// registered (flytekit's TaskResolverMixin). For native tasks the loader
/// arguments are what follows `--resolver <name> --` on the command line,
/// e.g. `{"task-module", "libmy_tasks.so", "task-name", "my_task"}`.
class TaskResolver {
 public:
  virtual ~TaskResolver() = default;
  /// The resolver's name as passed to `--resolver`.
  virtual std::string name() const = 0;
  /// The arguments the resolver needs to load the task.
  virtual std::vector<std::string> loader_args() const = 0;
};

/// A node of the graph being compiled: its id and free-form metadata
/// (e.g. "name", "retries", "timeout").
struct Node {
  std::string id;
  std::map<std::string, std::string> metadata;

  bool operator==(const Node&) const = default;
};

class CompilationState {
 public:
  /// `mode` is flytekit's integer compilation mode (1 = default).
  explicit CompilationState(std::string prefix = "", int mode = 1,
                            std::shared_ptr<const TaskResolver> task_resolver = nullptr,
                            std::vector<Node> nodes = {});

  /// Prepended to the ids of nodes created in this state (nested workflows
  /// and conditional branches get their own prefix so ids stay unique).
  const std::string& prefix() const { return prefix_; }
  int mode() const { return mode_; }
  /// May be null (flytekit's default resolver is used then).
  const std::shared_ptr<const TaskResolver>& task_resolver() const { return task_resolver_; }
  const std::vector<Node>& nodes() const { return nodes_; }

  /// Appends a node to this state's list.
  void add_node(Node node);

  /// flytekit's `with_params`: a new state with `prefix`; mode and resolver
  /// are kept unless given (a mode of 0 or a null resolver means "keep"), and
  /// the node list starts empty unless `nodes` is given and non-empty.
  [[nodiscard]] CompilationState with_params(std::string prefix, int mode = 0,
                                             std::shared_ptr<const TaskResolver> resolver = nullptr,
                                             std::vector<Node> nodes = {}) const;

 private:
  std::string prefix_;
  int mode_;
  std::shared_ptr<const TaskResolver> task_resolver_;
  std::vector<Node> nodes_;
};

}  // namespace flyte
