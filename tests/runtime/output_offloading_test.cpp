#include "flyte/runtime/output_offloading.hpp"

#include <catch2/catch.hpp>

#include "flyte/model/pbhash.hpp"
#include "flyteidl/core/literals.pb.h"

using namespace flyte;

namespace {

flyteidl::core::Literal string_literal(std::size_t size) {
  flyteidl::core::Literal literal;
  literal.mutable_scalar()->mutable_primitive()->set_string_value(std::string(size, 'x'));
  return literal;
}

}  // namespace

TEST_CASE("offloading is off unless _F_L_MIN_SIZE_MB is set, and counts MiB") {
  CHECK_FALSE(OffloadThresholds::from_env(env_from_map({})).min_bytes.has_value());
  auto t = OffloadThresholds::from_env(
      env_from_map({{"_F_L_MIN_SIZE_MB", "2"}, {"_F_L_MAX_SIZE_MB", "10"}}));
  CHECK(t.min_bytes == 2u * 1024 * 1024);
  CHECK(t.max_bytes == 10u * 1024 * 1024);
  // As flytekit: the maximum defaults to 1000 MiB once the minimum is set, and
  // means nothing without it.
  CHECK(OffloadThresholds::from_env(env_from_map({{"_F_L_MIN_SIZE_MB", "2"}})).max_bytes ==
        1000u * 1024 * 1024);
  CHECK_FALSE(
      OffloadThresholds::from_env(env_from_map({{"_F_L_MAX_SIZE_MB", "1"}})).max_bytes.has_value());
  CHECK_THROWS_WITH(OffloadThresholds::from_env(env_from_map({{"_F_L_MIN_SIZE_MB", "1.5"}})),
                    Catch::Contains("_F_L_MIN_SIZE_MB='1.5'"));
}

TEST_CASE("outputs at or above the minimum are stored and replaced by offloaded metadata") {
  flyteidl::core::LiteralMap outputs;
  (*outputs.mutable_literals())["small"] = string_literal(10);
  (*outputs.mutable_literals())["big"] = string_literal(2000);
  const auto big_bytes = outputs.literals().at("big").SerializeAsString();
  flyteidl::core::LiteralType type;
  type.set_simple(flyteidl::core::STRING);

  std::map<std::string, std::string> stored;
  offload_large_outputs(outputs, {1000, std::nullopt}, {{"big", type}},
                        [&](const std::string& file, const std::string& bytes) {
                          stored[file] = bytes;
                          return "s3://bucket/out/" + file;
                        });
  REQUIRE(stored.size() == 1);
  CHECK(stored.at("big_offloaded_metadata.pb") == big_bytes);
  const auto& pointer = outputs.literals().at("big");
  REQUIRE(pointer.has_offloaded_metadata());
  CHECK(pointer.offloaded_metadata().uri() == "s3://bucket/out/big_offloaded_metadata.pb");
  CHECK(pointer.offloaded_metadata().size_bytes() == big_bytes.size());
  CHECK(pointer.offloaded_metadata().inferred_type().simple() == flyteidl::core::STRING);
  CHECK(outputs.literals().at("small").has_scalar());
  // flytekit's compute_hash_string of the stored literal (model/pbhash.hpp).
  CHECK(pointer.hash() == compute_hash_string(string_literal(2000)));
  CHECK(pointer.hash().size() == 44);
}

TEST_CASE("an offloaded pointer carries the literal's own hash when it has one") {
  flyteidl::core::LiteralMap outputs;
  auto literal = string_literal(2000);
  literal.set_hash("my-hash");
  (*outputs.mutable_literals())["big"] = literal;
  offload_large_outputs(outputs, {1000, std::nullopt}, {},
                        [](const std::string& file, const std::string&) { return file; });
  CHECK(outputs.literals().at("big").hash() == "my-hash");
  std::vector<std::pair<std::string, std::string>> serialized{{"big", literal.SerializeAsString()}};
  offload_large_outputs(serialized, {1000, std::nullopt}, {},
                        [](const std::string& file, const std::string&) { return file; });
  flyteidl::core::Literal pointer;
  REQUIRE(pointer.ParseFromString(serialized[0].second));
  CHECK(pointer.hash() == "my-hash");
}

TEST_CASE("an output at or above the maximum is an error naming it and the sizes") {
  flyteidl::core::LiteralMap outputs;
  (*outputs.mutable_literals())["huge"] = string_literal(5000);
  CHECK_THROWS_WITH(
      offload_large_outputs(outputs, {1000, 4000}, {},
                            [](const std::string&, const std::string&) {
                              FAIL("nothing may be stored");
                              return std::string();
                            }),
      Catch::Contains("Literal huge is too large") && Catch::Contains("4000 whereas"));
  // flytekit checks the maximum on every output, also one below the minimum.
  CHECK_THROWS_AS(offload_large_outputs(outputs, {10000, 4000}, {},
                                        [](const std::string&, const std::string&) {
                                          FAIL("nothing may be stored");
                                          return std::string();
                                        }),
                  OffloadLimitError);
}

TEST_CASE("serialized outputs are offloaded by byte size exactly as messages are") {
  flyteidl::core::LiteralType type;
  type.set_simple(flyteidl::core::STRING);
  for (const std::uint64_t min_bytes : {0u, 12u, 13u, 1000u, 2003u, 2004u, 5000u}) {
    INFO("min_bytes " << min_bytes);
    flyteidl::core::LiteralMap messages;
    (*messages.mutable_literals())["small"] = string_literal(10);
    (*messages.mutable_literals())["big"] = string_literal(2000);
    std::vector<std::pair<std::string, std::string>> serialized{
        {"small", messages.literals().at("small").SerializeAsString()},
        {"big", messages.literals().at("big").SerializeAsString()}};
    std::map<std::string, std::string> stored_messages, stored_serialized;
    offload_large_outputs(messages, {min_bytes, std::nullopt}, {{"big", type}},
                          [&](const std::string& file, const std::string& bytes) {
                            stored_messages[file] = bytes;
                            return "s3://bucket/out/" + file;
                          });
    offload_large_outputs(serialized, {min_bytes, std::nullopt}, {{"big", type}},
                          [&](const std::string& file, const std::string& bytes) {
                            stored_serialized[file] = bytes;
                            return "s3://bucket/out/" + file;
                          });
    CHECK(stored_serialized == stored_messages);
    for (const auto& [name, bytes] : serialized) {
      CHECK(bytes == messages.literals().at(name).SerializeAsString());
    }
  }
  std::vector<std::pair<std::string, std::string>> huge{
      {"huge", string_literal(5000).SerializeAsString()}};
  CHECK_THROWS_WITH(
      offload_large_outputs(huge, {1000, 4000}, {},
                            [](const std::string&, const std::string&) {
                              FAIL("nothing may be stored");
                              return std::string();
                            }),
      Catch::Contains("Literal huge is too large") && Catch::Contains("4000 whereas"));
}
