#pragma once

// A test implementation of FLYTE_HostApi backed by std::maps, so that task
// libraries can be run without the real host: inputs are set up front, and
// everything the task does (outputs, decks, stats, logs, checkpoint writes)
// is recorded for the test to inspect.

#include <flyte/task.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace flyte::testing {

/// A value as it crossed the ABI, tagged with the host function used.
struct FakeValue {
  enum Kind { INT64, DOUBLE, BOOL, STRING, DATETIME, DURATION, JSON, PATH };
  Kind kind = INT64;
  int64_t i = 0;  // INT64, DATETIME, DURATION (ns)
  double d = 0;
  bool b = false;
  std::string s;  // STRING, JSON, PATH

  static FakeValue int64(int64_t v) { return {INT64, v, 0, false, {}}; }
  static FakeValue real(double v) { return {DOUBLE, 0, v, false, {}}; }
  static FakeValue boolean(bool v) { return {BOOL, 0, 0, v, {}}; }
  static FakeValue string(std::string v) { return {STRING, 0, 0, false, std::move(v)}; }
  static FakeValue datetime(int64_t ns) { return {DATETIME, ns, 0, false, {}}; }
  static FakeValue duration(int64_t ns) { return {DURATION, ns, 0, false, {}}; }
  static FakeValue json(std::string v) { return {JSON, 0, 0, false, std::move(v)}; }
  static FakeValue path(std::string v) { return {PATH, 0, 0, false, std::move(v)}; }
};

/// Everything one call sees and does.
struct FakeCall {
  std::map<std::string, FakeValue> inputs;
  std::map<std::string, FakeValue> outputs;
  std::map<std::pair<std::string, std::string>, std::string> secrets;  // (group, key) -> value

  bool checkpoint_available = true;
  std::optional<std::string> previous_checkpoint;  // bytes of the previous attempt
  std::optional<std::string> written_checkpoint;
  std::vector<std::string> saved_checkpoint_paths;

  std::map<std::string, std::vector<std::string>> decks;
  std::vector<std::tuple<std::string, std::string, double>> stats;  // (kind, name, value)
  std::vector<std::pair<int32_t, std::string>> logs;
  std::map<std::string, std::map<std::string, std::string>> output_metadata;

  std::string working_directory = "/tmp";
  std::string execution_id = "ex:proj:dev:abc123";
  std::string task_id = "TASK:proj:dev:my.task:v1";
  std::string raw_output_prefix = "s3://bucket/raw";
  int64_t execution_date_ns = 1700000000123456789;
  uint32_t attempt = 2;

  std::deque<std::string> host_owned;  // strings handed to the task, alive during the call
};

/// A FLYTE_Error as the fake host represents it.
struct FakeError {
  std::string code;
  std::string message;
  FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE;
};

namespace fake_detail {

inline std::atomic<int> live_errors{0};

inline FakeCall& fc(FLYTE_Call* call) {
  return *reinterpret_cast<FakeCall*>(call);
}

inline FLYTE_Error* error_new(const char* code, const char* message, FLYTE_ErrorKind kind) {
  ++live_errors;
  return reinterpret_cast<FLYTE_Error*>(
      new FakeError{code ? code : "", message ? message : "", kind});
}
inline const char* error_code(const FLYTE_Error* e) {
  return reinterpret_cast<const FakeError*>(e)->code.c_str();
}
inline const char* error_message(const FLYTE_Error* e) {
  return reinterpret_cast<const FakeError*>(e)->message.c_str();
}
inline FLYTE_ErrorKind error_kind(const FLYTE_Error* e) {
  return reinterpret_cast<const FakeError*>(e)->kind;
}
inline void error_delete(FLYTE_Error* e) {
  if (e == nullptr) return;
  --live_errors;
  delete reinterpret_cast<FakeError*>(e);
}

inline FLYTE_Error* fail(const std::string& code, const std::string& message) {
  return error_new(code.c_str(), message.c_str(), FLYTE_ERROR_NON_RECOVERABLE);
}

inline const char* keep(FLYTE_Call* call, std::string s) {
  return fc(call).host_owned.emplace_back(std::move(s)).c_str();
}

/// The input `name` if it exists with the kind the function reads.
inline const FakeValue* input(FLYTE_Call* call, const char* name, FakeValue::Kind kind,
                              FLYTE_Error** err) {
  auto& inputs = fc(call).inputs;
  auto it = inputs.find(name);
  if (it == inputs.end()) {
    *err = fail("FAKE:NoSuchInput", std::string("no input named '") + name + "'");
    return nullptr;
  }
  if (it->second.kind != kind) {
    *err = fail("FAKE:WrongInputKind", std::string("input '") + name + "' read with another kind");
    return nullptr;
  }
  *err = nullptr;
  return &it->second;
}

template <FakeValue::Kind K, typename T, T FakeValue::*M>
FLYTE_Error* read_scalar(FLYTE_Call* call, const char* name, T* out) {
  FLYTE_Error* err = nullptr;
  if (const FakeValue* v = input(call, name, K, &err)) *out = v->*M;
  return err;
}

template <FakeValue::Kind K>
FLYTE_Error* read_text(FLYTE_Call* call, const char* name, const char** data, size_t* len) {
  FLYTE_Error* err = nullptr;
  if (const FakeValue* v = input(call, name, K, &err)) {
    *data = keep(call, v->s);
    if (len) *len = v->s.size();
  }
  return err;
}

inline FLYTE_Error* put(FLYTE_Call* call, const char* name, FakeValue v) {
  auto [it, inserted] = fc(call).outputs.emplace(name, std::move(v));
  if (!inserted) return fail("FAKE:OutputTwice", std::string("output '") + name + "' set twice");
  return nullptr;
}

inline FLYTE_Error* get_text(FLYTE_Call* call, const char** out, const std::string& value) {
  *out = keep(call, value);
  return nullptr;
}

inline FLYTE_Error* no_checkpoint() {
  return fail("FAKE:NoCheckpoint", "Checkpointing is not available (no --checkpoint-path)");
}

inline FLYTE_HostApi make_api() {
  FLYTE_HostApi api{};
  api.struct_size = sizeof(FLYTE_HostApi);
  api.api_version_major = FLYTE_TASK_API_VERSION_MAJOR;
  api.api_version_minor = FLYTE_TASK_API_VERSION_MINOR;
  api.error_new = error_new;
  api.error_code = error_code;
  api.error_message = error_message;
  api.error_kind = error_kind;
  api.error_delete = error_delete;

  api.working_directory = [](FLYTE_Call* c, const char** out) {
    return get_text(c, out, fc(c).working_directory);
  };
  api.execution_id = [](FLYTE_Call* c, const char** out) {
    return get_text(c, out, fc(c).execution_id);
  };
  api.task_id = [](FLYTE_Call* c, const char** out) { return get_text(c, out, fc(c).task_id); };
  api.execution_date = [](FLYTE_Call* c, int64_t* ns) -> FLYTE_Error* {
    *ns = fc(c).execution_date_ns;
    return nullptr;
  };
  api.raw_output_prefix = [](FLYTE_Call* c, const char** out) {
    return get_text(c, out, fc(c).raw_output_prefix);
  };
  api.attempt = [](FLYTE_Call* c, uint32_t* a) -> FLYTE_Error* {
    *a = fc(c).attempt;
    return nullptr;
  };

  api.input_int64 = read_scalar<FakeValue::INT64, int64_t, &FakeValue::i>;
  api.input_double = read_scalar<FakeValue::DOUBLE, double, &FakeValue::d>;
  api.input_bool = read_scalar<FakeValue::BOOL, bool, &FakeValue::b>;
  api.input_string = read_text<FakeValue::STRING>;
  api.input_datetime = read_scalar<FakeValue::DATETIME, int64_t, &FakeValue::i>;
  api.input_duration = read_scalar<FakeValue::DURATION, int64_t, &FakeValue::i>;
  api.input_json = read_text<FakeValue::JSON>;
  api.input_path = [](FLYTE_Call* c, const char* name, const char** path) {
    return read_text<FakeValue::PATH>(c, name, path, nullptr);
  };

  api.output_int64 = [](FLYTE_Call* c, const char* n, int64_t v) {
    return put(c, n, FakeValue::int64(v));
  };
  api.output_double = [](FLYTE_Call* c, const char* n, double v) {
    return put(c, n, FakeValue::real(v));
  };
  api.output_bool = [](FLYTE_Call* c, const char* n, bool v) {
    return put(c, n, FakeValue::boolean(v));
  };
  api.output_string = [](FLYTE_Call* c, const char* n, const char* d, size_t len) {
    return put(c, n, FakeValue::string(std::string(d, len)));
  };
  api.output_datetime = [](FLYTE_Call* c, const char* n, int64_t v) {
    return put(c, n, FakeValue::datetime(v));
  };
  api.output_duration = [](FLYTE_Call* c, const char* n, int64_t v) {
    return put(c, n, FakeValue::duration(v));
  };
  api.output_json = [](FLYTE_Call* c, const char* n, const char* d, size_t len) {
    return put(c, n, FakeValue::json(std::string(d, len)));
  };
  api.output_path = [](FLYTE_Call* c, const char* n, const char* p) {
    return put(c, n, FakeValue::path(p));
  };

  api.secret_get = [](FLYTE_Call* c, const char* group, const char* key, const char*,
                      const char** value, size_t* len) -> FLYTE_Error* {
    auto& secrets = fc(c).secrets;
    auto it = secrets.find({group, key});
    if (it == secrets.end()) {
      return fail("FAKE:SecretNotFound",
                  std::string("secret ") + group + "/" + key + " not found in the fake host");
    }
    *value = keep(c, it->second);
    *len = it->second.size();
    return nullptr;
  };

  api.checkpoint_prev_exists = [](FLYTE_Call* c, bool* exists) -> FLYTE_Error* {
    if (!fc(c).checkpoint_available) return no_checkpoint();
    *exists = fc(c).previous_checkpoint.has_value();
    return nullptr;
  };
  api.checkpoint_restore = [](FLYTE_Call* c, const char** dir) -> FLYTE_Error* {
    if (!fc(c).checkpoint_available) return no_checkpoint();
    *dir = fc(c).previous_checkpoint ? keep(c, fc(c).working_directory + "/prev_cp") : nullptr;
    return nullptr;
  };
  api.checkpoint_read = [](FLYTE_Call* c, const char** bytes, size_t* len) -> FLYTE_Error* {
    if (!fc(c).checkpoint_available) return no_checkpoint();
    const auto& prev = fc(c).previous_checkpoint;
    *bytes = prev ? keep(c, *prev) : nullptr;
    *len = prev ? prev->size() : 0;
    return nullptr;
  };
  api.checkpoint_write = [](FLYTE_Call* c, const char* bytes, size_t len) -> FLYTE_Error* {
    if (!fc(c).checkpoint_available) return no_checkpoint();
    fc(c).written_checkpoint = std::string(bytes, len);
    return nullptr;
  };
  api.checkpoint_save_path = [](FLYTE_Call* c, const char* path) -> FLYTE_Error* {
    if (!fc(c).checkpoint_available) return no_checkpoint();
    fc(c).saved_checkpoint_paths.emplace_back(path);
    return nullptr;
  };

  api.deck_append = [](FLYTE_Call* c, const char* deck, const char* html) -> FLYTE_Error* {
    fc(c).decks[deck].emplace_back(html);
    return nullptr;
  };
  api.stats_incr = [](FLYTE_Call* c, const char* name, int64_t v) -> FLYTE_Error* {
    fc(c).stats.emplace_back("incr", name, static_cast<double>(v));
    return nullptr;
  };
  api.stats_gauge = [](FLYTE_Call* c, const char* name, double v) -> FLYTE_Error* {
    fc(c).stats.emplace_back("gauge", name, v);
    return nullptr;
  };
  api.stats_timing_ms = [](FLYTE_Call* c, const char* name, double v) -> FLYTE_Error* {
    fc(c).stats.emplace_back("timing_ms", name, v);
    return nullptr;
  };
  api.log_message = [](FLYTE_Call* c, int32_t level, const char* message) -> FLYTE_Error* {
    fc(c).logs.emplace_back(level, message);
    return nullptr;
  };
  api.output_metadata_add = [](FLYTE_Call* c, const char* output, const char* key,
                               const char* value) -> FLYTE_Error* {
    fc(c).output_metadata[output][key] = value;
    return nullptr;
  };
  return api;
}

}  // namespace fake_detail

/// The host function table; the same for every call.
inline const FLYTE_HostApi& fake_host_api() {
  static const FLYTE_HostApi api = fake_detail::make_api();
  return api;
}

/// Errors created and not yet deleted or returned (a leak check).
inline int live_fake_errors() {
  return fake_detail::live_errors.load();
}

/// Runs a task's descriptor against `call`; returns the error it returned
/// (deleted after copying), or std::nullopt on success.
inline std::optional<FakeError> run_with_fake_host(const FLYTE_TaskDescriptor& task,
                                                   FakeCall& call) {
  FLYTE_Error* err = task.run(&fake_host_api(), reinterpret_cast<FLYTE_Call*>(&call));
  if (err == nullptr) return std::nullopt;
  FakeError copy = *reinterpret_cast<FakeError*>(err);
  fake_detail::error_delete(err);
  return copy;
}

}  // namespace flyte::testing
