#include "flyte/runtime/output_offloading.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "flyte/model/pbhash.hpp"
#include "flyteidl/core/literals.pb.h"

namespace flyte {
namespace {

std::optional<std::uint64_t> mib_from_env(const EnvLookup& env, std::string_view name) {
  auto text = env(name);
  if (!text) return std::nullopt;
  std::uint64_t mib = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), mib);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
    throw std::runtime_error(
        fmt::format("{}='{}' is not a whole number of megabytes (MiB)", name, *text));
  }
  return mib * 1024 * 1024;
}

}  // namespace

OffloadThresholds OffloadThresholds::from_env(const EnvLookup& env) {
  // entrypoint._dispatch_execute: offloading_enabled = "_F_L_MIN_SIZE_MB" in
  // os.environ; only then is the maximum read, with a default of 1000 MiB.
  const auto min_bytes = mib_from_env(env, "_F_L_MIN_SIZE_MB");
  if (!min_bytes) return {};
  const auto max_bytes = mib_from_env(env, "_F_L_MAX_SIZE_MB");
  return {min_bytes, max_bytes.value_or(std::uint64_t{1000} * 1024 * 1024)};
}

namespace {

void check_offload_limit(const std::string& name, std::uint64_t size,
                         const OffloadThresholds& thresholds) {
  if (thresholds.max_bytes && size >= *thresholds.max_bytes) {
    // flytekit's words, with the variable named.
    throw OffloadLimitError(
        fmt::format("Literal {} is too large to be offloaded. Max literal size is {} whereas the "
                    "literal size is {} bytes (_F_L_MAX_SIZE_MB)",
                    name, *thresholds.max_bytes, size));
  }
}

// The pointer carries the literal's hash as flytekit's entrypoint sets it
// (`v.hash if v.hash is not None else compute_hash_string(lit)`): cache keys
// downstream are computed from it.
flyteidl::core::Literal offloaded_pointer(
    const std::string& name, const std::string& uri, std::uint64_t size,
    const std::map<std::string, flyteidl::core::LiteralType>& declared_types,
    const flyteidl::core::Literal& literal) {
  flyteidl::core::Literal pointer;
  pointer.set_hash(literal.hash().empty() ? compute_hash_string(literal) : literal.hash());
  auto* metadata = pointer.mutable_offloaded_metadata();
  metadata->set_uri(uri);
  metadata->set_size_bytes(size);
  if (auto it = declared_types.find(name); it != declared_types.end()) {
    *metadata->mutable_inferred_type() = it->second;
  }
  return pointer;
}

std::string offloaded_file_name(const std::string& name) {
  return name + "_offloaded_metadata.pb";
}

}  // namespace

void offload_large_outputs(flyteidl::core::LiteralMap& outputs, const OffloadThresholds& thresholds,
                           const std::map<std::string, flyteidl::core::LiteralType>& declared_types,
                           const OffloadStore& store) {
  if (!thresholds.min_bytes) return;
  for (auto& [name, literal] : *outputs.mutable_literals()) {
    const std::uint64_t size = literal.ByteSizeLong();
    check_offload_limit(name, size, thresholds);
    if (size < *thresholds.min_bytes) continue;
    const std::string uri = store(offloaded_file_name(name), literal.SerializeAsString());
    literal = offloaded_pointer(name, uri, size, declared_types, literal);
  }
}

void offload_large_outputs(std::vector<std::pair<std::string, std::string>>& outputs,
                           const OffloadThresholds& thresholds,
                           const std::map<std::string, flyteidl::core::LiteralType>& declared_types,
                           const OffloadStore& store) {
  if (!thresholds.min_bytes) return;
  for (auto& [name, bytes] : outputs) {
    const std::uint64_t size = bytes.size();
    check_offload_limit(name, size, thresholds);
    if (size < *thresholds.min_bytes) continue;
    flyteidl::core::Literal literal;
    if (!literal.ParseFromString(bytes)) {
      throw std::runtime_error(fmt::format("output '{}' is not a valid Literal", name));
    }
    const std::string uri = store(offloaded_file_name(name), bytes);
    bytes = offloaded_pointer(name, uri, size, declared_types, literal).SerializeAsString();
  }
}

}  // namespace flyte
