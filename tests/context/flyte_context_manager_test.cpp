#include "flyte/context/flyte_context_manager.hpp"

#include <atomic>
#include <future>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "flyte/context/context_error.hpp"

using namespace flyte;

namespace {

// Starts every test from a fresh root on the calling thread.
std::shared_ptr<const FlyteContext> fresh_root(const std::string& marker = "root") {
  auto root = FlyteContext::Builder()
                  .with_serialization_settings(SerializationSettings{marker, "", "", "", {}})
                  .build();
  FlyteContextManager::initialize(root);
  return root;
}

FlyteContext::Builder marked(const std::string& marker) {
  return FlyteContextManager::current_context()->new_builder().with_serialization_settings(
      SerializationSettings{marker, "", "", "", {}});
}

std::string marker_of(const std::shared_ptr<const FlyteContext>& ctx) {
  return ctx->serialization_settings() ? ctx->serialization_settings()->project : "<none>";
}

}  // namespace

TEST_CASE("initialize sets a level 1 root that current_context returns") {
  auto root = fresh_root();
  CHECK(FlyteContextManager::current_context() == root);
  CHECK(FlyteContext::current_context() == root);
  CHECK(FlyteContextManager::size() == 1);
  CHECK(FlyteContextManager::depth() == 0);
  CHECK_THROWS_AS(FlyteContextManager::initialize(nullptr), ContextError);
  CHECK_THROWS_WITH(FlyteContextManager::initialize(root->new_builder().build()),
                    Catch::Contains("level 2"));
  CHECK(FlyteContextManager::current_context() == root);
}

TEST_CASE("with_context pushes for its scope and gives parent level plus one") {
  auto root = fresh_root();
  {
    auto scope = FlyteContextManager::with_context(marked("outer"));
    CHECK(scope->level() == 2);
    CHECK(scope.context() == FlyteContextManager::current_context());
    CHECK(marker_of(FlyteContextManager::current_context()) == "outer");
    CHECK(FlyteContextManager::size() == 2);
    {
      auto inner = FlyteContextManager::with_context(marked("inner"));
      CHECK(inner->level() == 3);
      CHECK(inner->parent() == scope.context());
      CHECK(FlyteContextManager::depth() == 2);
    }
    CHECK(marker_of(FlyteContextManager::current_context()) == "outer");
  }
  CHECK(FlyteContextManager::current_context() == root);
  CHECK(FlyteContextManager::size() == 1);
}

TEST_CASE("push_context and pop_context are balanced by hand and reject null") {
  auto root = fresh_root();
  auto ctx = root->new_builder().build();
  CHECK(FlyteContextManager::push_context(ctx) == ctx);
  CHECK(FlyteContextManager::current_context() == ctx);
  CHECK(FlyteContextManager::pop_context() == ctx);
  CHECK(FlyteContextManager::current_context() == root);
  CHECK_THROWS_AS(FlyteContextManager::push_context(nullptr), ContextError);
  CHECK(FlyteContextManager::size() == 1);
}

TEST_CASE("Popping the root context is an error and leaves the root in place") {
  auto root = fresh_root();
  CHECK_THROWS_AS(FlyteContextManager::pop_context(), ContextError);
  CHECK_THROWS_WITH(FlyteContextManager::pop_context(),
                    Catch::Contains("cannot pop the root context"));
  CHECK(FlyteContextManager::current_context() == root);
  CHECK(FlyteContextManager::size() == 1);
}

TEST_CASE("A scope unwinds the stack when an exception leaves it") {
  auto root = fresh_root();
  auto outer = FlyteContextManager::with_context(marked("outer"));
  CHECK_THROWS_AS(
      [] {
        auto scope = FlyteContextManager::with_context(marked("failing"));
        FlyteContextManager::push_context(scope->new_builder().build());  // leaked as well
        throw std::runtime_error("task failed");
      }(),
      std::runtime_error);
  CHECK(FlyteContextManager::size() == 2);
  CHECK(FlyteContextManager::current_context() == outer.context());
}

TEST_CASE("A scope removes contexts leaked above it by unbalanced pushes") {
  auto root = fresh_root();
  {
    auto scope = FlyteContextManager::with_context(marked("scope"));
    for (int i = 0; i < 3; ++i) {
      FlyteContextManager::push_context(
          FlyteContextManager::current_context()->new_builder().build());
    }
    CHECK(FlyteContextManager::size() == 5);
    CHECK(FlyteContextManager::current_context()->level() == 5);
  }
  CHECK(FlyteContextManager::size() == 1);
  CHECK(FlyteContextManager::current_context() == root);
}

TEST_CASE("A scope whose contexts were already popped by hand leaves the rest alone") {
  auto root = fresh_root();
  auto outer = FlyteContextManager::with_context(marked("outer"));
  {
    auto inner = FlyteContextManager::with_context(marked("inner"));
    FlyteContextManager::pop_context();  // pops "inner" early
  }
  CHECK(FlyteContextManager::current_context() == outer.context());
}

TEST_CASE("A scope destroyed on another thread leaves both threads' stacks alone") {
  auto root = fresh_root();
  // Heap-allocated by guaranteed copy elision, the only way to hand a scope over.
  auto* scope = new ContextScope(FlyteContextManager::with_context(marked("owner")));
  const auto pushed = scope->context();
  std::size_t other_size_after = 0;
  std::thread other([&] {
    delete scope;
    other_size_after = FlyteContextManager::size();
  });
  other.join();
  CHECK(other_size_after == 1);
  CHECK(FlyteContextManager::current_context() == pushed);
  CHECK(FlyteContextManager::pop_context() == pushed);
  CHECK(FlyteContextManager::current_context() == root);
}

TEST_CASE("Threads each pushing and popping many scopes never see each other's contexts") {
  auto root = fresh_root("shared-root");
  constexpr int kThreads = 8;
  constexpr int kIterations = 10000;
  std::atomic<int> errors{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int local_errors = 0;
      // A new thread starts at the process root, not at its creator's context.
      if (FlyteContextManager::current_context() != root) ++local_errors;
      start.arrive_and_wait();  // start together to maximise overlap
      const std::string base = fmt::format("thread-{}", t);
      for (int i = 0; i < kIterations; ++i) {
        const std::string marker = fmt::format("{}-{}", base, i);
        {
          auto scope = FlyteContextManager::with_context(marked(marker));
          auto current = FlyteContextManager::current_context();
          if (current != scope.context() || marker_of(current) != marker) ++local_errors;
          if (current->level() != 2 || FlyteContextManager::size() != 2) ++local_errors;
          if (i % 100 == 0) {
            // An unbalanced push, which the scope must clean up.
            FlyteContextManager::push_context(marked(fmt::format("{}-leak", marker)).build());
            if (marker_of(FlyteContextManager::current_context()) !=
                fmt::format("{}-leak", marker)) {
              ++local_errors;
            }
          }
        }
        if (FlyteContextManager::current_context() != root) ++local_errors;
      }
      errors.fetch_add(local_errors);
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(errors.load() == 0);
  CHECK(FlyteContextManager::current_context() == root);
}

TEST_CASE("adopt carries a captured context into a new thread") {
  fresh_root();
  auto scope = FlyteContextManager::with_context(marked("parent-thread"));
  auto captured = FlyteContextManager::current_context();

  std::promise<std::vector<std::string>> seen;
  std::thread worker([&] {
    std::vector<std::string> markers;
    markers.push_back(marker_of(FlyteContextManager::current_context()));
    {
      auto adopted = FlyteContextManager::adopt(captured);
      markers.push_back(marker_of(FlyteContextManager::current_context()));
      markers.push_back(std::to_string(FlyteContextManager::current_context()->level()));
      auto nested = FlyteContextManager::with_context(marked("worker"));
      markers.push_back(std::to_string(nested->level()));
    }
    markers.push_back(marker_of(FlyteContextManager::current_context()));
    seen.set_value(markers);
  });
  auto markers = seen.get_future().get();
  worker.join();
  CHECK(markers == std::vector<std::string>{"root", "parent-thread", "2", "3", "root"});
  // The worker's pushes never reached this thread.
  CHECK(FlyteContextManager::current_context() == captured);
  CHECK_THROWS_AS(FlyteContextManager::adopt(nullptr), ContextError);
}

TEST_CASE("propagate_context runs a function in another thread with the context of its creator") {
  fresh_root();
  auto scope = FlyteContextManager::with_context(marked("creator"));
  std::string seen_inside;
  std::size_t size_inside = 0;
  std::thread worker(propagate_context([&](int extra) {
                       seen_inside = marker_of(FlyteContextManager::current_context());
                       size_inside = FlyteContextManager::size() + static_cast<std::size_t>(extra);
                     }),
                     0);
  worker.join();
  CHECK(seen_inside == "creator");
  CHECK(size_inside == 2);
  auto doubled = propagate_context([](int x) { return 2 * x; });
  CHECK(doubled(21) == 42);
}

TEST_CASE("A thread at its root picks up a root initialized by another thread") {
  auto first = fresh_root("first");
  std::promise<void> started, reinitialized;
  std::promise<std::string> before, inside_scope, after;
  std::thread worker([&] {
    before.set_value(marker_of(FlyteContextManager::current_context()));
    {
      auto scope = FlyteContextManager::with_context(marked("mine"));
      started.set_value();
      reinitialized.get_future().wait();
      inside_scope.set_value(marker_of(FlyteContextManager::current_context()));
    }
    after.set_value(marker_of(FlyteContextManager::current_context()));
  });
  started.get_future().wait();
  auto second = fresh_root("second");
  reinitialized.set_value();
  CHECK(before.get_future().get() == "first");
  CHECK(inside_scope.get_future().get() == "mine");  // its own pushes survive
  CHECK(after.get_future().get() == "second");       // back at the root: the new one
  worker.join();
}

TEST_CASE("initialize from one thread while others push and pop does not disturb them") {
  fresh_root("init-0");
  constexpr int kWorkers = 4;
  constexpr int kIterations = 5000;
  std::atomic<int> errors{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      int local_errors = 0;
      for (int i = 0; i < kIterations; ++i) {
        const std::string marker = fmt::format("w{}-{}", w, i);
        auto scope = FlyteContextManager::with_context(marked(marker));
        if (marker_of(FlyteContextManager::current_context()) != marker) ++local_errors;
        if (FlyteContextManager::current_context()->level() != 2) ++local_errors;
        if (FlyteContextManager::size() != 2) ++local_errors;
      }
      if (marker_of(FlyteContextManager::current_context()).rfind("init-", 0) != 0) ++local_errors;
      errors.fetch_add(local_errors);
      finished.fetch_add(1);
    });
  }
  for (int round = 1; finished.load() < kWorkers || round < 100; ++round) {
    fresh_root(fmt::format("init-{}", round));
  }
  for (auto& worker : workers) worker.join();
  CHECK(errors.load() == 0);
}
