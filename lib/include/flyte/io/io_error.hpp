#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flyte {

/// Thrown by the io layer when a file or storage operation fails. The message
/// is complete on its own (what was attempted, on which path or URI, the
/// system's reason and, for the common causes, what to do about it), so callers
/// can show it to a user or put it in error.pb as is.
class IoError : public std::runtime_error {
 public:
  /// `error_code` is the errno behind the failure, or 0 when the failure is
  /// not a system call's (an unknown URI scheme, a malformed URI...).
  IoError(const std::string& message, std::string path, int error_code = 0);

  /// The path or URI the failed operation was about.
  const std::string& path() const noexcept { return path_; }
  /// The errno behind the failure, 0 if none.
  int error_code() const noexcept { return error_code_; }

 private:
  std::string path_;
  int error_code_;
};

/// Builds the IoError for a failed system call: "<what> '<path>': <strerror>
/// (errno N)" plus a hint for the usual causes (missing folder, permissions,
/// read-only file system, full disk).
IoError io_error_from_errno(std::string_view what, const std::filesystem::path& path, int error);

}  // namespace flyte
