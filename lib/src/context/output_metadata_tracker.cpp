#include "flyte/context/output_metadata_tracker.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <chrono>
#include <utility>

#include "flyte/model/pbhash.hpp"
#include "flyteidl/core/artifact_id.pb.h"

namespace flyte {

std::map<std::string, std::string> output_metadata_entries(const OutputMetadata& metadata) {
  std::map<std::string, std::string> entries;
  for (const auto& item : metadata.additional_items) {
    entries[item->name()] = item->serialize_to_string();
  }
  if (metadata.dynamic_partitions.empty() && !metadata.time_partition) return entries;
  flyteidl::core::ArtifactID id;
  if (!metadata.dynamic_partitions.empty()) {
    auto& values = *id.mutable_partitions()->mutable_value();
    for (const auto& [key, value] : metadata.dynamic_partitions) {
      values[key].set_static_value(value);
    }
  }
  if (metadata.time_partition) {
    // Timestamp.FromDatetime: whole seconds (floored) and the nanoseconds past them.
    const auto since_epoch = metadata.time_partition->time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
    auto* partition = id.mutable_time_partition();
    auto* time = partition->mutable_value()->mutable_time_value();
    time->set_seconds(seconds.count());
    time->set_nanos(static_cast<std::int32_t>(nanos.count()));
    partition->set_granularity(
        static_cast<flyteidl::core::Granularity>(metadata.artifact.time_partition_granularity));
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    id.SerializeToCodedStream(&coded);
  }
  entries[DYNAMIC_PARTITIONS_KEY] = base64_encode(bytes);
  return entries;
}

void OutputMetadataTracker::add(const std::string& output_name, OutputMetadata metadata) {
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(output_name, std::move(metadata));
}

std::optional<OutputMetadata> OutputMetadataTracker::get(const std::string& output_name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(output_name);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, OutputMetadata> OutputMetadataTracker::all() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::size_t OutputMetadataTracker::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace flyte
