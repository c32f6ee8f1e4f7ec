#pragma once

/// flyteidl's registration messages (admin.TaskSpec, core.TaskTemplate,
/// core.TypedInterface and everything they import) without their generated
/// classes: the official .proto files are compiled at build time into a
/// descriptor set embedded in the binary, and messages are built from JSON in
/// protobuf's JSON mapping with DynamicMessage. The generated classes would
/// register every one of these files with protobuf at each start of every
/// task; only `package`, `validate` and `--list --format json` need them.

#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

namespace flyte {

/// A message of the registration schema, e.g. "flyteidl.admin.TaskSpec",
/// parsed from `json` (protobuf's JSON mapping). Throws std::invalid_argument
/// when the type is not in the schema or the JSON does not fit it (an unknown
/// field, a wrong enum name...): the schema is the official one, so such an
/// error is a bug in what we built, never something to paper over.
std::unique_ptr<google::protobuf::Message> registration_message(std::string_view full_name,
                                                                const nlohmann::json& json);

/// `message` in protobuf's JSON mapping exactly as
/// google::protobuf::util::MessageToJsonString writes it (field names in
/// lowerCamelCase, default values left out).
std::string registration_json(const google::protobuf::Message& message);

}  // namespace flyte
