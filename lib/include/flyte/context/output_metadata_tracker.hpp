#pragma once

/// Metadata a task attaches to its outputs (flytekit's OutputMetadata and
/// OutputMetadataTracker): which artifact an output is, its partitions, and
/// free-form items. The outputs.pb writer reads the tracker after the task
/// returns and attaches each entry to the literal of the same output name.
///
/// flytekit keys the tracker by the Python object returned; a native task's
/// outputs are named values, so ours is keyed by output name (`o0`, `result`).

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flyte {

/// Names the artifact an output is published as (flytekit's Artifact, by
/// reference only: the artifact service is not part of the container).
struct ArtifactReference {
  std::string project;
  std::string domain;
  std::string name;
  std::string version;
  /// flyteidl.core.Granularity of the time partition (0 UNSET, 1 MINUTE,
  /// 2 HOUR, 3 DAY, 4 MONTH): flytekit's Artifact.time_partition_granularity,
  /// unset (0) when the artifact gives none.
  int time_partition_granularity = 0;

  bool operator==(const ArtifactReference&) const = default;
};

/// A custom metadata item (flytekit's SerializableToString): it is attached to
/// the output literal's metadata as `name() -> serialize_to_string()`.
class SerializableToString {
 public:
  virtual ~SerializableToString() = default;
  /// The metadata key.
  virtual std::string name() const = 0;
  /// The metadata value.
  virtual std::string serialize_to_string() const = 0;
};

struct OutputMetadata {
  ArtifactReference artifact;
  std::map<std::string, std::string> dynamic_partitions;
  /// When the data is for (flytekit's time partition), UTC.
  std::optional<std::chrono::system_clock::time_point> time_partition;
  /// Shared and const: items are handed around by the tracker and read by the
  /// writer, possibly from another thread than the task's.
  std::vector<std::shared_ptr<const SerializableToString>> additional_items;
};

/// The literal-metadata key flytekit (core/base_task.py, DYNAMIC_PARTITIONS)
/// stores an output's dynamic partitions and time partition under.
inline constexpr const char* DYNAMIC_PARTITIONS_KEY = "_uap";

/// The Literal.metadata entries for `metadata`, exactly as flytekit's
/// `_output_to_literal_map` builds them: each additional item as
/// `name() -> serialize_to_string()`, then, when there are dynamic partitions
/// or a time partition, `_uap` = base64 of a serialized flyteidl.core.ArtifactID
/// holding only `partitions` (each a static LabelValue) and `time_partition`
/// (a Timestamp LabelValue with the artifact's granularity). The artifact's own
/// identity is not metadata (it belongs in the task interface). Partitions are
/// serialized in key order: flytekit's protobuf writes map entries in hash
/// order, which differs per process, so only the decoded message is stable.
std::map<std::string, std::string> output_metadata_entries(const OutputMetadata& metadata);

/// Thread-safe map from output name to its metadata. A task may spawn threads
/// that each describe one output, so add/get lock.
class OutputMetadataTracker {
 public:
  /// Records `metadata` for `output_name`, replacing what was there
  /// (flytekit replaces too).
  void add(const std::string& output_name, OutputMetadata metadata);
  /// A copy of the metadata for `output_name`, or nullopt if none was added.
  std::optional<OutputMetadata> get(const std::string& output_name) const;
  /// A copy of every entry, by output name; what the outputs writer consumes.
  std::map<std::string, OutputMetadata> all() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, OutputMetadata> entries_;
};

}  // namespace flyte
