#include "flyte/context/output_metadata_tracker.hpp"

#include <utility>

namespace flyte {

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
