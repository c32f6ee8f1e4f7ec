#pragma once

/// What a task needs to know to be serialized (registered) for a Flyte
/// project: flytekit's SerializationSettings reduced to the parts a native
/// task's container uses (no Python interpreter, fast-register or git
/// settings).

#include <map>
#include <string>

namespace flyte {

struct SerializationSettings {
  std::string project;
  std::string domain;
  std::string version;
  /// The container image the task runs in (flytekit's default image
  /// `ImageConfig.default_image.full`).
  std::string image;
  /// Environment variables set on the task's container.
  std::map<std::string, std::string> env;

  bool operator==(const SerializationSettings&) const = default;
};

}  // namespace flyte
