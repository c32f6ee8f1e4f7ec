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
