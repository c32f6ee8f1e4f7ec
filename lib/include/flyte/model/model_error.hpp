#pragma once

#include <stdexcept>
#include <string>

namespace flyte {

/// Thrown when a value handed to a model type (a protobuf message, bytes, or a
/// string form) cannot describe a valid object. The message names the field,
/// the value found and what was expected, so it can be shown to a user as is.
class ModelError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace flyte
