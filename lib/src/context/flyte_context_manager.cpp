#include "flyte/context/flyte_context_manager.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/std.h>
#include <spdlog/spdlog.h>

#include "flyte/context/context_error.hpp"

namespace flyte {
namespace {

// The process root. `generation` changes on every initialize() so that
// threads can notice a new root with one atomic load instead of a lock.
struct ProcessRoot {
  std::mutex mutex;
  std::shared_ptr<const FlyteContext> context;
  std::atomic<std::uint64_t> generation{0};
};

ProcessRoot& process_root() {
  static ProcessRoot root;
  return root;
}

std::shared_ptr<const FlyteContext> load_root(std::uint64_t& generation) {
  auto& root = process_root();
  std::lock_guard lock(root.mutex);
  if (!root.context) root.context = FlyteContext::Builder().build();
  generation = root.generation.load(std::memory_order_relaxed);
  return root.context;
}

struct ThreadStack {
  std::vector<std::shared_ptr<const FlyteContext>> contexts;
  // The root generation contexts[0] came from.
  std::uint64_t generation = 0;
};

ThreadStack& raw_thread_stack() {
  thread_local ThreadStack stack;
  return stack;
}

// The calling thread's stack, with its bottom set to the process root (and
// refreshed to a newer root when nothing is pushed above it).
ThreadStack& thread_stack() {
  ThreadStack& stack = raw_thread_stack();
  if (stack.contexts.empty()) {
    stack.contexts.push_back(load_root(stack.generation));
  } else if (stack.contexts.size() == 1 &&
             stack.generation != process_root().generation.load(std::memory_order_acquire)) {
    stack.contexts.front() = load_root(stack.generation);
  }
  return stack;
}

}  // namespace

ContextScope::ContextScope(std::shared_ptr<const FlyteContext> context)
    : context_(std::move(context)),
      size_before_(FlyteContextManager::size()),
      owner_(std::this_thread::get_id()) {
  FlyteContextManager::push_context(context_);
}

ContextScope::~ContextScope() {
  if (std::this_thread::get_id() != owner_) {
    spdlog::error(
        "a ContextScope created on thread {} was destroyed on thread {}; the context stack of the "
        "creating thread was not unwound. Keep each scope on the thread that created it.",
        owner_, std::this_thread::get_id());
    return;
  }
  ThreadStack& stack = thread_stack();
  while (stack.contexts.size() > size_before_) stack.contexts.pop_back();
}

void FlyteContextManager::initialize(std::shared_ptr<const FlyteContext> root) {
  if (!root) {
    throw ContextError(
        "FlyteContextManager::initialize: the root context is null; pass "
        "FlyteContext::Builder()...build()");
  }
  if (root->level() != 1 || root->parent()) {
    throw ContextError(fmt::format(
        "FlyteContextManager::initialize: the root context must be a root (level 1, no parent), "
        "got a context of level {}; build it with FlyteContext::Builder() rather than from "
        "another context's new_builder()",
        root->level()));
  }
  std::uint64_t generation = 0;
  {
    auto& process = process_root();
    std::lock_guard lock(process.mutex);
    process.context = root;
    generation = process.generation.fetch_add(1, std::memory_order_acq_rel) + 1;
  }
  ThreadStack& stack = raw_thread_stack();
  stack.contexts.clear();
  stack.contexts.push_back(std::move(root));
  stack.generation = generation;
}

std::shared_ptr<const FlyteContext> FlyteContextManager::current_context() {
  return thread_stack().contexts.back();
}

std::shared_ptr<const FlyteContext> FlyteContextManager::push_context(
    std::shared_ptr<const FlyteContext> context) {
  if (!context) {
    throw ContextError(
        "FlyteContextManager::push_context: the context is null; build one with "
        "FlyteContextManager::current_context()->new_builder()...build()");
  }
  thread_stack().contexts.push_back(context);
  return context;
}

std::shared_ptr<const FlyteContext> FlyteContextManager::pop_context() {
  ThreadStack& stack = thread_stack();
  if (stack.contexts.size() <= 1) {
    throw ContextError(
        "FlyteContextManager::pop_context: cannot pop the root context; this thread's context "
        "stack holds nothing pushed above the root. Every pop must follow a push on the same "
        "thread; prefer FlyteContextManager::with_context(), which pops for you");
  }
  auto top = std::move(stack.contexts.back());
  stack.contexts.pop_back();
  return top;
}

ContextScope FlyteContextManager::with_context(const FlyteContext::Builder& builder) {
  return ContextScope(builder.build());
}

ContextScope FlyteContextManager::adopt(std::shared_ptr<const FlyteContext> context) {
  if (!context) {
    throw ContextError(
        "FlyteContextManager::adopt: the context is null; capture "
        "FlyteContextManager::current_context() in the thread whose context you want to carry");
  }
  return ContextScope(std::move(context));
}

std::size_t FlyteContextManager::size() {
  return thread_stack().contexts.size();
}

std::size_t FlyteContextManager::depth() {
  return size() - 1;
}

}  // namespace flyte
