#include "flyte/runtime/error_document.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <string_view>

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include "flyte/context/redaction.hpp"
#include "flyteidl/core/errors.pb.h"

namespace flyte {
namespace {

// protobuf string fields must hold UTF-8, and the engine (Go) rejects a file
// that does not. Messages carry user text (exception messages, --input
// values) of any encoding: invalid sequences become U+FFFD.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (c < 0x80)
      length = 1;
    else if ((c & 0xE0) == 0xC0)
      length = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      length = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      length = 4, min = 0x10000;
    bool ok = length > 0 && i + length <= text.size();
    std::uint32_t code = length == 1 ? c : (c & (0x7F >> length));
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      ok = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    ok = ok && code >= min && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// Moves `at` back to the start of the UTF-8 sequence it falls in.
std::size_t char_boundary(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
  }
  return at;
}

// At most `limit` bytes of valid UTF-8 `text`: its head and its tail (where a
// task's last output lines are), with a note of how much was cut between.
std::string bounded(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  const std::size_t head_end = char_boundary(text, limit / 8);
  const std::string note = fmt::format(
      "\n[... {} bytes cut to keep the error document small ...]\n", text.size() - limit);
  const std::size_t tail_size = limit - head_end - std::min(note.size(), limit - head_end);
  std::size_t tail_start = text.size() - tail_size;
  // Forward to a boundary, so the tail stays within the limit.
  while (tail_start < text.size() &&
         (static_cast<unsigned char>(text[tail_start]) & 0xC0) == 0x80) {
    ++tail_start;
  }
  return text.substr(0, head_end) + note + text.substr(tail_start);
}

}  // namespace

flyteidl::core::ErrorDocument make_error_document(const TaskFailure& failure,
                                                  const std::string& worker,
                                                  std::chrono::system_clock::time_point when) {
  flyteidl::core::ErrorDocument document;
  auto* error = document.mutable_error();
  // Masked before they are cut, so that a cut cannot leave a partial secret.
  error->set_code(bounded(valid_utf8(redact(failure.code)), kMaxErrorCodeBytes));
  error->set_message(bounded(valid_utf8(redact(failure.message)), kMaxErrorMessageBytes));
  error->set_kind(failure.kind == ErrorKind::RECOVERABLE
                      ? flyteidl::core::ContainerError::RECOVERABLE
                      : flyteidl::core::ContainerError::NON_RECOVERABLE);
  error->set_origin(static_cast<flyteidl::core::ExecutionError::ErrorKind>(failure.origin));
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  *error->mutable_timestamp() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(nanos);
  error->set_worker(bounded(valid_utf8(worker), kMaxErrorCodeBytes));
  return document;
}

namespace {

// flytekit's get_one_of: the first variable that is set, even to "", else "".
std::string dist_error_strategy(const EnvLookup& env) {
  return first_present(env, {"FLYTE_INTERNAL_DIST_ERROR_STRATEGY", "_F_DES"}).value_or("");
}

}  // namespace

std::string error_file_name(const EnvLookup& env) {
  if (dist_error_strategy(env).empty()) return "error.pb";
  // uuid.uuid4().hex, as flytekit names it: version nibble 4, variant bits 10.
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device());
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  high = (high & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
  return fmt::format("error-{:016x}{:016x}.pb", high, low);
}

std::string worker_name(const EnvLookup& env) {
  if (dist_error_strategy(env).empty()) return "";
  return first_present(env, {"FLYTE_INTERNAL_WORKER_NAME", "_F_WN"}).value_or("");
}

int exit_code_after_failure(const EnvLookup& env, bool local_run) {
  if (local_run) return 1;
  auto value = env("FLYTE_FAIL_ON_ERROR");
  if (!value) return 0;
  std::string lowered = *value;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return (lowered == "true" || lowered == "t" || lowered == "1") ? 1 : 0;
}

}  // namespace flyte
