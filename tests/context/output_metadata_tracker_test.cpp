#include "flyte/context/output_metadata_tracker.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

using namespace flyte;

namespace {
class Note : public SerializableToString {
 public:
  explicit Note(std::string text) : text_(std::move(text)) {}
  std::string name() const override { return "note"; }
  std::string serialize_to_string() const override { return text_; }

 private:
  std::string text_;
};
}  // namespace

TEST_CASE("OutputMetadataTracker returns what was added for an output and nothing otherwise") {
  OutputMetadataTracker tracker;
  CHECK_FALSE(tracker.get("o0").has_value());

  OutputMetadata metadata;
  metadata.artifact = {"proj", "dev", "daily_report", "v3"};
  metadata.dynamic_partitions = {{"region", "us-east-1"}};
  metadata.time_partition = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365));
  metadata.additional_items.push_back(std::make_shared<Note>("hello"));
  tracker.add("o0", metadata);

  auto found = tracker.get("o0");
  REQUIRE(found.has_value());
  CHECK(found->artifact == ArtifactReference{"proj", "dev", "daily_report", "v3"});
  CHECK(found->dynamic_partitions.at("region") == "us-east-1");
  CHECK(found->time_partition == metadata.time_partition);
  REQUIRE(found->additional_items.size() == 1);
  CHECK(found->additional_items[0]->name() == "note");
  CHECK(found->additional_items[0]->serialize_to_string() == "hello");
  CHECK_FALSE(tracker.get("o1").has_value());

  // A second add for the same output replaces the first.
  OutputMetadata replacement;
  replacement.artifact.name = "other";
  tracker.add("o0", replacement);
  CHECK(tracker.get("o0")->artifact.name == "other");
  CHECK(tracker.size() == 1);
}

TEST_CASE("OutputMetadataTracker add and get from several threads lose nothing") {
  OutputMetadataTracker tracker;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int local_errors = 0;
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = fmt::format("t{}_o{}", t, i);
        OutputMetadata metadata;
        metadata.artifact.name = name;
        metadata.dynamic_partitions["thread"] = std::to_string(t);
        tracker.add(name, std::move(metadata));
        auto read = tracker.get(name);
        if (!read || read->artifact.name != name) ++local_errors;
        // Also read another thread's entries while they are being written.
        auto other = tracker.get(fmt::format("t{}_o{}", (t + 1) % kThreads, i));
        if (other && other->dynamic_partitions.at("thread") != std::to_string((t + 1) % kThreads)) {
          ++local_errors;
        }
      }
      errors.fetch_add(local_errors);
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(errors.load() == 0);
  CHECK(tracker.size() == kThreads * kPerThread);
  const auto all = tracker.all();
  CHECK(all.size() == kThreads * kPerThread);
  CHECK(all.at("t7_o499").artifact.name == "t7_o499");
}

TEST_CASE("output metadata entries are flytekit's: items, then _uap for the partitions") {
  // Expected values from flytekit 1.16.31 itself (core/base_task.py
  // _output_to_literal_map): b64encode(ArtifactID(partitions=idl_partitions_from_dict(p),
  // time_partition=idl_time_partition_from_datetime(t, g)).SerializeToString()).
  using std::chrono::system_clock;
  const auto noon =
      system_clock::time_point(std::chrono::seconds(1714564800));  // 2024-05-01 12:00Z

  OutputMetadata one;
  one.artifact = {"proj", "dev", "daily_report", "v3"};
  one.dynamic_partitions = {{"region", "us-east-1"}};
  one.additional_items = {std::make_shared<Note>("hello")};
  auto entries = output_metadata_entries(one);
  CHECK(entries == std::map<std::string, std::string>{
                       {"note", "hello"}, {"_uap", "GhcKFQoGcmVnaW9uEgsKCXVzLWVhc3QtMQ=="}});

  OutputMetadata time_only;
  time_only.time_partition = noon;
  CHECK(output_metadata_entries(time_only) ==
        std::map<std::string, std::string>{{"_uap", "IgoKCBIGCMDdyLEG"}});

  // Several partitions: flytekit's map order is per-process; this is its
  // SerializeToString(deterministic=True), the same message.
  OutputMetadata several;
  several.artifact.time_partition_granularity = 3;  // DAY
  several.dynamic_partitions = {{"region", "us-east-1"}, {"ds", "x"}, {"zeta", "\xc3\xa9"}};
  several.time_partition = noon + std::chrono::microseconds(123456);
  CHECK(output_metadata_entries(several).at("_uap") ==
        "GjAKCQoCZHMSAwoBeAoVCgZyZWdpb24SCwoJdXMtZWFzdC0xCgwKBHpldGESBAoCw6kiEQoNEgsIwN3IsQYQgJTvOh"
        "AD");

  // No partitions: no _uap, and the artifact's identity is never a metadata entry.
  OutputMetadata plain;
  plain.artifact = {"proj", "dev", "daily_report", "v3"};
  CHECK(output_metadata_entries(plain).empty());
}
