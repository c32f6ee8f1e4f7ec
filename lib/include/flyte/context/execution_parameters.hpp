#pragma once

/// What a running task sees of its execution (flytekit's ExecutionParameters,
/// `flytekit.current_context()`): ids, dates, its working directory, where
/// raw data goes, and handles to logging, stats, secrets, checkpoint and
/// decks, plus attributes a task-type plugin adds by name.
///
/// Immutable once built; built by ExecutionParameters::Builder and shared as
/// `std::shared_ptr<const ExecutionParameters>`. The services (stats,
/// secrets, checkpoint, decks) are other components; this type only carries
/// them. Asking for one that this run does not have throws ContextError
/// saying how to get it, so that a task fails with an actionable message
/// instead of a null dereference.

#include <any>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "flyte/context/context_error.hpp"
#include "flyte/model/identifier.hpp"

namespace spdlog {
class logger;
}

namespace flyte {

class StatsClient;
class SecretsManager;
class Checkpoint;
class DeckSet;
class Deck;
class TimelineDeck;

class ExecutionParameters {
 public:
  class Builder;

  /// A builder with nothing set but `execution_date` = now.
  static Builder new_builder();
  /// A builder starting from every field of `current` (flytekit's
  /// `new_builder(current)`), to derive parameters with a few changes.
  static Builder new_builder(const ExecutionParameters& current);
  /// Same as `new_builder(*this)`.
  Builder builder() const;

  /// The parameters flytekit uses when no container set anything (CONTRACT
  /// §5): execution id `local:local:local`, task id
  /// `TASK:local:local:local:local`, execution date now (UTC), working
  /// directory `<sandbox_dir>/user_space` (created), raw output prefix
  /// `<sandbox_dir>/raw`, decks off (but a DeckSet to write to), stats
  /// recorded in memory (prefix `local.local.local.user_stats`), a local
  /// SecretsManager (env with and without prefix, then files, configured by
  /// FLYTE_SECRETS_*), the `user_space` logger. No checkpoint: local runs get
  /// one only when asked for (`--checkpoint-path`).
  static std::shared_ptr<const ExecutionParameters> local_defaults(
      const std::filesystem::path& sandbox_dir);

  /// When the run started, UTC (system_clock counts UTC). The same for every
  /// task of a workflow run; for debugging and tagging data, not for logic.
  std::chrono::system_clock::time_point execution_date() const { return execution_date_; }
  const WorkflowExecutionIdentifier& execution_id() const { return execution_id_; }
  const Identifier& task_id() const { return task_id_; }
  /// A directory only this task writes to; exists once built.
  const std::filesystem::path& working_directory() const { return working_directory_; }
  /// Where offloaded data (files, directories, large blobs) is written.
  const std::string& raw_output_prefix() const { return raw_output_prefix_; }
  /// Where outputs.pb / error.pb / deck.html go (the output prefix).
  const std::string& output_metadata_prefix() const { return output_metadata_prefix_; }
  /// Whether the run writes deck.html.
  bool enable_deck() const { return enable_deck_; }

  /// The `user_space` logger; never null.
  const std::shared_ptr<spdlog::logger>& logging() const { return logging_; }

  /// Throws ContextError when the run has no stats client.
  StatsClient& stats() const;
  /// Throws ContextError when the run has no secrets manager.
  SecretsManager& secrets() const;
  /// Throws ContextError starting "Checkpointing is not available" (flytekit's
  /// wording) when no `--checkpoint-path` was given.
  Checkpoint& checkpoint() const;
  /// Throws ContextError when the run has no decks.
  DeckSet& decks() const;
  /// flytekit's default_deck: the deck named "default" (same errors as decks()).
  Deck& default_deck() const;
  /// flytekit's timeline_deck: wall and process time of timed sections.
  TimelineDeck& timeline_deck() const;

  bool has_stats() const { return stats_ != nullptr; }
  bool has_secrets() const { return secrets_ != nullptr; }
  bool has_checkpoint() const { return checkpoint_ != nullptr; }
  bool has_decks() const { return decks_ != nullptr; }

  /// Task-type attributes (flytekit's `ctx.SPARK_SESSION` / `ctx.get(...)`).
  /// Names are compared upper-cased, so `get("spark_session")` finds
  /// `SPARK_SESSION`. Throws ContextError naming the attribute and listing
  /// the known ones when there is none by that name.
  const std::any& get(std::string_view name) const;
  /// The attribute as a T; also throws ContextError when it holds another
  /// type, naming both.
  template <typename T>
  const T& get(std::string_view name) const {
    const std::any& value = get(name);
    if (const T* typed = std::any_cast<T>(&value)) return *typed;
    throw_attr_type_mismatch(name, value.type(), typeid(T));
  }
  bool has_attr(std::string_view name) const;
  /// The attribute names (upper-cased), sorted.
  std::vector<std::string> attr_names() const;

 private:
  ExecutionParameters() = default;
  [[noreturn]] static void throw_attr_type_mismatch(std::string_view name,
                                                    const std::type_info& held,
                                                    const std::type_info& wanted);

  std::chrono::system_clock::time_point execution_date_;
  WorkflowExecutionIdentifier execution_id_;
  Identifier task_id_;
  std::filesystem::path working_directory_;
  std::string raw_output_prefix_;
  std::string output_metadata_prefix_;
  bool enable_deck_ = false;
  std::shared_ptr<spdlog::logger> logging_;
  std::shared_ptr<StatsClient> stats_;
  std::shared_ptr<SecretsManager> secrets_;
  std::shared_ptr<Checkpoint> checkpoint_;
  std::shared_ptr<DeckSet> decks_;
  std::map<std::string, std::any, std::less<>> attrs_;
};

/// Collects the fields of an ExecutionParameters. Setters return *this for
/// chaining; build() may be called more than once.
class ExecutionParameters::Builder {
 public:
  Builder& with_execution_date(std::chrono::system_clock::time_point date);
  Builder& with_execution_id(WorkflowExecutionIdentifier id);
  Builder& with_task_id(Identifier id);
  Builder& with_working_directory(std::filesystem::path dir);
  Builder& with_raw_output_prefix(std::string prefix);
  Builder& with_output_metadata_prefix(std::string prefix);
  Builder& with_enable_deck(bool enable);
  Builder& with_logging(std::shared_ptr<spdlog::logger> logger);
  Builder& with_stats(std::shared_ptr<StatsClient> stats);
  Builder& with_secrets(std::shared_ptr<SecretsManager> secrets);
  Builder& with_checkpoint(std::shared_ptr<Checkpoint> checkpoint);
  Builder& with_decks(std::shared_ptr<DeckSet> decks);
  /// Adds or replaces a task-type attribute. The name is stored upper-cased
  /// (flytekit stores it as given but looks it up upper-cased, so a
  /// lower-case key added there can never be found; we avoid that trap).
  /// An empty name is a ContextError.
  Builder& add_attr(std::string_view name, std::any value);

  /// Creates the working directory (with parents) when one is set, as
  /// flytekit does, so a task can write into it at once; throws ContextError
  /// naming the directory when it cannot be created. Without a logger, uses
  /// the registered spdlog logger `user_space`, or else a `user_space` clone
  /// of the default logger.
  std::shared_ptr<const ExecutionParameters> build() const;

 private:
  friend class ExecutionParameters;
  Builder();
  explicit Builder(const ExecutionParameters& current);

  ExecutionParameters values_;
};

}  // namespace flyte
