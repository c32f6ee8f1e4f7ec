#include "flyte/context/compilation_state.hpp"

#include <utility>

namespace flyte {

CompilationState::CompilationState(std::string prefix, int mode,
                                   std::shared_ptr<const TaskResolver> task_resolver,
                                   std::vector<Node> nodes)
    : prefix_(std::move(prefix)),
      mode_(mode),
      task_resolver_(std::move(task_resolver)),
      nodes_(std::move(nodes)) {}

void CompilationState::add_node(Node node) {
  nodes_.push_back(std::move(node));
}

CompilationState CompilationState::with_params(std::string prefix, int mode,
                                               std::shared_ptr<const TaskResolver> resolver,
                                               std::vector<Node> nodes) const {
  return CompilationState(std::move(prefix), mode != 0 ? mode : mode_,
                          resolver ? std::move(resolver) : task_resolver_, std::move(nodes));
}

}  // namespace flyte
