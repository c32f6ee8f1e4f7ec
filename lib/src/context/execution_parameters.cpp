#include "flyte/context/execution_parameters.hpp"

#include "flyte/context/deck.hpp"
#include "flyte/context/logging.hpp"
#include "flyte/context/secrets_manager.hpp"
#include "flyte/context/stats.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace flyte {
namespace {

std::string upper(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::shared_ptr<spdlog::logger> default_user_space_logger() {
  if (auto logger = spdlog::get("user_space")) return logger;
  return spdlog::default_logger()->clone("user_space");
}

}  // namespace

ExecutionParameters::Builder ExecutionParameters::new_builder() {
  return Builder();
}

ExecutionParameters::Builder ExecutionParameters::new_builder(const ExecutionParameters& current) {
  return Builder(current);
}

ExecutionParameters::Builder ExecutionParameters::builder() const {
  return Builder(*this);
}

std::shared_ptr<const ExecutionParameters> ExecutionParameters::local_defaults(
    const std::filesystem::path& sandbox_dir) {
  if (sandbox_dir.empty()) {
    throw ContextError(
        "ExecutionParameters::local_defaults needs a sandbox directory to put the task's working "
        "directory in; pass one (e.g. a folder under the system temp directory)");
  }
  return new_builder()
      .with_execution_date(std::chrono::system_clock::now())
      .with_execution_id(WorkflowExecutionIdentifier{"local", "local", "local", ""})
      .with_task_id(Identifier{ResourceType::TASK, "local", "local", "local", "local", ""})
      .with_working_directory(sandbox_dir / "user_space")
      .with_raw_output_prefix((sandbox_dir / "raw").string())
      .with_enable_deck(false)
      .with_logging(user_logger())
      .with_stats(
          std::make_shared<StatsClient>(StatsClient::in_memory("local.local.local.user_stats")))
      .with_secrets(std::make_shared<SecretsManager>(SecretsConfig::from_env(process_env()),
                                                     /*local_execution=*/true))
      .with_decks(std::make_shared<DeckSet>())
      .build();
}

StatsClient& ExecutionParameters::stats() const {
  if (!stats_) {
    throw ContextError(
        "Stats are not available in this execution context: no stats client was configured. "
        "flyte-execute sets one up for every task run (statsd, or in memory for local runs); "
        "outside a run, build the ExecutionParameters with with_stats(...)");
  }
  return *stats_;
}

Deck& ExecutionParameters::default_deck() const {
  return decks().default_deck();
}

TimelineDeck& ExecutionParameters::timeline_deck() const {
  return decks().timeline_deck();
}

SecretsManager& ExecutionParameters::secrets() const {
  if (!secrets_) {
    throw ContextError(
        "Secrets are not available in this execution context: no secrets manager was configured. "
        "flyte-execute sets one up for every task run; outside a run, build the "
        "ExecutionParameters with with_secrets(...)");
  }
  return *secrets_;
}

Checkpoint& ExecutionParameters::checkpoint() const {
  if (!checkpoint_) {
    throw ContextError(
        "Checkpointing is not available for this run: no checkpoint path was given. Run "
        "flyte-execute with --checkpoint-path <uri> (and --prev-checkpoint <uri> to restore); "
        "Flyte's engine passes them for tasks with checkpointing enabled (check the version of "
        "the platform)");
  }
  return *checkpoint_;
}

DeckSet& ExecutionParameters::decks() const {
  if (!decks_) {
    throw ContextError(
        "Decks are not available in this execution context: no deck set was configured. "
        "flyte-execute sets one up for every task run (deck.html is written when decks are "
        "enabled for the task); outside a run, build the ExecutionParameters with with_decks(...)");
  }
  return *decks_;
}

const std::any& ExecutionParameters::get(std::string_view name) const {
  const std::string key = upper(name);
  auto it = attrs_.find(key);
  if (it != attrs_.end()) return it->second;
  const auto known = attr_names();
  throw ContextError(fmt::format(
      "{} not available as a parameter in Flyte context - are you in right task-type? "
      "Known attributes: {}",
      key, known.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(known, ", "))));
}

bool ExecutionParameters::has_attr(std::string_view name) const {
  return attrs_.find(upper(name)) != attrs_.end();
}

std::vector<std::string> ExecutionParameters::attr_names() const {
  std::vector<std::string> names;
  names.reserve(attrs_.size());
  for (const auto& [name, value] : attrs_) names.push_back(name);
  return names;  // std::map keeps them sorted
}

void ExecutionParameters::throw_attr_type_mismatch(std::string_view name,
                                                   const std::type_info& held,
                                                   const std::type_info& wanted) {
  throw ContextError(fmt::format(
      "attribute {} of the Flyte context holds a value of type '{}', not the requested '{}'; "
      "ask for the type the task-type plugin stored",
      upper(name), held.name(), wanted.name()));
}

ExecutionParameters::Builder::Builder() {
  values_.execution_date_ = std::chrono::system_clock::now();
}

ExecutionParameters::Builder::Builder(const ExecutionParameters& current) : values_(current) {}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_execution_date(
    std::chrono::system_clock::time_point date) {
  values_.execution_date_ = date;
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_execution_id(
    WorkflowExecutionIdentifier id) {
  values_.execution_id_ = std::move(id);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_task_id(Identifier id) {
  values_.task_id_ = std::move(id);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_working_directory(
    std::filesystem::path dir) {
  values_.working_directory_ = std::move(dir);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_raw_output_prefix(
    std::string prefix) {
  values_.raw_output_prefix_ = std::move(prefix);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_output_metadata_prefix(
    std::string prefix) {
  values_.output_metadata_prefix_ = std::move(prefix);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_enable_deck(bool enable) {
  values_.enable_deck_ = enable;
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_logging(
    std::shared_ptr<spdlog::logger> logger) {
  values_.logging_ = std::move(logger);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_stats(
    std::shared_ptr<StatsClient> stats) {
  values_.stats_ = std::move(stats);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_secrets(
    std::shared_ptr<SecretsManager> secrets) {
  values_.secrets_ = std::move(secrets);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_checkpoint(
    std::shared_ptr<Checkpoint> checkpoint) {
  values_.checkpoint_ = std::move(checkpoint);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::with_decks(
    std::shared_ptr<DeckSet> decks) {
  values_.decks_ = std::move(decks);
  return *this;
}

ExecutionParameters::Builder& ExecutionParameters::Builder::add_attr(std::string_view name,
                                                                     std::any value) {
  if (name.empty()) {
    throw ContextError(
        "ExecutionParameters::Builder::add_attr: an attribute needs a non-empty name (tasks look "
        "it up by name, e.g. SPARK_SESSION)");
  }
  values_.attrs_.insert_or_assign(upper(name), std::move(value));
  return *this;
}

std::shared_ptr<const ExecutionParameters> ExecutionParameters::Builder::build() const {
  auto params = std::shared_ptr<ExecutionParameters>(new ExecutionParameters(values_));
  if (!params->logging_) params->logging_ = default_user_space_logger();
  if (!params->working_directory_.empty()) {
    std::error_code error;
    std::filesystem::create_directories(params->working_directory_, error);
    if (error) {
      throw ContextError(fmt::format(
          "cannot create the task's working directory '{}': {}; choose a writable location "
          "(the sandbox directory) or fix its permissions",
          params->working_directory_.string(), error.message()));
    }
  }
  return params;
}

}  // namespace flyte
