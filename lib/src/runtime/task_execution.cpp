#include "flyte/runtime/task_execution.hpp"

#include "model/utf8.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "flyte/context/deck.hpp"
#include "flyte/context/execution_parameters.hpp"
#include "flyte/context/execution_state.hpp"
#include "flyte/context/flyte_context.hpp"
#include "flyte/context/flyte_context_manager.hpp"
#include "flyte/context/logging.hpp"
#include "flyte/context/redaction.hpp"
#include "flyte/context/secrets_manager.hpp"
#include "flyte/context/stats.hpp"
#include "flyte/context/sync_checkpoint.hpp"
#include "flyte/io/atomic_write.hpp"
#include "flyte/io/io_error.hpp"
#include "flyte/io/uri.hpp"
#include "flyte/model/literal_wire.hpp"
#include "flyte/model/value_json.hpp"
#include "flyte/runtime/array_inputs.hpp"
#include "flyte/runtime/error_document.hpp"
#include "flyte/runtime/host_call.hpp"
#include "flyte/runtime/task_interface.hpp"
#include "flyte/runtime/task_library.hpp"
#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"

namespace flyte {
namespace {

// A failure that is already classified; thrown inside the task process and
// staged once at the top.
struct Failed {
  TaskFailure failure;
};

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& item : node)
        object[item.first.as<std::string>()] = yaml_to_json(item.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(yaml_to_json(item));
      return array;
    }
    case YAML::NodeType::Scalar: {
      // Let JSON's grammar decide numbers/booleans/null; anything else is a string.
      const std::string text = node.Scalar();
      if (node.Tag() != "!") {
        try {
          auto parsed = nlohmann::json::parse(text);
          if (!parsed.is_object() && !parsed.is_array()) return parsed;
        } catch (const nlohmann::json::exception&) {
        }
      }
      return text;
    }
    default:
      return nullptr;
  }
}

nlohmann::json read_inputs_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read inputs file {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  try {
    // YAML is a superset of JSON: one parser serves --inputs-json FILE.json and FILE.yaml.
    auto json = yaml_to_json(YAML::Load(text.str()));
    if (!json.is_object()) {
      throw std::runtime_error(fmt::format(
          "inputs file {} must hold a mapping of input names to values", path.string()));
    }
    return json;
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(fmt::format("inputs file {} is not valid JSON/YAML at line {}: {}",
                                         path.string(), e.mark.line + 1, e.msg));
  }
}

ValueMap local_inputs(const ExecutionPlan& plan, const TaskInterface& interface) {
  ValueMap values;
  auto known = [&](const std::string& name) -> const flyteidl::core::LiteralType& {
    if (const auto* type = interface.input_type(name)) return *type;
    std::string declared;
    for (const auto& [n, t] : interface.inputs) declared += (declared.empty() ? "" : ", ") + n;
    throw Failed{TaskFailure::conversion(
        fmt::format("task '{}' has no input '{}' (declared inputs: {})", plan.task.symbol, name,
                    declared.empty() ? "none" : declared))};
  };
  if (plan.options.inputs_file) {
    // Keep the document alive: items() only views it.
    const nlohmann::json document = read_inputs_file(*plan.options.inputs_file);
    for (const auto& [name, json] : document.items()) {
      values[name] = value_from_json(json, known(name), fmt::format("input '{}'", name));
    }
  }
  for (const auto& [name, text] : plan.options.cli_inputs) {
    values[name] = parse_cli_value(text, known(name), name);
  }
  std::string missing;
  for (const auto& [name, type] : interface.inputs) {
    if (values.count(name)) continue;
    // An optional input (a union with none) may be left out, as in Python.
    bool optional = false;
    if (type.has_union_type()) {
      for (const auto& variant : type.union_type().variants()) {
        optional = optional || (variant.has_simple() && variant.simple() == flyteidl::core::NONE);
      }
    }
    if (optional) {
      values[name] = Value();
      continue;
    }
    missing += fmt::format("{}{} ({})", missing.empty() ? "" : ", ", name,
                           plan.options.inputs_file ? "not in the inputs file" : "--input");
  }
  if (!missing.empty()) {
    throw Failed{TaskFailure::conversion(fmt::format(
        "missing input(s) for task '{}': {}. Pass each as --input NAME=VALUE (see --list for "
        "the types)",
        plan.task.symbol, missing))};
  }
  return values;
}

ValueMap container_inputs(const ExecutionPlan& plan, const TaskInterface& interface) {
  std::string bytes;
  try {
    // No LiteralMap over protobuf's 2 GiB limit can be parsed; a fifo or
    // /dev/zero is refused by the storage before a byte is read.
    bytes = plan.file_access->read_bytes(*plan.options.inputs, kMaxOffloadedLiteralBytes);
  } catch (const IoError& e) {
    // A store that failed is worth a retry; a path that is no file (or too
    // large) stays so.
    const bool refused =
        e.error_code() == EISDIR || e.error_code() == EINVAL || e.error_code() == EFBIG;
    throw Failed{TaskFailure::system(
        fmt::format("cannot read inputs from {}: {}", *plan.options.inputs, e.what()), !refused)};
  } catch (const std::exception& e) {
    throw Failed{TaskFailure::system(
        fmt::format("cannot read inputs from {}: {}", *plan.options.inputs, e.what()))};
  }
  // flytekit's entrypoint parses inputs.pb outside its conversion handler:
  // a file that is not a LiteralMap is an "unknown system error" there,
  // SYSTEM and RECOVERABLE (tests/interop/python/test_errors.py).
  auto not_a_literal_map = [&] {
    return Failed{TaskFailure::system(
        fmt::format("inputs at {} ({} bytes) are not a valid flyteidl.core.LiteralMap: the file is "
                    "truncated or not an inputs.pb",
                    *plan.options.inputs, bytes.size()))};
  };
  // A failed fetch of an offloaded input is the storage's failure (flytekit's
  // FlyteDownloadDataException: SYSTEM, RECOVERABLE), whatever error the
  // decoder wraps it in; a fetched literal that does not fit stays a
  // conversion failure.
  bool fetch_failed = false;
  auto fetch = [&](const std::string& uri) {
    flyteidl::core::Literal literal;
    std::string bytes;
    try {
      bytes = plan.file_access->read_bytes(uri, kMaxOffloadedLiteralBytes);
    } catch (const std::exception&) {
      fetch_failed = true;
      throw;
    }
    if (!literal.ParseFromString(bytes)) {
      throw std::runtime_error(fmt::format("offloaded literal at {} is not a valid Literal", uri));
    }
    return literal;
  };
  try {
    if (!plan.array_index) {
      // Straight from the bytes to values (bench/README.md, "Literal conversion").
      try {
        return decode_literal_map(bytes, interface.inputs, fetch, "input");
      } catch (const WireFormatError&) {
        throw not_a_literal_map();
      }
    }
    // Array tasks select each input's element on the message first.
    flyteidl::core::LiteralMap literals;
    if (!literals.ParseFromString(bytes)) throw not_a_literal_map();
    literals = select_array_element(literals, interface.input_type_map(), *plan.array_index, fetch);
    return from_literal_map(literals, interface.inputs, fetch, "input");
  } catch (const Failed&) {
    throw;
  } catch (const std::exception& e) {
    if (fetch_failed) throw Failed{TaskFailure::system(e.what())};
    throw;
  }
}

std::shared_ptr<StatsClient> make_stats(const ExecutionPlan& plan) {
  const auto& id = plan.identity;
  std::map<std::string, std::string> tags{{"exec_project", id.execution_id.project},
                                          {"exec_domain", id.execution_id.domain},
                                          {"exec_workflow", id.workflow},
                                          {"exec_launchplan", id.launch_plan},
                                          {"api_version", FLYTE_EXECUTE_VERSION}};
  if (!plan.container_run) {
    return std::make_shared<StatsClient>(StatsClient::in_memory(
        fmt::format("{}.{}.{}.user_stats", id.task_id.project, id.task_id.domain, id.task_id.name),
        tags, plan.stats));
  }
  return std::make_shared<StatsClient>(StatsClient::for_task(
      plan.stats, id.task_id.project, id.task_id.domain, id.task_id.name, tags));
}

// Appends each output's metadata as serialized Literal.metadata entries
// (flytekit's form, output_metadata_entries); as
// with `literal.mutable_metadata()[key] = value`, a later value for a key
// replaces an earlier one (deduplicated here, so byte sizes stay exact for
// offloading).
void attach_output_metadata(std::vector<EncodedLiteral>& outputs,
                            const OutputMetadataTracker& tracker) {
  const auto all = tracker.all();
  for (auto& [name, bytes] : outputs) {
    const auto found = all.find(name);
    if (found == all.end()) continue;
    // Keys are masked too (a key can carry a secret as well as a value can);
    // the _uap entry is a serialized proto whose bytes masking would corrupt.
    std::map<std::string, std::string> target;
    for (auto& [key, value] : output_metadata_entries(found->second)) {
      target[redact(key)] = key == DYNAMIC_PARTITIONS_KEY ? value : redact(value);
    }
    for (const auto& [key, value] : target) {
      // Literal.metadata is a map<string, string>: invalid UTF-8 would make
      // the whole outputs.pb unreadable for the engine.
      if (!utf8::is_valid(key) || !utf8::is_valid(value)) {
        throw ModelError(fmt::format(
            "cannot attach metadata to output '{}': the entry {} holds bytes that are not valid "
            "UTF-8; metadata keys and values must be UTF-8 text",
            name, utf8::is_valid(key) ? "'" + key + "'" : "with a non-UTF-8 key"));
      }
      append_literal_metadata(bytes, key, value);
    }
  }
}

void stage_file(const ExecutionPlan& plan, const std::string& name, std::string_view bytes) {
  // Staged files are copied to the output prefix (durably) by the parent;
  // forcing the staging copy to disk too would only double the fsyncs.
  write_file_atomically(plan.staging_dir() / name, bytes, kDefaultFilePerms,
                        Durability::ATOMIC_ONLY);
}

}  // namespace

void stage_failure(const ExecutionPlan& plan, const TaskFailure& failure) {
  auto logger = system_logger();
  logger->error("!! Begin {} Error Captured by Flyte !!", error_banner_kind(failure));
  logger->error("{}: {}", failure.code, failure.message);
  logger->error("!! End Error Captured by Flyte !!");
  const auto document =
      make_error_document(failure, worker_name(plan.env), std::chrono::system_clock::now());
  std::filesystem::create_directories(plan.staging_dir());
  stage_file(plan, plan.error_file_name, document.SerializeAsString());
}

int execute_task(const ExecutionPlan& plan) {
  std::shared_ptr<DeckSet> decks;
  bool deck_enabled = false;
  auto stage_decks = [&] {
    if (!decks || !deck_enabled) return;
    try {
      stage_file(plan, std::string(kDeckFileName), decks->render_html());
    } catch (const std::exception& e) {
      system_logger()->warn("could not write deck.html: {}", e.what());
    }
  };
  try {
    std::filesystem::create_directories(plan.staging_dir());
    std::optional<TaskLibrary> library;
    const LoadedTask* task = nullptr;
    TaskInterface interface;
    try {
      library.emplace(TaskLibrary::open(plan.task.library));
      task = &library->find_task(plan.task.symbol);
      interface = TaskInterface::of(*task);
    } catch (const TaskLoadError& e) {
      throw Failed{TaskFailure::user(e.what(), "USER:TaskLoadError")};
    }
    deck_enabled = task->deck_enabled();

    ValueMap inputs;
    try {
      inputs =
          plan.container_run ? container_inputs(plan, interface) : local_inputs(plan, interface);
    } catch (const Failed&) {
      throw;
    } catch (const std::exception& e) {
      throw Failed{TaskFailure::conversion(e.what())};
    }

    auto secrets = std::make_shared<SecretsManager>(plan.secrets, !plan.container_run, plan.env);
    std::vector<SecretRequest> requests;
    for (const auto& s : task->secrets) {
      requests.push_back(
          {s.group, s.key, s.group_version, static_cast<MountType>(s.mount_requirement),
           s.env_var.empty() ? std::nullopt : std::optional<std::string>(s.env_var)});
    }
    try {
      secrets->check(requests);
    } catch (const std::exception& e) {
      throw Failed{TaskFailure::user(e.what(), "USER:ValueError")};
    }

    decks = std::make_shared<DeckSet>();
    auto builder = ExecutionParameters::new_builder();
    builder.with_execution_date(plan.execution_date)
        .with_execution_id(plan.identity.execution_id)
        .with_task_id(plan.identity.task_id)
        .with_working_directory(plan.working_dir)
        .with_raw_output_prefix(plan.raw_output_prefix)
        .with_output_metadata_prefix(plan.output_prefix)
        .with_enable_deck(deck_enabled)
        .with_logging(user_logger())
        .with_stats(make_stats(plan))
        .with_secrets(secrets)
        .with_decks(decks);
    if (plan.options.checkpoint_path) {
      builder.with_checkpoint(
          std::make_shared<SyncCheckpoint>(plan.file_access, *plan.options.checkpoint_path,
                                           plan.options.prev_checkpoint, plan.working_dir));
    }
    auto params = builder.build();

    auto tracker = std::make_shared<OutputMetadataTracker>();
    FlyteContextManager::initialize(
        FlyteContext::Builder().with_file_access(plan.file_access).build());
    const auto mode = plan.container_run ? ExecutionState::Mode::TASK_EXECUTION
                                         : ExecutionState::Mode::LOCAL_TASK_EXECUTION;
    auto scope = FlyteContextManager::with_context(
        FlyteContextManager::current_context()
            ->new_builder()
            .with_execution_state(
                ExecutionState(plan.working_dir, mode, plan.engine_dir, std::nullopt, params))
            .with_output_metadata_tracker(tracker));

    if (plan.options.test) {
      system_logger()->info("--test: would run task '{}' of {} with {} input(s); nothing run",
                            task->name, plan.task.library.string(), inputs.size());
      return 0;
    }

    HostCall call(
        {task, &interface, std::move(inputs), params, plan.file_access, tracker, plan.attempt});
    std::optional<TaskFailure> failure;
    {
      auto section = decks->timeline_deck().time_section(task->name);
      failure = call.invoke();
    }
    if (failure) throw Failed{*failure};

    std::vector<EncodedLiteral> outputs;
    ValueMap values;
    try {
      values = call.finish_outputs();
    } catch (const OutputUploadError& e) {
      // flytekit re-raises FlyteUploadDataException past its conversion
      // handler: the entrypoint reports it as SYSTEM, RECOVERABLE.
      throw Failed{TaskFailure::system(e.what())};
    } catch (const std::exception& e) {
      throw Failed{TaskFailure::conversion(e.what())};
    }
    try {
      outputs = encode_literals(values, interface.outputs, "output");
      attach_output_metadata(outputs, *tracker);
    } catch (const std::exception& e) {
      throw Failed{TaskFailure::conversion(e.what())};
    }
    try {
      offload_large_outputs(outputs, plan.offload, interface.output_type_map(),
                            [&](const std::string& file, const std::string& bytes) {
                              stage_file(plan, file, bytes);
                              return join_uri(plan.output_prefix, {file});
                            });
    } catch (const std::exception& e) {
      // flytekit offloads after the task's scope: the size limit (a ValueError)
      // and a failed write are "other" errors there, SYSTEM and RECOVERABLE.
      throw Failed{TaskFailure::system(e.what())};
    }
    if (!plan.container_run) {
      nlohmann::json printed = nlohmann::json::object();
      for (const auto& [name, type] : interface.outputs) {
        printed[name] = value_to_json(values.at(name));
      }
      stage_file(plan, "outputs.json", printed.dump(2) + "\n");
    }
    stage_decks();
    stage_file(plan, "outputs.pb", frame_literal_map(outputs));
    return 0;
  } catch (const Failed& failed) {
    stage_decks();
    stage_failure(plan, failed.failure);
    return 0;
  } catch (const std::exception& e) {
    stage_decks();
    stage_failure(plan, TaskFailure::system(TaskFailure::format_message("RuntimeError", e.what())));
    return 0;
  }
}

}  // namespace flyte
