// The default local root context (FlyteContextManager::initialize()). It
// lives apart from the stack machinery because it needs the io layer and the
// services, which the stack itself must not depend on.
#include <filesystem>

#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/execution_state.hpp"
#include "flyte/context/flyte_context_manager.hpp"
#include "flyte/io/file_access.hpp"

namespace flyte {

std::shared_ptr<const FlyteContext> FlyteContextManager::initialize() {
  const auto sandbox = std::filesystem::temp_directory_path() / "flyte-execute" /
                       ("local-" + FileAccessProvider::random_key());
  std::filesystem::create_directories(sandbox);
  auto file_access = std::make_shared<FileAccessProvider>(sandbox, (sandbox / "raw").string());
  auto params = ExecutionParameters::local_defaults(sandbox);
  auto root = FlyteContext::Builder()
                  .with_file_access(file_access)
                  .with_execution_state(ExecutionState(params->working_directory(), std::nullopt,
                                                       sandbox / "engine", std::nullopt, params))
                  .build();
  initialize(root);
  return root;
}

}  // namespace flyte
