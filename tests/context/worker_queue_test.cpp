#include "flyte/context/worker_queue.hpp"

#include <stdexcept>

#include <catch2/catch.hpp>

#include "flyte/context/context_error.hpp"

using namespace flyte;

TEST_CASE("InlineWorkerQueue runs items at once and records how they ended") {
  InlineWorkerQueue queue;
  int runs = 0;
  const auto ok = queue.submit("square", [&] { ++runs; });
  const auto bad = queue.submit("square", [] { throw std::runtime_error("boom"); });
  const auto empty = queue.submit("nothing", nullptr);
  CHECK(runs == 1);
  CHECK(ok != bad);
  CHECK(queue.status(ok).phase == WorkItemPhase::SUCCEEDED);
  CHECK(queue.status(ok).error.empty());
  CHECK(queue.status(bad).phase == WorkItemPhase::FAILED);
  CHECK(queue.status(bad).error == "boom");
  CHECK(queue.status(empty).phase == WorkItemPhase::FAILED);
  CHECK(to_string(WorkItemPhase::SUCCEEDED) == "SUCCEEDED");
  CHECK_THROWS_AS(queue.status("no-such-id"), ContextError);
  CHECK_THROWS_WITH(queue.status("no-such-id"), Catch::Contains("no-such-id"));
}
