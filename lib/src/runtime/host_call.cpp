#include "flyte/runtime/host_call.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <new>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "flyte/context/checkpoint.hpp"
#include "flyte/context/deck.hpp"
#include "flyte/context/redaction.hpp"
#include "flyte/context/secrets_manager.hpp"
#include "flyte/context/stats.hpp"
#include "flyte/io/io_error.hpp"
#include "flyte/io/storage_backend.hpp"
#include "flyte/model/flyte_type.hpp"
#include "flyte/model/value_json.hpp"
#include "flyteidl/core/types.pb.h"

// The opaque error object of flyte/task.h.
struct FLYTE_Error {
  std::string code;
  std::string message;
  FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE;
};

namespace flyte {
namespace {

FLYTE_Error g_out_of_memory{"SYSTEM", "out of memory creating an error", FLYTE_ERROR_RECOVERABLE};

FLYTE_Error* new_error(std::string code, std::string message,
                       FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE) {
  try {
    return new FLYTE_Error{redact(code), redact(message), kind};
  } catch (...) {
    return &g_out_of_memory;
  }
}

const char* or_empty(const char* text) {
  return text ? text : "";
}

// A metadata item a native task added through output_metadata_add.
class KeyValueItem : public SerializableToString {
 public:
  KeyValueItem(std::string key, std::string value)
      : key_(std::move(key)), value_(std::move(value)) {}
  std::string name() const override { return key_; }
  std::string serialize_to_string() const override { return value_; }

 private:
  std::string key_;
  std::string value_;
};

std::string type_text(const flyteidl::core::LiteralType& type) {
  try {
    return flyte_type_to_string(type);
  } catch (...) {
    return "an unsupported type";
  }
}

bool is_simple(const flyteidl::core::LiteralType& type, flyteidl::core::SimpleType simple) {
  return type.type_case() == flyteidl::core::LiteralType::kSimple && type.simple() == simple;
}

}  // namespace

struct HostCall::Access {
  static HostCall& self(FLYTE_Call* call) { return *reinterpret_cast<HostCall*>(call); }

  // Runs `body`, turning any exception into an error for the task, classified
  // by the exception's type: a storage or file-system failure is the host's
  // (SYSTEM, RECOVERABLE: a retry may well succeed), with `io_code` naming the
  // direction as flytekit's FlyteDownloadDataException ("SYSTEM:DownloadDataError")
  // and FlyteUploadDataException ("SYSTEM:UploadDataError") do; anything else
  // (a bad argument, a wrong type, a checkpoint used the wrong way) is the task's.
  template <typename Body>
  static FLYTE_Error* guard(Body&& body, const char* io_code = "SYSTEM:Unknown") noexcept {
    try {
      body();
      return nullptr;
    } catch (const FlyteErrorException& e) {
      return new_error(e.code, e.what(), e.kind);
    } catch (const UnsafeObjectKeyError& e) {
      // A listing we refuse (checkpoint restore): not the task's doing, and a
      // retry would read the same listing.
      return new_error("SYSTEM", e.what(), FLYTE_ERROR_NON_RECOVERABLE);
    } catch (const IoError& e) {
      return new_error(io_code, e.what(), FLYTE_ERROR_RECOVERABLE);
    } catch (const std::system_error& e) {
      // std::filesystem::filesystem_error and std::ios_base::failure included.
      return new_error(io_code, e.what(), FLYTE_ERROR_RECOVERABLE);
    } catch (const std::bad_alloc&) {
      return new_error("SYSTEM", "out of memory in flyte-execute", FLYTE_ERROR_RECOVERABLE);
    } catch (const std::exception& e) {
      return new_error("USER:ValueError", e.what());
    } catch (...) {
      return new_error("SYSTEM", "unknown failure in flyte-execute", FLYTE_ERROR_RECOVERABLE);
    }
  }

  struct FlyteErrorException : std::runtime_error {
    FlyteErrorException(std::string c, const std::string& m, FLYTE_ErrorKind k)
        : std::runtime_error(m), code(std::move(c)), kind(k) {}
    std::string code;
    FLYTE_ErrorKind kind;
  };

  static const char* keep(HostCall& call, std::string text) {
    call.owned_.push_back(std::move(text));
    return call.owned_.back().c_str();
  }

  static const flyteidl::core::LiteralType& input_type(HostCall& call, const char* name) {
    const std::string input = or_empty(name);
    if (const auto* type = call.setup_.interface->input_type(input)) return *type;
    std::string declared;
    for (const auto& [n, t] : call.setup_.interface->inputs)
      declared += (declared.empty() ? "" : ", ") + n;
    throw FlyteErrorException(
        "USER:ValueError",
        fmt::format("task '{}' has no input '{}' (declared inputs: {})", call.setup_.task->name,
                    input, declared.empty() ? "none" : declared),
        FLYTE_ERROR_NON_RECOVERABLE);
  }

  static const flyteidl::core::LiteralType& output_type(HostCall& call, const char* name) {
    const std::string output = or_empty(name);
    if (const auto* type = call.setup_.interface->output_type(output)) return *type;
    std::string declared;
    for (const auto& [n, t] : call.setup_.interface->outputs)
      declared += (declared.empty() ? "" : ", ") + n;
    throw FlyteErrorException(
        "USER:ValueError",
        fmt::format("task '{}' has no output '{}' (declared outputs: {})", call.setup_.task->name,
                    output, declared.empty() ? "none" : declared),
        FLYTE_ERROR_NON_RECOVERABLE);
  }

  [[noreturn]] static void wrong_function(std::string_view role, const char* name,
                                          const flyteidl::core::LiteralType& type,
                                          std::string_view used) {
    throw FlyteErrorException(
        "USER:TypeError",
        fmt::format("{} '{}' is declared as {}; {} does not fit it (use {}_json for any type{})",
                    role, or_empty(name), type_text(type), used, role,
                    (type.has_blob() ? fmt::format(", or {}_path", role) : std::string())),
        FLYTE_ERROR_NON_RECOVERABLE);
  }

  // The input's value, checked to be declared as `simple`.
  static const Value& simple_input(HostCall& call, const char* name,
                                   flyteidl::core::SimpleType simple, std::string_view used) {
    const auto& type = input_type(call, name);
    if (!is_simple(type, simple)) wrong_function("input", name, type, used);
    return call.setup_.inputs.at(name);
  }

  static void set_simple_output(HostCall& call, const char* name, flyteidl::core::SimpleType simple,
                                std::string_view used, Value value) {
    const auto& type = output_type(call, name);
    if (!is_simple(type, simple)) wrong_function("output", name, type, used);
    call.outputs_[name] = std::move(value);
  }

  static Checkpoint& checkpoint(HostCall& call) {
    if (!call.setup_.params->has_checkpoint()) {
      throw FlyteErrorException(
          "USER:ValueError",
          "Checkpointing is not available: flyte-execute was started without --checkpoint-path "
          "(Flyte passes it for tasks with checkpointing enabled; locally, add "
          "--checkpoint-path DIR)",
          FLYTE_ERROR_NON_RECOVERABLE);
    }
    return call.setup_.params->checkpoint();
  }

  // ---- the FLYTE_HostApi functions ----------------------------------------

  static FLYTE_Error* error_new(const char* code, const char* message, FLYTE_ErrorKind kind) {
    return new_error(or_empty(code), or_empty(message), kind);
  }
  static const char* error_code(const FLYTE_Error* e) { return e ? e->code.c_str() : ""; }
  static const char* error_message(const FLYTE_Error* e) { return e ? e->message.c_str() : ""; }
  static FLYTE_ErrorKind error_kind(const FLYTE_Error* e) {
    return e ? e->kind : FLYTE_ERROR_NON_RECOVERABLE;
  }
  static void error_delete(FLYTE_Error* e) {
    if (e != &g_out_of_memory) delete e;
  }

  static FLYTE_Error* working_directory(FLYTE_Call* c, const char** path) {
    return guard(
        [&] { *path = keep(self(c), self(c).setup_.params->working_directory().string()); });
  }
  static FLYTE_Error* execution_id(FLYTE_Call* c, const char** id) {
    return guard([&] { *id = keep(self(c), self(c).setup_.params->execution_id().to_string()); });
  }
  static FLYTE_Error* task_id(FLYTE_Call* c, const char** id) {
    return guard([&] { *id = keep(self(c), self(c).setup_.params->task_id().to_string()); });
  }
  static FLYTE_Error* execution_date(FLYTE_Call* c, int64_t* ns) {
    return guard([&] {
      *ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                self(c).setup_.params->execution_date().time_since_epoch())
                .count();
    });
  }
  static FLYTE_Error* raw_output_prefix(FLYTE_Call* c, const char** prefix) {
    return guard([&] { *prefix = keep(self(c), self(c).setup_.params->raw_output_prefix()); });
  }
  static FLYTE_Error* output_metadata_prefix(FLYTE_Call* c, const char** prefix) {
    return guard([&] { *prefix = keep(self(c), self(c).setup_.params->output_metadata_prefix()); });
  }
  static FLYTE_Error* enable_deck(FLYTE_Call* c, bool* enabled) {
    return guard([&] { *enabled = self(c).setup_.params->enable_deck(); });
  }
  static FLYTE_Error* attempt(FLYTE_Call* c, uint32_t* value) {
    return guard([&] { *value = self(c).setup_.attempt; });
  }

  static FLYTE_Error* input_int64(FLYTE_Call* c, const char* name, int64_t* value) {
    return guard([&] {
      *value =
          simple_input(self(c), name, flyteidl::core::INTEGER, "input_int64").as<std::int64_t>();
    });
  }
  static FLYTE_Error* input_double(FLYTE_Call* c, const char* name, double* value) {
    return guard([&] {
      *value = simple_input(self(c), name, flyteidl::core::FLOAT, "input_double").as<double>();
    });
  }
  static FLYTE_Error* input_bool(FLYTE_Call* c, const char* name, bool* value) {
    return guard([&] {
      *value = simple_input(self(c), name, flyteidl::core::BOOLEAN, "input_bool").as<bool>();
    });
  }
  static FLYTE_Error* input_string(FLYTE_Call* c, const char* name, const char** data,
                                   size_t* len) {
    return guard([&] {
      const auto& text =
          simple_input(self(c), name, flyteidl::core::STRING, "input_string").as<std::string>();
      *data = text.c_str();
      if (len) *len = text.size();
    });
  }
  static FLYTE_Error* input_datetime(FLYTE_Call* c, const char* name, int64_t* ns) {
    return guard([&] {
      *ns = simple_input(self(c), name, flyteidl::core::DATETIME, "input_datetime")
                .as<Datetime>()
                .time_since_epoch()
                .count();
    });
  }
  static FLYTE_Error* input_duration(FLYTE_Call* c, const char* name, int64_t* ns) {
    return guard([&] {
      *ns = simple_input(self(c), name, flyteidl::core::DURATION, "input_duration")
                .as<Duration>()
                .count();
    });
  }
  static FLYTE_Error* input_json(FLYTE_Call* c, const char* name, const char** json, size_t* len) {
    return guard([&] {
      auto& call = self(c);
      input_type(call, name);
      const char* text = keep(call, value_to_json(call.setup_.inputs.at(name)).dump());
      *json = text;
      if (len) *len = std::strlen(text);
    });
  }
  static FLYTE_Error* input_path(FLYTE_Call* c, const char* name, const char** local_path) {
    return guard([&] {
      auto& call = self(c);
      const auto& type = input_type(call, name);
      if (!type.has_blob()) wrong_function("input", name, type, "input_path");
      auto cached = call.downloaded_.find(name);
      if (cached == call.downloaded_.end()) {
        const auto& blob = call.setup_.inputs.at(name).as<Blob>();
        const bool folder = blob.dimensionality == BlobDimensionality::MULTIPART;
        auto base = std::filesystem::path(blob.uri).filename();
        if (base.empty()) base = std::filesystem::path(blob.uri).parent_path().filename();
        // "s3://b/.." must not make the target the inputs folder itself.
        if (base.empty() || base == "." || base == "..") base = name;
        const auto target = call.setup_.params->working_directory() / "inputs" / name / base;
        try {
          std::filesystem::create_directories(target.parent_path());
          call.setup_.file_access->get(blob.uri, target, folder);
        } catch (const UnsafeObjectKeyError& e) {
          throw FlyteErrorException(
              "SYSTEM",
              fmt::format("cannot download input '{}' from {}: {}", name, blob.uri, e.what()),
              FLYTE_ERROR_NON_RECOVERABLE);
        } catch (const std::exception& e) {
          throw FlyteErrorException(
              "SYSTEM:DownloadDataError",
              fmt::format("cannot download input '{}' from {}: {}", name, blob.uri, e.what()),
              FLYTE_ERROR_RECOVERABLE);
        }
        cached = call.downloaded_.emplace(name, target).first;
      }
      *local_path = cached->second.c_str();
    });
  }

  static FLYTE_Error* output_int64(FLYTE_Call* c, const char* name, int64_t value) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::INTEGER, "output_int64", Value(value));
    });
  }
  static FLYTE_Error* output_double(FLYTE_Call* c, const char* name, double value) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::FLOAT, "output_double", Value(value));
    });
  }
  static FLYTE_Error* output_bool(FLYTE_Call* c, const char* name, bool value) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::BOOLEAN, "output_bool", Value(value));
    });
  }
  static FLYTE_Error* output_string(FLYTE_Call* c, const char* name, const char* data, size_t len) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::STRING, "output_string",
                        Value(std::string(data ? data : "", data ? len : 0)));
    });
  }
  static FLYTE_Error* output_datetime(FLYTE_Call* c, const char* name, int64_t ns) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::DATETIME, "output_datetime",
                        Value(Datetime(std::chrono::nanoseconds(ns))));
    });
  }
  static FLYTE_Error* output_duration(FLYTE_Call* c, const char* name, int64_t ns) {
    return guard([&] {
      set_simple_output(self(c), name, flyteidl::core::DURATION, "output_duration",
                        Value(Duration(ns)));
    });
  }
  static FLYTE_Error* output_json(FLYTE_Call* c, const char* name, const char* json, size_t len) {
    return guard([&] {
      auto& call = self(c);
      const auto& type = output_type(call, name);
      nlohmann::json parsed;
      try {
        parsed = nlohmann::json::parse(std::string_view(json ? json : "", json ? len : 0));
      } catch (const nlohmann::json::exception& e) {
        throw FlyteErrorException(
            "USER:ValueError",
            fmt::format("output '{}': not valid JSON: {}", or_empty(name), e.what()),
            FLYTE_ERROR_NON_RECOVERABLE);
      }
      call.outputs_[name] =
          value_from_json(parsed, type, fmt::format("output '{}'", or_empty(name)));
      call.output_paths_.erase(name);
    });
  }
  static FLYTE_Error* output_path(FLYTE_Call* c, const char* name, const char* local_path) {
    return guard([&] {
      auto& call = self(c);
      const auto& type = output_type(call, name);
      if (!type.has_blob()) wrong_function("output", name, type, "output_path");
      const std::filesystem::path path(or_empty(local_path));
      const bool folder = type.blob().dimensionality() == flyteidl::core::BlobType::MULTIPART;
      std::error_code ec;
      if (folder ? !std::filesystem::is_directory(path, ec)
                 : !std::filesystem::is_regular_file(path, ec)) {
        throw FlyteErrorException(
            "USER:ValueError",
            fmt::format("output '{}' is declared as {}, but '{}' is not an existing {}",
                        or_empty(name), type_text(type), path.string(),
                        folder ? "directory" : "file"),
            FLYTE_ERROR_NON_RECOVERABLE);
      }
      call.output_paths_[name] = std::filesystem::absolute(path);
      call.outputs_.erase(name);
    });
  }

  static FLYTE_Error* secret_get(FLYTE_Call* c, const char* group, const char* key,
                                 const char* group_version, const char** value, size_t* len) {
    return guard([&] {
      auto& call = self(c);
      const std::string& secret =
          *keep_ptr(call, call.setup_.params->secrets().get(or_empty(group), or_empty(key),
                                                            or_empty(group_version)));
      *value = secret.c_str();
      if (len) *len = secret.size();
    });
  }
  static const std::string* keep_ptr(HostCall& call, std::string text) {
    call.owned_.push_back(std::move(text));
    return &call.owned_.back();
  }

  static FLYTE_Error* checkpoint_prev_exists(FLYTE_Call* c, bool* exists) {
    return guard([&] { *exists = checkpoint(self(c)).prev_exists(); });
  }
  static FLYTE_Error* checkpoint_restore(FLYTE_Call* c, const char** local_dir) {
    return guard(
        [&] {
          auto& call = self(c);
          if (!call.restored_checkpoint_) {
            auto restored = checkpoint(call).restore();
            if (!restored) {
              *local_dir = nullptr;
              return;
            }
            call.restored_checkpoint_ = *restored;
          }
          *local_dir = call.restored_checkpoint_->c_str();
        },
        "SYSTEM:DownloadDataError");
  }
  static FLYTE_Error* checkpoint_read(FLYTE_Call* c, const char** bytes, size_t* len) {
    return guard(
        [&] {
          auto& call = self(c);
          if (!call.checkpoint_bytes_) call.checkpoint_bytes_ = checkpoint(call).read();
          if (!*call.checkpoint_bytes_) {
            *bytes = nullptr;
            if (len) *len = 0;
            return;
          }
          *bytes = (*call.checkpoint_bytes_)->data();
          if (len) *len = (*call.checkpoint_bytes_)->size();
        },
        "SYSTEM:DownloadDataError");
  }
  static FLYTE_Error* checkpoint_write(FLYTE_Call* c, const char* bytes, size_t len) {
    return guard(
        [&] { checkpoint(self(c)).write(std::string_view(bytes ? bytes : "", bytes ? len : 0)); },
        "SYSTEM:UploadDataError");
  }
  static FLYTE_Error* checkpoint_save_path(FLYTE_Call* c, const char* local_path) {
    return guard([&] { checkpoint(self(c)).save(std::filesystem::path(or_empty(local_path))); },
                 "SYSTEM:UploadDataError");
  }

  static FLYTE_Error* deck_append(FLYTE_Call* c, const char* deck_name, const char* html) {
    return guard([&] {
      auto& params = *self(c).setup_.params;
      if (!params.has_decks()) return;  // decks off for this run: nothing to show
      const std::string name = deck_name && *deck_name ? deck_name : "default";
      params.decks().deck(name).append(or_empty(html));
    });
  }

  static FLYTE_Error* stats_incr(FLYTE_Call* c, const char* name, int64_t value) {
    return guard([&] {
      auto& params = *self(c).setup_.params;
      if (params.has_stats()) params.stats().incr(or_empty(name), value);
    });
  }
  static FLYTE_Error* stats_gauge(FLYTE_Call* c, const char* name, double value) {
    return guard([&] {
      auto& params = *self(c).setup_.params;
      if (params.has_stats()) params.stats().gauge(or_empty(name), value);
    });
  }
  static FLYTE_Error* stats_timing_ms(FLYTE_Call* c, const char* name, double ms) {
    return guard([&] {
      auto& params = *self(c).setup_.params;
      if (params.has_stats()) params.stats().timing_ms(or_empty(name), ms);
    });
  }

  static FLYTE_Error* log_message(FLYTE_Call* c, int32_t level, const char* message) {
    return guard([&] {
      const auto& logger = self(c).setup_.params->logging();
      if (!logger) return;
      spdlog::level::level_enum spd = spdlog::level::critical;
      if (level < 20)
        spd = spdlog::level::debug;
      else if (level < 30)
        spd = spdlog::level::info;
      else if (level < 40)
        spd = spdlog::level::warn;
      else if (level < 50)
        spd = spdlog::level::err;
      logger->log(spd, "{}", or_empty(message));
    });
  }

  static FLYTE_Error* output_metadata_add(FLYTE_Call* c, const char* output_name, const char* key,
                                          const char* value) {
    return guard([&] {
      auto& call = self(c);
      output_type(call, output_name);
      if (!call.setup_.output_metadata) return;
      auto& tracker = *call.setup_.output_metadata;
      auto metadata = tracker.get(output_name).value_or(OutputMetadata{});
      auto& items = metadata.additional_items;
      items.erase(std::remove_if(items.begin(), items.end(),
                                 [&](const auto& item) { return item->name() == or_empty(key); }),
                  items.end());
      items.push_back(std::make_shared<KeyValueItem>(or_empty(key), or_empty(value)));
      tracker.add(output_name, std::move(metadata));
    });
  }
};

const FLYTE_HostApi& HostCall::api() {
  static const FLYTE_HostApi table = [] {
    FLYTE_HostApi t{};
    t.struct_size = sizeof(FLYTE_HostApi);
    t.api_version_major = FLYTE_TASK_API_VERSION_MAJOR;
    t.api_version_minor = FLYTE_TASK_API_VERSION_MINOR;
    t.error_new = &Access::error_new;
    t.error_code = &Access::error_code;
    t.error_message = &Access::error_message;
    t.error_kind = &Access::error_kind;
    t.error_delete = &Access::error_delete;
    t.working_directory = &Access::working_directory;
    t.execution_id = &Access::execution_id;
    t.task_id = &Access::task_id;
    t.execution_date = &Access::execution_date;
    t.raw_output_prefix = &Access::raw_output_prefix;
    t.attempt = &Access::attempt;
    t.input_int64 = &Access::input_int64;
    t.input_double = &Access::input_double;
    t.input_bool = &Access::input_bool;
    t.input_string = &Access::input_string;
    t.input_datetime = &Access::input_datetime;
    t.input_duration = &Access::input_duration;
    t.input_json = &Access::input_json;
    t.input_path = &Access::input_path;
    t.output_int64 = &Access::output_int64;
    t.output_double = &Access::output_double;
    t.output_bool = &Access::output_bool;
    t.output_string = &Access::output_string;
    t.output_datetime = &Access::output_datetime;
    t.output_duration = &Access::output_duration;
    t.output_json = &Access::output_json;
    t.output_path = &Access::output_path;
    t.secret_get = &Access::secret_get;
    t.checkpoint_prev_exists = &Access::checkpoint_prev_exists;
    t.checkpoint_restore = &Access::checkpoint_restore;
    t.checkpoint_read = &Access::checkpoint_read;
    t.checkpoint_write = &Access::checkpoint_write;
    t.checkpoint_save_path = &Access::checkpoint_save_path;
    t.deck_append = &Access::deck_append;
    t.stats_incr = &Access::stats_incr;
    t.stats_gauge = &Access::stats_gauge;
    t.stats_timing_ms = &Access::stats_timing_ms;
    t.log_message = &Access::log_message;
    t.output_metadata_add = &Access::output_metadata_add;
    // 1.1: appended, never reordered (flyte/task.h's versioning rule).
    t.output_metadata_prefix = &Access::output_metadata_prefix;
    t.enable_deck = &Access::enable_deck;
    return t;
  }();
  return table;
}

HostCall::HostCall(HostCallSetup setup) : setup_(std::move(setup)) {}

TaskFailure take_task_error(FLYTE_Error* error) {
  TaskFailure failure;
  failure.code = error->code.empty() ? "USER:RuntimeError" : error->code;
  failure.message = error->message;
  failure.kind =
      error->kind == FLYTE_ERROR_RECOVERABLE ? ErrorKind::RECOVERABLE : ErrorKind::NON_RECOVERABLE;
  failure.origin = failure.code.rfind("SYSTEM", 0) == 0 ? ErrorOrigin::SYSTEM : ErrorOrigin::USER;
  if (error != &g_out_of_memory) delete error;
  return failure;
}

std::optional<TaskFailure> HostCall::invoke() {
  FLYTE_Error* error = setup_.task->descriptor->run(&api(), reinterpret_cast<FLYTE_Call*>(this));
  if (!error) return std::nullopt;
  return take_task_error(error);
}

ValueMap HostCall::finish_outputs() {
  std::string missing;
  for (const auto& [name, type] : setup_.interface->outputs) {
    if (outputs_.count(name) || output_paths_.count(name)) continue;
    missing += (missing.empty() ? "'" : ", '") + name + "'";
  }
  if (!missing.empty()) {
    throw std::runtime_error(fmt::format(
        "task '{}' returned without setting output(s) {}; every declared output must be set",
        setup_.task->name, missing));
  }
  for (const auto& [name, local] : output_paths_) {
    const auto& type = *setup_.interface->output_type(name);
    const bool folder = type.blob().dimensionality() == flyteidl::core::BlobType::MULTIPART;
    const std::string remote =
        setup_.file_access->get_random_remote_path(local.filename().string());
    try {
      setup_.file_access->put(local, remote, folder);
    } catch (const std::exception& e) {
      throw OutputUploadError(fmt::format("cannot upload output '{}' from {} to {}: {}", name,
                                          local.string(), remote, e.what()));
    }
    outputs_[name] =
        Value(Blob{remote, type.blob().format(),
                   folder ? BlobDimensionality::MULTIPART : BlobDimensionality::SINGLE});
  }
  output_paths_.clear();
  return std::move(outputs_);
}

}  // namespace flyte
