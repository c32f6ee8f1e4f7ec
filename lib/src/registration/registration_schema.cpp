#include "flyte/registration/registration_schema.hpp"

#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

// Written by cmake/embed_bytes.cmake from protoc --descriptor_set_out
// (third_party/flyteidl/CMakeLists.txt).
extern "C" const unsigned char flyte_registration_schema[];
extern "C" const std::size_t flyte_registration_schema_size;

namespace flyte {
namespace {

namespace pb = google::protobuf;

struct Schema {
  pb::DescriptorPool pool;
  pb::DynamicMessageFactory factory{&pool};

  Schema() {
    pb::FileDescriptorSet set;
    if (!set.ParseFromArray(flyte_registration_schema,
                            static_cast<int>(flyte_registration_schema_size))) {
      throw std::logic_error("the embedded flyteidl registration schema does not parse");
    }
    // --include_imports lists every file after its imports.
    for (const auto& file : set.file()) {
      if (pool.BuildFile(file) == nullptr) {
        throw std::logic_error(fmt::format(
            "the embedded flyteidl registration schema: {} does not build", file.name()));
      }
    }
  }
};

Schema& schema() {
  static Schema instance;
  return instance;
}

}  // namespace

std::unique_ptr<pb::Message> registration_message(std::string_view full_name,
                                                  const nlohmann::json& json) {
  Schema& s = schema();
  const pb::Descriptor* type = s.pool.FindMessageTypeByName(std::string(full_name));
  if (type == nullptr) {
    throw std::invalid_argument(
        fmt::format("{} is not part of the flyteidl registration schema", full_name));
  }
  std::unique_ptr<pb::Message> message(s.factory.GetPrototype(type)->New());
  const auto status = pb::util::JsonStringToMessage(json.dump(), message.get());
  if (!status.ok()) {
    throw std::invalid_argument(
        fmt::format("{} does not accept {}: {}", full_name, json.dump(), status.ToString()));
  }
  return message;
}

std::string registration_json(const pb::Message& message) {
  std::string out;
  const auto status = pb::util::MessageToJsonString(message, &out);
  if (!status.ok()) {
    throw std::invalid_argument(
        fmt::format("cannot write {} as JSON: {}", message.GetTypeName(), status.ToString()));
  }
  return out;
}

}  // namespace flyte
