#include "flyte/io/storage_backend.hpp"

#include <set>
#include <system_error>

#include "flyte/io/local_storage.hpp"
#include "flyte/io/uri.hpp"

namespace flyte {

namespace fs = std::filesystem;

namespace {

/// NAME_MAX of the usual Linux file systems.
constexpr std::size_t kMaxSegment = 255;

[[noreturn]] void refuse(std::string_view name, std::string_view uri_prefix, std::string_view why) {
  std::string shown;
  for (char c : name) {
    if (c == '\0') {
      shown += "\\0";
    } else {
      shown += c;
    }
  }
  throw UnsafeObjectKeyError("refusing to download the folder '" + std::string(uri_prefix) +
                                 "': the storage lists an object '" + shown + "' " +
                                 std::string(why) +
                                 ", which cannot be stored inside the local folder. Remove or "
                                 "rename that object",
                             std::string(uri_prefix));
}

}  // namespace

std::optional<fs::path> local_path_for_listed_name(const fs::path& local_dir, std::string_view name,
                                                   std::string_view uri_prefix) {
  if (name.empty()) refuse(name, uri_prefix, "with an empty name");
  if (name.front() == '/') refuse(name, uri_prefix, "whose name starts with '/'");
  if (name.find('\0') != std::string_view::npos) refuse(name, uri_prefix, "with a NUL byte");
  const bool marker = name.back() == '/';
  std::string_view rest = marker ? name.substr(0, name.size() - 1) : name;
  std::size_t start = 0;
  while (true) {
    const auto slash = rest.find('/', start);
    const std::string_view segment = rest.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) refuse(name, uri_prefix, "with an empty path segment ('//')");
    if (segment == "..") refuse(name, uri_prefix, "with a '..' segment");
    if (segment == ".") refuse(name, uri_prefix, "with a '.' segment");
    if (segment.size() > kMaxSegment) {
      refuse(name, uri_prefix, "with a path segment longer than 255 bytes");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (marker) return std::nullopt;
  return local_dir / fs::path(std::string(name));
}

std::string StorageBackend::read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes) {
  std::string bytes = read_bytes(uri);
  if (bytes.size() > max_bytes) {
    throw IoError("'" + uri + "' holds " + std::to_string(bytes.size()) + " bytes, more than the " +
                      std::to_string(max_bytes) + " expected",
                  uri);
  }
  return bytes;
}

bool StorageBackend::remove(const std::string& uri) {
  throw IoError("cannot remove '" + uri + "': this storage backend (scheme '" + uri_scheme(uri) +
                    "') does not support deleting",
                uri);
}

void StorageBackend::get_directory(const std::string& uri_prefix, const fs::path& local_dir) {
  std::error_code ec;
  fs::create_directories(local_dir, ec);
  if (ec) throw io_error_from_errno("cannot create folder", local_dir, ec.value());
  // All names are checked before the first download: a refused listing
  // leaves nothing behind.
  std::vector<std::pair<std::string, fs::path>> plan;
  for (const auto& name : list(uri_prefix)) {
    if (auto to = local_path_for_listed_name(local_dir, name, uri_prefix)) {
      plan.emplace_back(name, std::move(*to));
    }
  }
  for (const auto& [name, to] : plan) get_file(join_uri(uri_prefix, {name}), to);
}

void StorageBackend::put_directory(const fs::path& local_dir, const std::string& uri_prefix) {
  for (const auto& name : list_local_files(local_dir)) {
    put_file(local_dir / fs::path(name), join_uri(uri_prefix, {name}));
  }
}

void StorageBackend::replace_directory(const fs::path& local_dir, const std::string& uri_prefix) {
  auto names = list_local_files(local_dir);
  put_directory(local_dir, uri_prefix);
  std::set<std::string> keep(names.begin(), names.end());
  for (const auto& name : list(uri_prefix)) {
    if (!keep.count(name)) remove(join_uri(uri_prefix, {name}));
  }
}

}  // namespace flyte
