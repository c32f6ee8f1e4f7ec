#pragma once

/// flytekit's FlyteContextManager: the stack of FlyteContexts, whose top is
/// "the current context".
///
/// THREAD MODEL (flytekit's single global stack is not thread-safe; ours is):
/// - There is one process root context, set by initialize(). Until then the
///   root is an empty context (level 1) made on first use.
/// - Every thread has its own stack (thread_local) whose bottom is the root.
///   push/pop/with_context change the calling thread's stack only, so a
///   thread sees its own pushes and never another thread's.
/// - A new thread starts with just the root; it does NOT inherit its
///   creator's current context. To carry a context into a thread, capture
///   `current_context()` in the creating thread and `adopt()` it in the new
///   one, or wrap the thread's function with `propagate_context(f)`.
/// - initialize() may be called from any thread at any time: it replaces the
///   root and resets the calling thread's stack. Other threads keep the
///   contexts they pushed; a thread whose stack holds only the root picks up
///   the new root on its next call.
///
/// All functions are static; the class only groups them.

#include <cstddef>
#include <memory>
#include <thread>
#include <utility>

#include "flyte/context/flyte_context.hpp"

namespace flyte {

/// Keeps a context pushed for a C++ scope (flytekit's `with with_context(...)`).
/// On destruction — normal exit or exception unwinding — pops the calling
/// thread's stack back to the size it had before the push, removing contexts
/// that code inside the scope pushed and leaked. Bound to the thread that
/// created it, hence neither copyable nor movable (returned by guaranteed
/// copy elision); destroying it on another thread leaves both stacks alone
/// and logs an error.
class [[nodiscard]] ContextScope {
 public:
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;
  ContextScope(ContextScope&&) = delete;
  ContextScope& operator=(ContextScope&&) = delete;
  ~ContextScope();

  /// The context this scope pushed.
  const std::shared_ptr<const FlyteContext>& context() const { return context_; }
  const FlyteContext* operator->() const { return context_.get(); }
  const FlyteContext& operator*() const { return *context_; }

 private:
  friend class FlyteContextManager;
  explicit ContextScope(std::shared_ptr<const FlyteContext> context);

  std::shared_ptr<const FlyteContext> context_;
  std::size_t size_before_;
  std::thread::id owner_;
};

class FlyteContextManager {
 public:
  FlyteContextManager() = delete;

  /// Makes `root` the process root and resets the calling thread's stack to
  /// it (scopes still alive on this thread then find nothing left to pop). `root` must be a root
  /// context (level 1, e.g. `FlyteContext::Builder().build()`); throws ContextError for null or a
  /// derived context.
  static void initialize(std::shared_ptr<const FlyteContext> root);

  /// flytekit's FlyteContextManager.initialize(): a default root for local
  /// execution — local file access in a fresh sandbox folder under the
  /// system temp dir (`flyte-execute/local-<random>`), and an ExecutionState
  /// carrying ExecutionParameters::local_defaults. Returns the root.
  static std::shared_ptr<const FlyteContext> initialize();

  /// The top of the calling thread's stack; never null.
  static std::shared_ptr<const FlyteContext> current_context();

  /// Pushes `context` on the calling thread's stack and returns it. Prefer
  /// with_context(), which cannot leak. Throws ContextError for null.
  static std::shared_ptr<const FlyteContext> push_context(
      std::shared_ptr<const FlyteContext> context);

  /// Pops and returns the top of the calling thread's stack. Throws
  /// ContextError when only the root is left (the root cannot be popped).
  static std::shared_ptr<const FlyteContext> pop_context();

  /// Builds `builder` and keeps the result pushed while the returned scope
  /// lives.
  static ContextScope with_context(const FlyteContext::Builder& builder);

  /// Pushes an existing context (typically captured in another thread) for
  /// the returned scope's lifetime, without rebuilding it: its level and
  /// fields stay as they were.
  static ContextScope adopt(std::shared_ptr<const FlyteContext> context);

  /// Contexts on the calling thread's stack, the root included (flytekit's
  /// `size()`); 1 when nothing is pushed.
  static std::size_t size();
  /// Contexts pushed above the root on the calling thread: size() - 1.
  static std::size_t depth();
};

/// Wraps `f` so that, wherever it is called (typically as a new thread's
/// body), it runs with the context that was current here, at wrap time:
/// `std::thread t(propagate_context([&] { ... }));`.
template <typename F>
auto propagate_context(F&& f) {
  return [context = FlyteContextManager::current_context(),
          f = std::forward<F>(f)](auto&&... args) mutable -> decltype(auto) {
    auto scope = FlyteContextManager::adopt(context);
    return f(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace flyte
