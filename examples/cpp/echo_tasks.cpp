// Echo tasks: one per Flyte type, each returns its input unchanged. They are
// the fixtures of the flytekit interop suite (tests/interop/python/): flytekit
// writes a value with TypeEngine, the task echoes it through flyte-execute,
// flytekit reads it back and must get the same value.
//
//   flyte-execute --list build/lib/libecho_tasks.so
//
// Every task takes input `x` and returns output `o0` (flytekit's default name
// for a single output), so an echo task's outputs.pb is also a valid inputs.pb
// for another echo task or for a flytekit task `def t(x: ...)`. Types the C++
// SDK deduces from the signature use FLYTE_TASK; the others (union, none,
// file with a format, structured dataset) are plain C ABI descriptors with a
// type string, echoed through the host's JSON or path functions.

#include <flyte/task.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// ---------------------------------------------------------------------------
// Types the SDK deduces from the C++ signature
// ---------------------------------------------------------------------------

#define ECHO_TASK(name, type) \
  type name(type x) {         \
    return x;                 \
  }                           \
  FLYTE_TASK(name, flyte::inputs("x"), flyte::outputs("o0"))

using Nanoseconds = std::chrono::nanoseconds;
using ListOfInt = std::vector<int64_t>;
using ListOfString = std::vector<std::string>;
using ListOfListOfFloat = std::vector<std::vector<double>>;
using MapOfString = std::map<std::string, std::string>;
using MapOfInt = std::map<std::string, int64_t>;
using OptionalInt = std::optional<int64_t>;
using OptionalString = std::optional<std::string>;
using ListOfMapOfListOfFloat = std::vector<std::map<std::string, std::vector<double>>>;
using MapOfListOfOptionalInt = std::map<std::string, std::vector<std::optional<int64_t>>>;
using ListOfDict = std::vector<flyte::Dict>;
using ListOfDatetime = std::vector<flyte::Datetime>;
using ListOfFile = std::vector<flyte::File>;

ECHO_TASK(echo_integer, int64_t);
ECHO_TASK(echo_float, double);
ECHO_TASK(echo_string, std::string);
ECHO_TASK(echo_boolean, bool);
ECHO_TASK(echo_datetime, flyte::Datetime);
ECHO_TASK(echo_duration, Nanoseconds);
ECHO_TASK(echo_file, flyte::File);
ECHO_TASK(echo_directory, flyte::Directory);
ECHO_TASK(echo_dict, flyte::Dict);
ECHO_TASK(echo_list_integer, ListOfInt);
ECHO_TASK(echo_list_string, ListOfString);
ECHO_TASK(echo_list_list_float, ListOfListOfFloat);
ECHO_TASK(echo_map_string, MapOfString);
ECHO_TASK(echo_map_integer, MapOfInt);
ECHO_TASK(echo_optional_integer, OptionalInt);
ECHO_TASK(echo_optional_string, OptionalString);
ECHO_TASK(echo_list_map_list_float, ListOfMapOfListOfFloat);
ECHO_TASK(echo_map_list_optional_integer, MapOfListOfOptionalInt);
ECHO_TASK(echo_list_dict, ListOfDict);
ECHO_TASK(echo_list_datetime, ListOfDatetime);
ECHO_TASK(echo_list_file, ListOfFile);

// ---------------------------------------------------------------------------
// Types declared by their type string (C ABI descriptors)
// ---------------------------------------------------------------------------

namespace {

FLYTE_Error* echo_json_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  const char* json = nullptr;
  size_t len = 0;
  if (FLYTE_Error* err = api->input_json(call, "x", &json, &len)) return err;
  return api->output_json(call, "o0", json, len);
}

FLYTE_Error* echo_path_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  const char* path = nullptr;
  if (FLYTE_Error* err = api->input_path(call, "x", &path)) return err;
  return api->output_path(call, "o0", path);
}

// One descriptor per type string; the arrays live as long as the library.
template <const char* Name, const char* Type,
          FLYTE_Error* (*Run)(const FLYTE_HostApi*, FLYTE_Call*)>
struct TypedEcho {
  static inline const FLYTE_Variable in[] = {{"x", Type, nullptr}};
  static inline const FLYTE_Variable out[] = {{"o0", Type, nullptr}};
  static FLYTE_TaskDescriptor descriptor() {
    FLYTE_TaskDescriptor d{};
    d.struct_size = sizeof(FLYTE_TaskDescriptor);
    d.api_version_major = FLYTE_TASK_API_VERSION_MAJOR;
    d.api_version_minor = FLYTE_TASK_API_VERSION_MINOR;
    d.name = Name;
    d.inputs = in;
    d.input_count = 1;
    d.outputs = out;
    d.output_count = 1;
    d.run = Run;
    return d;
  }
};

// Lists a descriptor in FLYTE_TaskLibraryTasks with the SDK's own tasks.
const FLYTE_TaskDescriptor& listed(const FLYTE_TaskDescriptor& d) {
  flyte::sdk::detail::registry().push_back(&d);
  return d;
}

}  // namespace

#define TYPED_ECHO(name, type_string, run)                                                  \
  namespace {                                                                               \
  constexpr char name##_name[] = #name;                                                     \
  constexpr char name##_type[] = type_string;                                               \
  }                                                                                         \
  extern FLYTE_EXPORT const FLYTE_TaskDescriptor name;                                      \
  const FLYTE_TaskDescriptor name = TypedEcho<name##_name, name##_type, run>::descriptor(); \
  [[maybe_unused]] static const FLYTE_TaskDescriptor& name##_listed = listed(name)

extern "C" {
TYPED_ECHO(echo_none, "none", echo_json_run);
TYPED_ECHO(echo_union_integer_string, "union<integer, string>", echo_json_run);
TYPED_ECHO(echo_union_float_list_string, "union<float, list<string>>", echo_json_run);
TYPED_ECHO(echo_optional_union, "optional<union<integer, string>>", echo_json_run);
TYPED_ECHO(echo_list_union, "list<union<integer, string>>", echo_json_run);
TYPED_ECHO(echo_structured_dataset, "structured_dataset", echo_json_run);
TYPED_ECHO(echo_structured_dataset_parquet, "structured_dataset[parquet]", echo_json_run);
TYPED_ECHO(echo_file_csv, "file[csv]", echo_path_run);
}

// ---------------------------------------------------------------------------
// Output failures, compared with flytekit's for the same mistake
// ---------------------------------------------------------------------------

namespace {

// Declares an integer output and hands the host a string for it.
FLYTE_Error* wrong_output_type_run(const FLYTE_HostApi* api, FLYTE_Call* call) {
  static const char text[] = "\"not a number\"";
  return api->output_json(call, "o0", text, sizeof text - 1);
}

// Declares an integer output and returns without writing it.
FLYTE_Error* missing_output_run(const FLYTE_HostApi*, FLYTE_Call*) {
  return nullptr;
}

}  // namespace

extern "C" {
TYPED_ECHO(wrong_output_type, "integer", wrong_output_type_run);
TYPED_ECHO(missing_output, "integer", missing_output_run);
}

FLYTE_TASK_LIBRARY();
