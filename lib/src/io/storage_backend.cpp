#include "flyte/io/storage_backend.hpp"

#include <set>
#include <system_error>

#include "flyte/io/local_storage.hpp"
#include "flyte/io/uri.hpp"

namespace flyte {

namespace fs = std::filesystem;

bool StorageBackend::remove(const std::string& uri) {
  throw IoError("cannot remove '" + uri + "': this storage backend (scheme '" + uri_scheme(uri) +
                    "') does not support deleting",
                uri);
}

void StorageBackend::get_directory(const std::string& uri_prefix, const fs::path& local_dir) {
  std::error_code ec;
  fs::create_directories(local_dir, ec);
  if (ec) throw io_error_from_errno("cannot create folder", local_dir, ec.value());
  for (const auto& name : list(uri_prefix)) {
    get_file(join_uri(uri_prefix, {name}), local_dir / fs::path(name));
  }
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
