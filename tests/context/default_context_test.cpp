#include <catch2/catch.hpp>
#include <filesystem>

#include "flyte/context/current_context.hpp"
#include "flyte/context/deck.hpp"
#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/flyte_context_manager.hpp"
#include "flyte/context/stats.hpp"
#include "flyte/io/file_access.hpp"

using namespace flyte;

TEST_CASE("initialize() gives a usable local root: sandboxed file access and local defaults") {
  auto root = FlyteContextManager::initialize();
  REQUIRE(root->level() == 1);
  REQUIRE(root->file_access() != nullptr);
  const auto sandbox = root->file_access()->local_sandbox_dir();
  CHECK(std::filesystem::is_directory(sandbox));

  const ExecutionParameters& params = current_context();
  CHECK(params.execution_id().to_string() == "ex:local:local:local");
  CHECK(params.task_id().to_string() == "TASK:local:local:local:local");
  CHECK(std::filesystem::is_directory(params.working_directory()));
  CHECK(params.working_directory().string().rfind(sandbox.string(), 0) == 0);

  params.stats().incr("calls");
  CHECK(params.stats().recorded() ==
        std::vector<std::string>{"local.local.local.user_stats.calls:1|c"});
  params.default_deck().append("<p>hi</p>");
  CHECK(params.decks().contains("default"));
  CHECK(&params.timeline_deck() == &params.decks().timeline_deck());
  CHECK_FALSE(params.has_checkpoint());
  CHECK_THROWS_WITH(params.checkpoint(), Catch::StartsWith("Checkpointing is not available"));
  std::filesystem::remove_all(sandbox);
}
