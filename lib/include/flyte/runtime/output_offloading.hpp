#pragma once

/// Large output literals are written beside outputs.pb and replaced by a
/// pointer (CONTRACT §4), so outputs.pb stays under the engine's message
/// limits. Off unless the engine sets `_F_L_MIN_SIZE_MB`, as in flytekit.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "flyte/context/env_lookup.hpp"

namespace flyteidl::core {
class LiteralMap;
class LiteralType;
}  // namespace flyteidl::core

namespace flyte {

/// An output at or over `_F_L_MAX_SIZE_MB`. flytekit raises a ValueError
/// outside the task's scope for it, which its entrypoint reports as a
/// RECOVERABLE SYSTEM error (code "SYSTEM").
class OffloadLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OffloadThresholds {
  std::optional<std::uint64_t> min_bytes;  ///< offload at or above; nullopt = never
  std::optional<std::uint64_t> max_bytes;  ///< fail at or above; nullopt = no limit

  /// `_F_L_MIN_SIZE_MB` / `_F_L_MAX_SIZE_MB`, in MiB (x 1024 x 1024), as
  /// flytekit's entrypoint reads them: both apply only when the minimum is
  /// set, and the maximum then defaults to 1000 MiB. A non-integer value is
  /// an error naming the variable.
  static OffloadThresholds from_env(const EnvLookup& env);
};

/// Stores `bytes` as `<output prefix>/<file_name>` and returns its URI.
using OffloadStore =
    std::function<std::string(const std::string& file_name, const std::string& bytes)>;

/// Replaces each output at or above min_bytes by `offloaded_metadata{uri,
/// size_bytes, inferred_type}` plus `hash` (the literal's own, else
/// flytekit's compute_hash_string, model/pbhash.hpp) after storing it as
/// `<name>_offloaded_metadata.pb`. Throws OffloadLimitError naming the output,
/// its size and the limit when an output (offloaded or not, as in flytekit)
/// reaches max_bytes. `declared_types` gives inferred_type; an output without
/// a declared type gets an empty one.
void offload_large_outputs(flyteidl::core::LiteralMap& outputs, const OffloadThresholds& thresholds,
                           const std::map<std::string, flyteidl::core::LiteralType>& declared_types,
                           const OffloadStore& store);

/// The same on serialized outputs (name -> Literal bytes, as
/// literal_wire.hpp's `encode_literals` gives them): sizes are byte sizes of
/// the serialized literals, which is what `ByteSizeLong` would report for the
/// parsed message. Outputs are checked in the order given.
void offload_large_outputs(std::vector<std::pair<std::string, std::string>>& outputs,
                           const OffloadThresholds& thresholds,
                           const std::map<std::string, flyteidl::core::LiteralType>& declared_types,
                           const OffloadStore& store);

}  // namespace flyte
