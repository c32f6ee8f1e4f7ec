#pragma once

#include <stdexcept>
#include <string>

namespace flyte {

/// Thrown for every secrets failure: a malformed group/key/version or request,
/// a secret that cannot be found, or a secret file that cannot be read.
///
/// It derives from std::invalid_argument because flytekit raises ValueError in
/// the same places (the runtime maps it to a user error, `USER:ValueError`).
/// Messages name the group, key, env var names and file paths involved and
/// never a secret value, so they are safe to log and to put into error.pb.
class SecretsError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace flyte
