#include "flyte/io/io_error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

namespace flyte {

IoError::IoError(const std::string& message, std::string path, int error_code)
    : std::runtime_error(message), path_(std::move(path)), error_code_(error_code) {}

namespace {

std::string_view hint_for(int error) {
  switch (error) {
    case ENOENT:
      return "check that the path and its parent folders exist";
    case ENOTDIR:
      return "a parent of the path is a file, not a folder";
    case EACCES:
    case EPERM:
      return "check the permissions of the path and its parent folder";
    case EROFS:
      return "the file system is read-only; write somewhere else";
    case ENOSPC:
    case EDQUOT:
      return "the disk or quota is full; free space or write somewhere else";
    case EFBIG:
      return "the file exceeds the file size limit (ulimit -f) or the file system's maximum";
    case EISDIR:
      return "the path is a folder; use a recursive (directory) operation";
    default:
      return {};
  }
}

}  // namespace

IoError io_error_from_errno(std::string_view what, const std::filesystem::path& path, int error) {
  std::string message = fmt::format("{} '{}': {} (errno {})", what, path.string(),
                                    std::system_category().message(error), error);
  if (auto hint = hint_for(error); !hint.empty()) message += fmt::format(" - {}", hint);
  return IoError(message, path.string(), error);
}

}  // namespace flyte
