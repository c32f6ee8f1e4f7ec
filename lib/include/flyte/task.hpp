#pragma once

/// flyte/task.hpp - the header-only C++ SDK for writing Flyte tasks.
///
/// Write a typed function and register it; the Flyte interface is deduced
/// from the signature and the function is exported as a task that
/// `flyte-execute --task libmytasks.so:add` can run:
///
///     #include <flyte/task.hpp>
///
///     int64_t add(int64_t a, int64_t b) { return a + b; }
///     FLYTE_TASK(add, flyte::inputs("a", "b"), flyte::outputs("c"));
///
///     std::tuple<int64_t, int64_t> divide(int64_t a, int64_t b) { return {a / b, a % b}; }
///     FLYTE_TASK(divide, flyte::inputs("a", "b"), flyte::outputs("quotient", "remainder"));
///
///     FLYTE_TASK_LIBRARY();  // once per library, in any one source file
///
/// Build the library with -fvisibility=hidden; it needs only this header (and
/// nlohmann/json, header-only), never the flyte-execute runtime.
///
/// Types (C++ -> Flyte): int64_t and other integers -> integer, double/float ->
/// float, std::string -> string, bool -> boolean, flyte::Datetime -> datetime,
/// std::chrono::duration -> duration, flyte::File -> file, flyte::Directory ->
/// directory, flyte::Dict (nlohmann::json) -> dict, std::vector<T> -> list<T>,
/// std::map<std::string, T> -> map<T>, std::optional<T> -> optional<T>.
/// Return void for no outputs and std::tuple<...> for several.
///
/// Inside a task, flyte::current_context() gives flytekit's ExecutionParameters
/// (ids, working directory, secrets, checkpoint, decks, stats, logging).
///
/// Errors: throw. flyte::RecoverableError -> a retryable error with code
/// "USER:Recoverable"; flyte::UserError(code, message) -> your own code;
/// std::invalid_argument -> "USER:ValueError"; any other exception ->
/// "USER:RuntimeError". The message is "<exception type>: <what()>". No
/// exception ever crosses into flyte-execute.
///
/// Everything lives in the inline namespace flyte::sdk, so it is spelled
/// flyte::... in task code but cannot collide with the runtime's own types
/// (e.g. the host's flyte::ExecutionParameters) in a program that has both.

#include <flyte/task.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#include <cxxabi.h>
#endif

namespace flyte {
inline namespace sdk {

// ===========================================================================
// Value types
// ===========================================================================

/// A Flyte datetime: a UTC instant with nanosecond precision.
using Datetime = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

/// A Flyte dict / struct: any JSON object.
using Dict = nlohmann::json;

/// A Flyte file. As an input, `path` is a local copy the host downloaded
/// into the working directory; as an output, the host uploads the local file
/// at `path` after the task returns.
struct File {
  std::filesystem::path path;  ///< a local path (or, for an output, a URI)
  File() = default;
  explicit File(std::filesystem::path p) : path(std::move(p)) {}
  friend bool operator==(const File& a, const File& b) { return a.path == b.path; }
};

/// A Flyte directory; like File, for a whole folder.
struct Directory {
  std::filesystem::path path;  ///< a local path (or, for an output, a URI)
  Directory() = default;
  explicit Directory(std::filesystem::path p) : path(std::move(p)) {}
  friend bool operator==(const Directory& a, const Directory& b) { return a.path == b.path; }
};

// ===========================================================================
// Errors
// ===========================================================================

/// Any failure carrying a Flyte error code and kind: the base of UserError
/// (the task's own failures) and HostError (the host's). Catch `flyte::Error&`
/// for both, `flyte::UserError&` for the task's only.
class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message,
        FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE)
      : std::runtime_error(message), code_(std::move(code)), kind_(kind) {}
  const std::string& code() const noexcept { return code_; }
  FLYTE_ErrorKind kind() const noexcept { return kind_; }

 private:
  std::string code_;
  FLYTE_ErrorKind kind_;
};

/// An error with a Flyte error code of your choosing, e.g.
///     throw flyte::UserError("USER:QuotaExceeded", "the bucket is full");
///     throw flyte::UserError(42, "exit code of the tool");  // code "42"
/// Non-recoverable unless `kind` says otherwise.
class UserError : public Error {
 public:
  UserError(std::string code, const std::string& message,
            FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE)
      : Error(std::move(code), message, kind) {}
  UserError(long long code, const std::string& message,
            FLYTE_ErrorKind kind = FLYTE_ERROR_NON_RECOVERABLE)
      : UserError(std::to_string(code), message, kind) {}
};

/// A failure Flyte may retry (flytekit's FlyteRecoverableException): code
/// "USER:Recoverable", kind RECOVERABLE.
class RecoverableError : public UserError {
 public:
  explicit RecoverableError(const std::string& message)
      : UserError("USER:Recoverable", message, FLYTE_ERROR_RECOVERABLE) {}
};

/// An error a host function reported (a missing input, a secret that is not
/// there, a storage failure: "SYSTEM:UploadDataError" RECOVERABLE, ...). Keeps
/// the host's code and kind; let it propagate out of the task unless you can
/// handle it. Not a UserError: `catch (const flyte::UserError&)` does not
/// swallow the host's and the system's failures.
class HostError : public Error {
 public:
  using Error::Error;
};

// ===========================================================================
// Interface declaration helpers (arguments of FLYTE_TASK)
// ===========================================================================

/// Names of a task's inputs, one per parameter, in order.
template <std::size_t N>
struct Inputs {
  std::array<const char*, N> names;
};
/// Names of a task's outputs: one for a plain return type, one per element
/// for std::tuple, none for void. Defaults to flytekit's o0, o1, ...
template <std::size_t N>
struct Outputs {
  std::array<const char*, N> names;
};
/// A task's description (shown by `flyte-execute --list`).
struct Description {
  const char* text;
};
/// A secret the task reads (flyteidl Secret): declare every secret a task uses.
struct SecretRequest {
  const char* group;
  const char* key;
  const char* group_version = nullptr;
  uint32_t mount_requirement = FLYTE_SECRET_MOUNT_ANY;
  const char* env_var = nullptr;
};
/// Turns on decks (deck.html) for the task.
struct EnableDeck {};

/// flyte::inputs("a", "b")
template <typename... Names>
constexpr Inputs<sizeof...(Names)> inputs(Names... names) {
  static_assert((std::is_convertible_v<Names, const char*> && ...),
                "flyte::inputs(...) takes the input names as string literals");
  return {{{names...}}};
}
/// flyte::outputs("c")
template <typename... Names>
constexpr Outputs<sizeof...(Names)> outputs(Names... names) {
  static_assert((std::is_convertible_v<Names, const char*> && ...),
                "flyte::outputs(...) takes the output names as string literals");
  return {{{names...}}};
}
/// flyte::description("Adds two numbers.")
constexpr Description description(const char* text) {
  return {text};
}
/// flyte::secret_request("demo", "token")
constexpr SecretRequest secret_request(const char* group, const char* key,
                                       const char* group_version = nullptr,
                                       uint32_t mount_requirement = FLYTE_SECRET_MOUNT_ANY,
                                       const char* env_var = nullptr) {
  return {group, key, group_version, mount_requirement, env_var};
}
/// flyte::enable_deck()
constexpr EnableDeck enable_deck() {
  return {};
}

// ---- Registration options (ABI 1.1): how `flyte-execute package` registers
// the task (flyteidl TaskMetadata / Container). A run ignores them.

/// Retries after a USER error: flyte::retries(3) (TaskMetadata.retries).
struct Retries {
  uint32_t count;
};
/// The longest an attempt may run: flyte::timeout(std::chrono::minutes(30)).
struct Timeout {
  std::chrono::nanoseconds value;
};
/// Caches outputs by inputs; bump the version when the task's logic changes:
/// flyte::cache("1.0") (TaskMetadata.discoverable + discovery_version).
struct Cache {
  const char* version;
};
/// May run on preemptible nodes: flyte::interruptible().
struct Interruptible {};
/// Resource requests / limits of the container, as Kubernetes quantities:
/// flyte::requests({{"cpu", "500m"}, {"memory", "1Gi"}}). Names: cpu, memory,
/// gpu, ephemeral_storage.
struct ResourceList {
  bool limits;
  std::vector<FLYTE_Resource> items;
};
/// An environment variable of the container: flyte::env("MODE", "fast")
/// (repeatable). Stored in the registered task in clear: never a secret.
struct EnvVar {
  const char* name;
  const char* value;
};

constexpr Retries retries(uint32_t count) {
  return {count};
}
template <typename Rep, typename Period>
constexpr Timeout timeout(std::chrono::duration<Rep, Period> value) {
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(value)};
}
constexpr Cache cache(const char* version) {
  return {version};
}
constexpr Interruptible interruptible() {
  return {};
}
inline ResourceList requests(std::initializer_list<FLYTE_Resource> items) {
  return {false, items};
}
inline ResourceList limits(std::initializer_list<FLYTE_Resource> items) {
  return {true, items};
}
constexpr EnvVar env(const char* name, const char* value) {
  return {name, value};
}

// ===========================================================================
// Internals shared by conversions and the context view
// ===========================================================================

namespace detail {

/// The call the current thread is running (set by the task wrapper).
struct CallState {
  const FLYTE_HostApi* api;
  FLYTE_Call* call;
};
// Hidden (here and in registry()) so that two task libraries in one process
// never share SDK state, even when built without -fvisibility=hidden.
__attribute__((visibility("hidden"))) inline thread_local CallState* current_call = nullptr;

/// Every task FLYTE_TASK registered in this library, for FLYTE_TaskLibraryTasks.
/// Hidden, so two libraries built with this header never share it.
__attribute__((visibility("hidden"))) inline std::vector<const FLYTE_TaskDescriptor*>& registry() {
  static std::vector<const FLYTE_TaskDescriptor*> tasks;
  return tasks;
}

/// Turns a host error into a HostError exception (taking ownership of it).
inline void check(const FLYTE_HostApi* api, FLYTE_Error* err) {
  if (err == nullptr) return;
  const char* code = api->error_code(err);
  const char* message = api->error_message(err);
  HostError e(code ? code : "", message ? message : "", api->error_kind(err));
  api->error_delete(err);
  throw e;
}

/// A conversion failure: the value does not have the declared shape.
[[noreturn]] inline void type_error(const std::string& where, const std::string& expected,
                                    const nlohmann::json& got) {
  std::string shown = got.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  throw UserError("USER:TypeError", where + ": expected " + expected + ", got " + shown);
}

inline int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Howard Hinnant's days <-> civil date algorithms (proleptic Gregorian).
inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
inline void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

/// ".123", ".123456", ".123456789" or "" (protobuf's JSON style).
inline std::string fraction(uint64_t nanos) {
  char buf[16];
  if (nanos == 0) return "";
  if (nanos % 1000000 == 0) {
    std::snprintf(buf, sizeof buf, ".%03u", static_cast<unsigned>(nanos / 1000000));
  } else if (nanos % 1000 == 0) {
    std::snprintf(buf, sizeof buf, ".%06u", static_cast<unsigned>(nanos / 1000));
  } else {
    std::snprintf(buf, sizeof buf, ".%09u", static_cast<unsigned>(nanos));
  }
  return buf;
}

/// Reads up to 9 fraction digits after a '.' at s[i] (if any) as nanoseconds.
inline bool parse_fraction(std::string_view s, std::size_t& i, int64_t& nanos) {
  nanos = 0;
  if (i >= s.size() || s[i] != '.') return true;
  ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (digits == 9) return false;
    nanos = nanos * 10 + (s[i] - '0');
    ++digits;
    ++i;
  }
  if (digits == 0) return false;
  for (std::size_t k = digits; k < 9; ++k) nanos *= 10;
  return true;
}

inline bool parse_digits(std::string_view s, std::size_t& i, std::size_t n, int64_t& out) {
  out = 0;
  for (std::size_t k = 0; k < n; ++k, ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

/// "std::runtime_error", "flyte::RecoverableError", "MyError".
inline std::string type_name(const std::type_info& type) {
  std::string name = type.name();
#if defined(__GNUC__) || defined(__clang__)
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status == 0 && demangled) name = demangled.get();
#endif
  for (std::string_view noise : {"sdk::", "__cxx11::", "[abi:cxx11]"}) {
    for (auto pos = name.find(noise); pos != std::string::npos; pos = name.find(noise)) {
      name.erase(pos, noise.size());
    }
  }
  return name;
}

}  // namespace detail

// ===========================================================================
// Datetime / duration text forms (the JSON mapping of flyte/task.h)
// ===========================================================================

/// RFC 3339 UTC, e.g. "2024-05-01T12:00:00.250Z" (0, 3, 6 or 9 fraction digits).
inline std::string format_datetime(Datetime t) {
  const int64_t ns = t.time_since_epoch().count();
  const int64_t secs = detail::floor_div(ns, 1000000000);
  const int64_t nanos = ns - secs * 1000000000;
  const int64_t days = detail::floor_div(secs, 86400);
  const int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  detail::civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u", static_cast<long long>(y), m, d,
                static_cast<unsigned>(sod / 3600), static_cast<unsigned>(sod / 60 % 60),
                static_cast<unsigned>(sod % 60));
  return buf + detail::fraction(static_cast<uint64_t>(nanos)) + "Z";
}

/// Parses RFC 3339 ("2024-05-01T12:00:00Z", "...T12:00:00.5+02:00");
/// std::nullopt when `text` is not one.
inline std::optional<Datetime> parse_datetime(std::string_view text) {
  std::size_t i = 0;
  int64_t y, mo, d, h, mi, s, nanos, off = 0;
  auto expect = [&](char c) { return i < text.size() && text[i++] == c; };
  if (!detail::parse_digits(text, i, 4, y) || !expect('-') ||
      !detail::parse_digits(text, i, 2, mo) || !expect('-') || !detail::parse_digits(text, i, 2, d))
    return std::nullopt;
  if (i >= text.size() || (text[i] != 'T' && text[i] != 't' && text[i] != ' ')) return std::nullopt;
  ++i;
  if (!detail::parse_digits(text, i, 2, h) || !expect(':') ||
      !detail::parse_digits(text, i, 2, mi) || !expect(':') ||
      !detail::parse_digits(text, i, 2, s) || !detail::parse_fraction(text, i, nanos))
    return std::nullopt;
  if (i >= text.size()) return std::nullopt;
  if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    const int sign = text[i++] == '-' ? -1 : 1;
    int64_t oh, om;
    if (!detail::parse_digits(text, i, 2, oh) || !expect(':') ||
        !detail::parse_digits(text, i, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    off = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (i != text.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return std::nullopt;
  const int64_t days =
      detail::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - off;
  return Datetime(std::chrono::nanoseconds(secs * 1000000000 + nanos));
}

/// Seconds with an "s" suffix, e.g. "1.500s", "-3s" (protobuf's Duration JSON).
inline std::string format_duration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  const uint64_t mag = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out = ns < 0 ? "-" : "";
  out += std::to_string(mag / 1000000000);
  out += detail::fraction(mag % 1000000000);
  out += 's';
  return out;
}

/// Parses "1.5s", "-3s", "0.000000001s"; std::nullopt otherwise.
inline std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const std::size_t start = i;
  int64_t secs = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (secs > (std::numeric_limits<int64_t>::max() / 1000000000 - 9) / 10) return std::nullopt;
    secs = secs * 10 + (text[i++] - '0');
  }
  int64_t nanos = 0;
  if (i == start || !detail::parse_fraction(text, i, nanos) || i + 1 != text.size() ||
      text[i] != 's')
    return std::nullopt;
  const int64_t total = secs * 1000000000 + nanos;
  return std::chrono::nanoseconds(negative ? -total : total);
}

// ===========================================================================
// Type conversions: TypeTraits<T> says how a C++ type is a Flyte type
// ===========================================================================

/// Specialise to teach the SDK a new type: `type_name()` (the Flyte type
/// string), `to_json` / `from_json` (the JSON mapping of flyte/task.h), and
/// optionally `read` / `write` (a typed host function instead of JSON).
template <typename T, typename Enable = void>
struct TypeTraits {
  static_assert(sizeof(T) == 0,
                "flyte: this type cannot be a task input or output. Use int64_t, double, bool, "
                "std::string, flyte::Datetime, std::chrono::duration, flyte::File, "
                "flyte::Directory, flyte::Dict, or std::vector / std::map<std::string, .> / "
                "std::optional of those (or specialise flyte::TypeTraits).");
};

namespace detail {

/// Reads an input through input_json and converts it.
template <typename T>
T read_json(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
  const char* text = nullptr;
  std::size_t len = 0;
  check(api, api->input_json(call, name, &text, &len));
  nlohmann::json j = nlohmann::json::parse(text, text + len, nullptr, false);
  if (j.is_discarded()) {
    throw UserError("USER:TypeError", std::string("input '") + name +
                                          "': the host gave text that is not JSON: " +
                                          std::string(text, len < 80 ? len : 80));
  }
  return TypeTraits<T>::from_json(j, std::string("input '") + name + "'");
}

template <typename T>
void write_json(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, const T& value) {
  const std::string text = TypeTraits<T>::to_json(value).dump();
  check(api, api->output_json(call, name, text.data(), text.size()));
}

/// Default read/write: JSON, for types without a typed host function.
template <typename T, typename = void>
struct has_typed_io : std::false_type {};
template <typename T>
struct has_typed_io<T, std::void_t<decltype(TypeTraits<T>::read(nullptr, nullptr, nullptr))>>
    : std::true_type {};

template <typename T>
T read_value(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
  if constexpr (has_typed_io<T>::value) {
    return TypeTraits<T>::read(api, call, name);
  } else {
    return read_json<T>(api, call, name);
  }
}
template <typename T>
void write_value(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, const T& value) {
  if constexpr (has_typed_io<T>::value) {
    TypeTraits<T>::write(api, call, name, value);
  } else {
    write_json<T>(api, call, name, value);
  }
}

}  // namespace detail

/// Integers (not bool) <-> integer. Values that do not fit the C++ type are
/// a USER:ValueError.
template <typename T>
struct TypeTraits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static std::string type_name() { return "integer"; }
  static T narrow(int64_t v, const std::string& where) {
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<T>::max())
        throw UserError("USER:ValueError", where + ": " + std::to_string(v) + " does not fit");
    } else if constexpr (sizeof(T) < sizeof(int64_t)) {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        throw UserError("USER:ValueError", where + ": " + std::to_string(v) + " does not fit");
    }
    return static_cast<T>(v);
  }
  static int64_t widen(T v, const std::string& where) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw UserError("USER:ValueError",
                        where + ": " + std::to_string(v) + " does not fit a Flyte integer");
    }
    return static_cast<int64_t>(v);
  }
  static T read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    int64_t v = 0;
    detail::check(api, api->input_int64(call, name, &v));
    return narrow(v, std::string("input '") + name + "'");
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, T value) {
    detail::check(
        api, api->output_int64(call, name, widen(value, std::string("output '") + name + "'")));
  }
  static nlohmann::json to_json(T v) { return widen(v, "value"); }
  static T from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_number_integer()) detail::type_error(where, "an integer", j);
    if (j.is_number_unsigned() &&
        j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      detail::type_error(where, "an integer that fits in 64 bits", j);
    return narrow(j.get<int64_t>(), where);
  }
};

/// double / float <-> float. NaN and infinities travel as strings in JSON.
template <typename T>
struct TypeTraits<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static std::string type_name() { return "float"; }
  static T read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    double v = 0;
    detail::check(api, api->input_double(call, name, &v));
    return static_cast<T>(v);
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, T value) {
    detail::check(api, api->output_double(call, name, static_cast<double>(value)));
  }
  static nlohmann::json to_json(T v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    return static_cast<double>(v);
  }
  static T from_json(const nlohmann::json& j, const std::string& where) {
    if (j.is_number()) return static_cast<T>(j.get<double>());
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "NaN") return std::numeric_limits<T>::quiet_NaN();
      if (s == "Infinity") return std::numeric_limits<T>::infinity();
      if (s == "-Infinity") return -std::numeric_limits<T>::infinity();
    }
    detail::type_error(where, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", j);
  }
};

/// bool <-> boolean.
template <>
struct TypeTraits<bool> {
  static std::string type_name() { return "boolean"; }
  static bool read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    bool v = false;
    detail::check(api, api->input_bool(call, name, &v));
    return v;
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, bool value) {
    detail::check(api, api->output_bool(call, name, value));
  }
  static nlohmann::json to_json(bool v) { return v; }
  static bool from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_boolean()) detail::type_error(where, "true or false", j);
    return j.get<bool>();
  }
};

/// std::string <-> string.
template <>
struct TypeTraits<std::string> {
  static std::string type_name() { return "string"; }
  static std::string read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    const char* data = nullptr;
    std::size_t len = 0;
    detail::check(api, api->input_string(call, name, &data, &len));
    return std::string(data ? data : "", data ? len : 0);
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name,
                    const std::string& value) {
    detail::check(api, api->output_string(call, name, value.data(), value.size()));
  }
  static nlohmann::json to_json(const std::string& v) { return v; }
  static std::string from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_string()) detail::type_error(where, "a string", j);
    return j.get<std::string>();
  }
};

/// flyte::Datetime <-> datetime.
template <>
struct TypeTraits<Datetime> {
  static std::string type_name() { return "datetime"; }
  static Datetime read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    int64_t ns = 0;
    detail::check(api, api->input_datetime(call, name, &ns));
    return Datetime(std::chrono::nanoseconds(ns));
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, Datetime v) {
    detail::check(api, api->output_datetime(call, name, v.time_since_epoch().count()));
  }
  static nlohmann::json to_json(Datetime v) { return format_datetime(v); }
  static Datetime from_json(const nlohmann::json& j, const std::string& where) {
    std::optional<Datetime> t;
    if (j.is_string()) t = parse_datetime(j.get_ref<const std::string&>());
    if (!t) detail::type_error(where, "an RFC 3339 datetime string", j);
    return *t;
  }
};

/// std::chrono::duration <-> duration (nanosecond precision).
template <typename Rep, typename Period>
struct TypeTraits<std::chrono::duration<Rep, Period>> {
  using D = std::chrono::duration<Rep, Period>;
  static std::string type_name() { return "duration"; }
  static D read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    int64_t ns = 0;
    detail::check(api, api->input_duration(call, name, &ns));
    return std::chrono::duration_cast<D>(std::chrono::nanoseconds(ns));
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, D v) {
    detail::check(
        api, api->output_duration(call, name,
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(v).count()));
  }
  static nlohmann::json to_json(D v) {
    return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(v));
  }
  static D from_json(const nlohmann::json& j, const std::string& where) {
    std::optional<std::chrono::nanoseconds> d;
    if (j.is_string()) d = parse_duration(j.get_ref<const std::string&>());
    if (!d) detail::type_error(where, "a duration string such as \"1.500s\"", j);
    return std::chrono::duration_cast<D>(*d);
  }
};

namespace detail {
template <typename P>
struct PathTraits {
  static P read(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name) {
    const char* path = nullptr;
    check(api, api->input_path(call, name, &path));
    return P(path ? path : "");
  }
  static void write(const FLYTE_HostApi* api, FLYTE_Call* call, const char* name, const P& v) {
    check(api, api->output_path(call, name, v.path.c_str()));
  }
  static nlohmann::json to_json(const P& v) { return v.path.string(); }
  static P from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_string()) type_error(where, "a path or URI string", j);
    return P(j.get<std::string>());
  }
};
}  // namespace detail

/// flyte::File <-> file.
template <>
struct TypeTraits<File> : detail::PathTraits<File> {
  static std::string type_name() { return "file"; }
};
/// flyte::Directory <-> directory.
template <>
struct TypeTraits<Directory> : detail::PathTraits<Directory> {
  static std::string type_name() { return "directory"; }
};

/// flyte::Dict (nlohmann::json) <-> dict: any JSON object.
template <>
struct TypeTraits<Dict> {
  static std::string type_name() { return "dict"; }
  static nlohmann::json to_json(const Dict& v) { return v; }
  static Dict from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) detail::type_error(where, "a JSON object", j);
    return j;
  }
};

/// std::vector<T> <-> list<T>.
template <typename T, typename A>
struct TypeTraits<std::vector<T, A>> {
  static std::string type_name() { return "list<" + TypeTraits<T>::type_name() + ">"; }
  static nlohmann::json to_json(const std::vector<T, A>& v) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : v) j.push_back(TypeTraits<T>::to_json(e));
    return j;
  }
  static std::vector<T, A> from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_array()) detail::type_error(where, "a JSON array", j);
    std::vector<T, A> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
      out.push_back(TypeTraits<T>::from_json(j[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }
};

/// std::map<std::string, T> <-> map<T>.
template <typename T, typename C, typename A>
struct TypeTraits<std::map<std::string, T, C, A>> {
  using M = std::map<std::string, T, C, A>;
  static std::string type_name() { return "map<" + TypeTraits<T>::type_name() + ">"; }
  static nlohmann::json to_json(const M& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : m) j[k] = TypeTraits<T>::to_json(v);
    return j;
  }
  static M from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) detail::type_error(where, "a JSON object", j);
    M out;
    for (const auto& [k, v] : j.items())
      out.emplace(k, TypeTraits<T>::from_json(v, where + "[\"" + k + "\"]"));
    return out;
  }
};

/// std::optional<T> <-> optional<T> (JSON null is std::nullopt).
template <typename T>
struct TypeTraits<std::optional<T>> {
  static std::string type_name() { return "optional<" + TypeTraits<T>::type_name() + ">"; }
  static nlohmann::json to_json(const std::optional<T>& v) {
    return v ? TypeTraits<T>::to_json(*v) : nlohmann::json(nullptr);
  }
  static std::optional<T> from_json(const nlohmann::json& j, const std::string& where) {
    if (j.is_null()) return std::nullopt;
    return TypeTraits<T>::from_json(j, where);
  }
};

// ===========================================================================
// The task-facing context: flyte::current_context()
// ===========================================================================

/// Secrets the task declared (flytekit's SecretsManager):
///     auto token = flyte::current_context().secrets().get("demo", "token");
///     auto same  = flyte::current_context().secrets()["demo"]["token"];
/// The host masks secret values in everything it logs; do not print them.
class Secrets {
 public:
  /// One group's secrets: `secrets()["group"]["key"]` equals `get(group, key)`.
  class Group {
   public:
    std::string get(const std::string& key) const;
    std::string operator[](const std::string& key) const { return get(key); }

   private:
    friend class Secrets;
    Group(detail::CallState s, std::string g) : s_(s), group_(std::move(g)) {}
    detail::CallState s_;
    std::string group_;
  };

  explicit Secrets(detail::CallState s) : s_(s) {}
  /// The value of (group, key); throws flyte::HostError naming where the host
  /// looked when the secret is not there.
  std::string get(const std::string& group, const std::string& key) const {
    return fetch(group, key, nullptr);
  }
  /// The value of (group, key) at `group_version` (none or empty: unversioned).
  // An overload rather than a defaulted std::optional: GCC 12 reports a
  // defaulted std::nullopt temporary as maybe-uninitialized once inlined
  // (under -O1 with ASan), and task libraries build with -Werror too.
  std::string get(const std::string& group, const std::string& key,
                  const std::optional<std::string>& group_version) const {
    return fetch(group, key,
                 group_version && !group_version->empty() ? group_version->c_str() : nullptr);
  }
  Group operator[](const std::string& group) const { return Group(s_, group); }

 private:
  std::string fetch(const std::string& group, const std::string& key, const char* version) const {
    const char* value = nullptr;
    std::size_t len = 0;
    detail::check(s_.api,
                  s_.api->secret_get(s_.call, group.c_str(), key.c_str(), version, &value, &len));
    return std::string(value ? value : "", value ? len : 0);
  }
  detail::CallState s_;
};

inline std::string Secrets::Group::get(const std::string& key) const {
  return Secrets(s_).get(group_, key);
}

/// flytekit's SyncCheckpoint: resume work from where a previous attempt
/// stopped.
///     auto cp = flyte::current_context().checkpoint();
///     int start = cp.read() ? std::stoi(*cp.read()) : 0;
///     ... cp.write(std::to_string(i));
class Checkpoint {
 public:
  explicit Checkpoint(detail::CallState s) : s_(s) {}
  bool prev_exists() const {
    bool exists = false;
    detail::check(s_.api, s_.api->checkpoint_prev_exists(s_.call, &exists));
    return exists;
  }
  /// Local directory holding the previous checkpoint, if there is one.
  std::optional<std::filesystem::path> restore() const {
    const char* dir = nullptr;
    detail::check(s_.api, s_.api->checkpoint_restore(s_.call, &dir));
    return dir ? std::optional<std::filesystem::path>(dir) : std::nullopt;
  }
  /// The bytes written by the previous attempt's write(), if any.
  std::optional<std::string> read() const {
    const char* bytes = nullptr;
    std::size_t len = 0;
    detail::check(s_.api, s_.api->checkpoint_read(s_.call, &bytes, &len));
    return bytes ? std::optional<std::string>(std::string(bytes, len)) : std::nullopt;
  }
  void write(std::string_view bytes) const {
    detail::check(s_.api, s_.api->checkpoint_write(s_.call, bytes.data(), bytes.size()));
  }
  /// Uploads a local file or directory as this attempt's checkpoint.
  void save(const std::filesystem::path& local_path) const {
    detail::check(s_.api, s_.api->checkpoint_save_path(s_.call, local_path.c_str()));
  }

 private:
  detail::CallState s_;
};

/// A named deck of HTML (shown when the task uses flyte::enable_deck()).
///     flyte::current_context().default_deck().append("<h1>Done</h1>");
class Deck {
 public:
  Deck(detail::CallState s, std::string name) : s_(s), name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  const Deck& append(const std::string& html) const {
    detail::check(s_.api, s_.api->deck_append(s_.call, name_.c_str(), html.c_str()));
    return *this;
  }

 private:
  detail::CallState s_;
  std::string name_;
};

/// User stats (flytekit's statsd client, prefixed by the host).
///     auto stats = flyte::current_context().stats();
///     stats.incr("rows", 10);
///     { auto t = stats.timer("load"); load(); }  // records "load" when t ends
class Stats {
 public:
  /// Records the time from its creation to its destruction (or stop()) as a
  /// timing, like flytekit's `with stats.timer(name):`. Move-only.
  class Timer {
   public:
    Timer(detail::CallState s, std::string name)
        : s_(s), name_(std::move(name)), start_(std::chrono::steady_clock::now()) {}
    Timer(Timer&& other) noexcept
        : s_(other.s_),
          name_(std::move(other.name_)),
          start_(other.start_),
          running_(std::exchange(other.running_, false)) {}
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    Timer& operator=(Timer&&) = delete;
    /// Records now, once; throws flyte::HostError if the host refuses.
    void stop() {
      if (!running_) return;
      running_ = false;
      const std::chrono::duration<double, std::milli> ms =
          std::chrono::steady_clock::now() - start_;
      detail::check(s_.api, s_.api->stats_timing_ms(s_.call, name_.c_str(), ms.count()));
    }
    /// Records unless stop() did; a host failure is dropped here (a
    /// destructor must not throw), call stop() to see it.
    ~Timer() {
      try {
        stop();
      } catch (...) {
      }
    }

   private:
    detail::CallState s_;
    std::string name_;
    std::chrono::steady_clock::time_point start_;
    bool running_ = true;
  };

  explicit Stats(detail::CallState s) : s_(s) {}
  void incr(const std::string& name, int64_t value = 1) const {
    detail::check(s_.api, s_.api->stats_incr(s_.call, name.c_str(), value));
  }
  /// statsd's decr: a counter change of -value.
  void decr(const std::string& name, int64_t value = 1) const { incr(name, -value); }
  /// Starts a Timer for `name`; keep it in a variable for the scope to time.
  [[nodiscard]] Timer timer(std::string name) const { return Timer(s_, std::move(name)); }
  void gauge(const std::string& name, double value) const {
    detail::check(s_.api, s_.api->stats_gauge(s_.call, name.c_str(), value));
  }
  void timing_ms(const std::string& name, double ms) const {
    detail::check(s_.api, s_.api->stats_timing_ms(s_.call, name.c_str(), ms));
  }
  template <typename Rep, typename Period>
  void timing(const std::string& name, std::chrono::duration<Rep, Period> d) const {
    timing_ms(name, std::chrono::duration<double, std::milli>(d).count());
  }

 private:
  detail::CallState s_;
};

/// The task's logger (flytekit's "user_space" logger). Each call takes one
/// message or several parts written one after another as `std::ostream <<`
/// writes them:
///     flyte::current_context().log().info("read ", n, " rows in ", secs, "s");
/// No "{}" format strings: GCC 12 has no <format>, and {fmt} would become a
/// dependency of every task library built with this header.
class Logger {
 public:
  explicit Logger(detail::CallState s) : s_(s) {}
  void log(int32_t level, const std::string& message) const {
    detail::check(s_.api, s_.api->log_message(s_.call, level, message.c_str()));
  }
  template <typename... Parts>
  void debug(const Parts&... parts) const {
    log(FLYTE_LOG_DEBUG, concat(parts...));
  }
  template <typename... Parts>
  void info(const Parts&... parts) const {
    log(FLYTE_LOG_INFO, concat(parts...));
  }
  template <typename... Parts>
  void warning(const Parts&... parts) const {
    log(FLYTE_LOG_WARNING, concat(parts...));
  }
  template <typename... Parts>
  void error(const Parts&... parts) const {
    log(FLYTE_LOG_ERROR, concat(parts...));
  }
  template <typename... Parts>
  void critical(const Parts&... parts) const {
    log(FLYTE_LOG_CRITICAL, concat(parts...));
  }

 private:
  static const std::string& concat(const std::string& message) { return message; }
  static std::string concat(const char* message) { return message ? message : ""; }
  template <typename... Parts>
  static std::string concat(const Parts&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    return out.str();
  }
  detail::CallState s_;
};

/// An id in flytekit's string form with its parts: `ctx.task_id().name`.
/// Converts to (and compares, prints, concatenates as) that string, so code
/// written against the string form keeps working.
struct IdText {
  std::string text;  ///< the whole id, e.g. "TASK:project:domain:name:version"
  const std::string& str() const { return text; }
  operator const std::string&() const { return text; }  // NOLINT: string form by design
  friend std::string operator+(const IdText& a, const std::string& b) { return a.text + b; }
  friend std::string operator+(const std::string& a, const IdText& b) { return a + b.text; }
  friend std::string operator+(const IdText& a, const char* b) { return a.text + b; }
  friend std::string operator+(const char* a, const IdText& b) { return a + b.text; }
  friend bool operator==(const IdText& a, std::string_view b) { return a.text == b; }
  friend bool operator!=(const IdText& a, std::string_view b) { return a.text != b; }
  friend std::ostream& operator<<(std::ostream& out, const IdText& id) { return out << id.text; }

 protected:
  /// The parts between ':' separators; the last part keeps any further ':'.
  static std::vector<std::string> split(const std::string& text, std::size_t parts) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (out.size() + 1 < parts) {
      const auto colon = text.find(':', start);
      if (colon == std::string::npos) break;
      out.push_back(text.substr(start, colon - start));
      start = colon + 1;
    }
    out.push_back(text.substr(start));
    out.resize(parts);
    return out;
  }
};
/// flytekit's task id (flyteidl Identifier): "TASK:project:domain:name:version".
struct TaskId : IdText {
  std::string resource_type, project, domain, name, version;
  explicit TaskId(std::string id) : IdText{std::move(id)} {
    auto p = split(text, 5);
    resource_type = p[0], project = p[1], domain = p[2], name = p[3], version = p[4];
  }
};
/// flytekit's execution id (WorkflowExecutionIdentifier): "ex:project:domain:name".
struct ExecutionId : IdText {
  std::string project, domain, name;
  explicit ExecutionId(std::string id) : IdText{std::move(id)} {
    auto p = split(text, 4);
    project = p[1], domain = p[2], name = p[3];
  }
};

/// flytekit's ExecutionParameters as a task sees it: a cheap view over the
/// running call. Get it with flyte::current_context(); do not keep it past
/// the task's return. Every method throws flyte::HostError when the host
/// reports a problem (e.g. checkpoint() used without --checkpoint-path).
class ExecutionParameters {
 public:
  explicit ExecutionParameters(detail::CallState s) : s_(s) {}

  std::filesystem::path working_directory() const { return text(s_.api->working_directory); }
  /// "ex:project:domain:name", with its parts: execution_id().domain
  ExecutionId execution_id() const { return ExecutionId(text(s_.api->execution_id)); }
  /// "TASK:project:domain:name:version", with its parts: task_id().name
  TaskId task_id() const { return TaskId(text(s_.api->task_id)); }
  /// Where outputs.pb / error.pb / deck.html of this run go (flytekit's
  /// output_metadata_prefix).
  std::string output_metadata_prefix() const { return text(s_.api->output_metadata_prefix); }
  /// Whether this run writes deck.html (flytekit's enable_deck).
  bool enable_deck() const {
    bool enabled = false;
    detail::check(s_.api, s_.api->enable_deck(s_.call, &enabled));
    return enabled;
  }
  Datetime execution_date() const {
    int64_t ns = 0;
    detail::check(s_.api, s_.api->execution_date(s_.call, &ns));
    return Datetime(std::chrono::nanoseconds(ns));
  }
  std::string raw_output_prefix() const { return text(s_.api->raw_output_prefix); }
  /// 0 for the first attempt.
  uint32_t attempt() const {
    uint32_t a = 0;
    detail::check(s_.api, s_.api->attempt(s_.call, &a));
    return a;
  }

  Secrets secrets() const { return Secrets(s_); }
  Checkpoint checkpoint() const { return Checkpoint(s_); }
  Deck default_deck() const { return Deck(s_, "default"); }
  Deck deck(const std::string& name) const { return Deck(s_, name); }
  Stats stats() const { return Stats(s_); }
  Logger log() const { return Logger(s_); }

  /// Attaches key=value metadata to one of the task's outputs.
  void add_output_metadata(const std::string& output, const std::string& key,
                           const std::string& value) const {
    detail::check(s_.api,
                  s_.api->output_metadata_add(s_.call, output.c_str(), key.c_str(), value.c_str()));
  }

 private:
  std::string text(FLYTE_Error* (*getter)(FLYTE_Call*, const char**)) const {
    const char* value = nullptr;
    detail::check(s_.api, getter(s_.call, &value));
    return value ? value : "";
  }
  detail::CallState s_;
};

/// The context of the task running on this thread. Throws std::logic_error
/// when no task is running (e.g. from a thread the task started).
inline ExecutionParameters current_context() {
  if (detail::current_call == nullptr) {
    throw std::logic_error(
        "flyte::current_context() was called outside a running task: call it from the task "
        "function (on the thread flyte-execute called it on), not at load time or from a "
        "thread the task started");
  }
  return ExecutionParameters(*detail::current_call);
}

// ===========================================================================
// FLYTE_TASK machinery
// ===========================================================================

namespace detail {

template <typename F>
struct FunctionTraits;
template <typename R, typename... A>
struct FunctionTraits<R (*)(A...)> {
  using Return = R;
  using Args = std::tuple<std::decay_t<A>...>;
};
template <typename R, typename... A>
struct FunctionTraits<R (*)(A...) noexcept> : FunctionTraits<R (*)(A...)> {};

template <typename R>
struct ReturnTraits {
  static constexpr std::size_t count = 1;
  using Tuple = std::tuple<R>;
};
template <>
struct ReturnTraits<void> {
  static constexpr std::size_t count = 0;
  using Tuple = std::tuple<>;
};
template <typename... T>
struct ReturnTraits<std::tuple<T...>> {
  static constexpr std::size_t count = sizeof...(T);
  using Tuple = std::tuple<T...>;
};

template <typename T>
struct is_inputs : std::false_type {
  static constexpr std::size_t size = 0;
};
template <std::size_t N>
struct is_inputs<Inputs<N>> : std::true_type {
  static constexpr std::size_t size = N;
};
template <typename T>
struct is_outputs : std::false_type {
  static constexpr std::size_t size = 0;
};
template <std::size_t N>
struct is_outputs<Outputs<N>> : std::true_type {
  static constexpr std::size_t size = N;
};

/// Storage behind one task's descriptor (strings and arrays it points to).
struct TaskMeta {
  std::string name;
  std::string description;
  std::vector<std::string> input_names, input_types, output_names, output_types;
  std::vector<FLYTE_Variable> inputs, outputs;
  std::vector<FLYTE_SecretRequest> secrets;
  uint32_t flags = 0;
  // ABI 1.1 registration options
  uint32_t retries = 0;
  int64_t timeout_ns = 0;
  const char* cache_version = nullptr;
  std::vector<FLYTE_Resource> requests, limits;
  std::vector<FLYTE_EnvVar> env;
};

template <typename Tuple>
struct TypeNames;
template <typename... T>
struct TypeNames<std::tuple<T...>> {
  static std::vector<std::string> get() { return {TypeTraits<T>::type_name()...}; }
};

inline FLYTE_Error* make_error(const FLYTE_HostApi* api, const char* code, const std::string& type,
                               const char* what, FLYTE_ErrorKind kind) noexcept {
  try {
    return api->error_new(code, (type + ": " + (what ? what : "")).c_str(), kind);
  } catch (...) {
    return api->error_new(code, what, kind);
  }
}

template <typename Args, std::size_t... I>
Args read_inputs([[maybe_unused]] const FLYTE_HostApi* api, [[maybe_unused]] FLYTE_Call* call,
                 [[maybe_unused]] const TaskMeta& meta, std::index_sequence<I...>) {
  // Braced initialisation reads the inputs left to right.
  return Args{read_value<std::tuple_element_t<I, Args>>(api, call, meta.input_names[I].c_str())...};
}

template <typename Tuple, std::size_t... I>
void write_outputs([[maybe_unused]] const FLYTE_HostApi* api, [[maybe_unused]] FLYTE_Call* call,
                   [[maybe_unused]] const TaskMeta& meta, const Tuple& values,
                   std::index_sequence<I...>) {
  (write_value<std::tuple_element_t<I, Tuple>>(api, call, meta.output_names[I].c_str(),
                                               std::get<I>(values)),
   ...);
}

template <auto Fn>
TaskMeta& meta_of() {
  static TaskMeta meta;
  return meta;
}

/// The C entry point FLYTE_TASK puts in the descriptor: reads the inputs,
/// calls the function, writes the outputs, and turns exceptions into errors.
template <auto Fn>
FLYTE_Error* run(const FLYTE_HostApi* api, FLYTE_Call* call) noexcept {
  using Traits = FunctionTraits<decltype(Fn)>;
  using Args = typename Traits::Args;
  using R = typename Traits::Return;
  if (api->struct_size < sizeof(FLYTE_HostApi)) {
    return api->error_new("USER:AbiMismatch",
                          "this task library needs a newer flyte-execute (its host API table is "
                          "smaller than the one the library was built against)",
                          FLYTE_ERROR_NON_RECOVERABLE);
  }
  const TaskMeta& meta = meta_of<Fn>();
  CallState state{api, call};
  struct Scope {
    CallState* previous;
    explicit Scope(CallState* s) : previous(current_call) { current_call = s; }
    ~Scope() { current_call = previous; }
  } scope(&state);
  try {
    Args args =
        read_inputs<Args>(api, call, meta, std::make_index_sequence<std::tuple_size_v<Args>>{});
    if constexpr (std::is_void_v<R>) {
      std::apply(Fn, std::move(args));
    } else {
      typename ReturnTraits<R>::Tuple results{std::apply(Fn, std::move(args))};
      write_outputs(api, call, meta, results, std::make_index_sequence<ReturnTraits<R>::count>{});
    }
    return nullptr;
  } catch (const Error& e) {  // UserError and HostError: their own code and kind
    return make_error(api, e.code().c_str(), type_name(typeid(e)), e.what(), e.kind());
  } catch (const std::invalid_argument& e) {
    return make_error(api, "USER:ValueError", type_name(typeid(e)), e.what(),
                      FLYTE_ERROR_NON_RECOVERABLE);
  } catch (const std::exception& e) {
    return make_error(api, "USER:RuntimeError", type_name(typeid(e)), e.what(),
                      FLYTE_ERROR_NON_RECOVERABLE);
  } catch (...) {
    return api->error_new("USER:RuntimeError",
                          "unknown exception: the task threw something not derived from "
                          "std::exception",
                          FLYTE_ERROR_NON_RECOVERABLE);
  }
}

/// Ends the option list FLYTE_TASK passes (see there).
struct EndOfOptions {};

template <typename T>
void apply_option(TaskMeta& meta, const T& option) {
  if constexpr (std::is_same_v<T, EndOfOptions>) {
    // nothing to apply
  } else if constexpr (is_inputs<T>::value) {
    meta.input_names.assign(option.names.begin(), option.names.end());
  } else if constexpr (is_outputs<T>::value) {
    meta.output_names.assign(option.names.begin(), option.names.end());
  } else if constexpr (std::is_same_v<T, Description>) {
    meta.description = option.text ? option.text : "";
  } else if constexpr (std::is_same_v<T, SecretRequest>) {
    meta.secrets.push_back(FLYTE_SecretRequest{option.group, option.key, option.group_version,
                                               option.mount_requirement, option.env_var});
  } else if constexpr (std::is_same_v<T, EnableDeck>) {
    meta.flags |= FLYTE_TASK_ENABLE_DECK;
  } else if constexpr (std::is_same_v<T, Retries>) {
    meta.retries = option.count;
  } else if constexpr (std::is_same_v<T, Timeout>) {
    meta.timeout_ns = static_cast<int64_t>(option.value.count());
  } else if constexpr (std::is_same_v<T, Cache>) {
    meta.flags |= FLYTE_TASK_CACHE;
    meta.cache_version = option.version;
  } else if constexpr (std::is_same_v<T, Interruptible>) {
    meta.flags |= FLYTE_TASK_INTERRUPTIBLE;
  } else if constexpr (std::is_same_v<T, ResourceList>) {
    auto& target = option.limits ? meta.limits : meta.requests;
    target.insert(target.end(), option.items.begin(), option.items.end());
  } else if constexpr (std::is_same_v<T, EnvVar>) {
    meta.env.push_back(FLYTE_EnvVar{option.name, option.value});
  } else {
    static_assert(sizeof(T) == 0,
                  "FLYTE_TASK options are flyte::inputs, flyte::outputs, flyte::description, "
                  "flyte::secret_request, flyte::enable_deck, flyte::retries, flyte::timeout, "
                  "flyte::cache, flyte::interruptible, flyte::requests, flyte::limits and "
                  "flyte::env");
  }
}

/// Builds the descriptor for Fn (called by FLYTE_TASK at load time) and
/// registers `self` for FLYTE_TaskLibraryTasks.
template <auto Fn, typename... Options>
FLYTE_TaskDescriptor define_task(const char* symbol, const FLYTE_TaskDescriptor* self,
                                 const Options&... options) {
  static_assert(
      std::is_pointer_v<decltype(Fn)> && std::is_function_v<std::remove_pointer_t<decltype(Fn)>>,
      "FLYTE_TASK(fn, ...) needs a plain (non-overloaded, non-member) function");
  using Traits = FunctionTraits<decltype(Fn)>;
  constexpr std::size_t arity = std::tuple_size_v<typename Traits::Args>;
  constexpr std::size_t result_count = ReturnTraits<typename Traits::Return>::count;
  constexpr std::size_t input_lists = (std::size_t{0} + ... + is_inputs<Options>::value);
  constexpr std::size_t output_lists = (std::size_t{0} + ... + is_outputs<Options>::value);
  static_assert(input_lists <= 1 && output_lists <= 1,
                "FLYTE_TASK: give flyte::inputs(...) and flyte::outputs(...) at most once each");
  static_assert(input_lists == 1 || arity == 0,
                "FLYTE_TASK: name the task's inputs, one per parameter: flyte::inputs(\"a\", ...)");
  static_assert(((!is_inputs<Options>::value || is_inputs<Options>::size == arity) && ...),
                "FLYTE_TASK: flyte::inputs(...) must name exactly one input per parameter");
  static_assert(((!is_outputs<Options>::value || is_outputs<Options>::size == result_count) && ...),
                "FLYTE_TASK: flyte::outputs(...) must name exactly one output per result "
                "(none for void, one per std::tuple element)");

  TaskMeta& meta = meta_of<Fn>();
  meta.name = symbol;
  for (std::size_t i = 0; i < result_count; ++i)
    meta.output_names.push_back("o" + std::to_string(i));
  (apply_option(meta, options), ...);
  meta.input_types = TypeNames<typename Traits::Args>::get();
  meta.output_types = TypeNames<typename ReturnTraits<typename Traits::Return>::Tuple>::get();
  for (std::size_t i = 0; i < arity; ++i)
    meta.inputs.push_back({meta.input_names[i].c_str(), meta.input_types[i].c_str(), nullptr});
  for (std::size_t i = 0; i < result_count; ++i)
    meta.outputs.push_back({meta.output_names[i].c_str(), meta.output_types[i].c_str(), nullptr});
  registry().push_back(self);

  FLYTE_TaskDescriptor d{};
  d.struct_size = sizeof(FLYTE_TaskDescriptor);
  d.api_version_major = FLYTE_TASK_API_VERSION_MAJOR;
  d.api_version_minor = FLYTE_TASK_API_VERSION_MINOR;
  d.name = meta.name.c_str();
  d.description = meta.description.empty() ? nullptr : meta.description.c_str();
  d.inputs = meta.inputs.empty() ? nullptr : meta.inputs.data();
  d.input_count = meta.inputs.size();
  d.outputs = meta.outputs.empty() ? nullptr : meta.outputs.data();
  d.output_count = meta.outputs.size();
  d.secrets = meta.secrets.empty() ? nullptr : meta.secrets.data();
  d.secret_count = meta.secrets.size();
  d.flags = meta.flags;
  d.run = &run<Fn>;
  d.retries = meta.retries;
  d.timeout_ns = meta.timeout_ns;
  d.cache_version = meta.cache_version;
  d.requests = meta.requests.empty() ? nullptr : meta.requests.data();
  d.request_count = meta.requests.size();
  d.limits = meta.limits.empty() ? nullptr : meta.limits.data();
  d.limit_count = meta.limits.size();
  d.env = meta.env.empty() ? nullptr : meta.env.data();
  d.env_count = meta.env.size();
  return d;
}

}  // namespace detail
}  // namespace sdk
}  // namespace flyte

/// Exports `fn` as a task whose symbol (and name) is `fn`:
///
///     double mean(std::vector<double> xs) { ... }
///     FLYTE_TASK(mean, flyte::inputs("xs"), flyte::outputs("mean"),
///                flyte::description("Average of a list"));
///
/// Options: flyte::inputs(...) (required when fn has parameters),
/// flyte::outputs(...) (default o0, o1, ...), flyte::description(text),
/// flyte::secret_request(group, key) (repeatable), flyte::enable_deck(), and
/// how `flyte-execute package` registers it: flyte::retries(n),
/// flyte::timeout(duration), flyte::cache(version), flyte::interruptible(),
/// flyte::requests({...}), flyte::limits({...}), flyte::env(name, value).
/// Use at namespace scope with the function's unqualified name; the function
/// must not be overloaded. The exported symbol is a const
/// FLYTE_TaskDescriptor named exactly `fn` (an assembler label keeps it apart
/// from the C++ function of the same name).
#define FLYTE_TASK(...) FLYTE_TASK_IMPL_(__VA_ARGS__, ::flyte::sdk::detail::EndOfOptions{})
// (The EndOfOptions marker keeps `...` non-empty for FLYTE_TASK(fn) without
// relying on the GNU ## __VA_ARGS__ extension.)
#define FLYTE_TASK_IMPL_(fn, ...)                                                         \
  extern FLYTE_EXPORT const FLYTE_TaskDescriptor flyte_task_descriptor_##fn __asm__(#fn); \
  const FLYTE_TaskDescriptor flyte_task_descriptor_##fn =                                 \
      ::flyte::sdk::detail::define_task<&fn>(#fn, &flyte_task_descriptor_##fn, __VA_ARGS__)

/// Exports the library-level symbols (ABI version and the task list). Use
/// exactly once per library, in any one source file, at global scope.
#define FLYTE_TASK_LIBRARY()                                                         \
  FLYTE_DEFINE_TASK_LIBRARY_API_VERSION()                                            \
  extern "C" FLYTE_EXPORT const FLYTE_TaskDescriptor* const* FLYTE_TaskLibraryTasks( \
      size_t* count) {                                                               \
    const auto& tasks = ::flyte::sdk::detail::registry();                            \
    *count = tasks.size();                                                           \
    return tasks.data();                                                             \
  }                                                                                  \
  static_assert(true, "")
