#include "flyte/io/file_access.hpp"

#include <sys/random.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "flyte/io/local_storage.hpp"

namespace flyte {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The last path component, as Python's os.path.split(...)[1]: "" after a '/'.
std::string_view tail_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

FileAccessProvider::FileAccessProvider(fs::path local_sandbox_dir, std::string raw_output_prefix)
    : local_sandbox_dir_(std::move(local_sandbox_dir)),
      raw_output_prefix_(std::move(raw_output_prefix)) {
  auto local = std::make_shared<LocalStorage>();
  backends_[""] = local;
  backends_["file"] = local;
}

void FileAccessProvider::register_backend(std::string scheme,
                                          std::shared_ptr<StorageBackend> backend) {
  if (!backend) {
    throw IoError("cannot register a null storage backend for scheme '" + scheme + "'", scheme);
  }
  std::lock_guard lock(mutex_);
  backends_[lower(std::move(scheme))] = std::move(backend);
}

std::shared_ptr<StorageBackend> FileAccessProvider::backend_for(std::string_view uri) const {
  auto scheme = uri_scheme(uri);
  std::lock_guard lock(mutex_);
  if (auto it = backends_.find(scheme); it != backends_.end()) return it->second;
  std::string supported;
  for (const auto& [name, backend] : backends_) {
    if (!supported.empty()) supported += ", ";
    supported += name.empty() ? "local paths" : name + "://";
  }
  throw IoError("no storage backend for scheme '" + scheme + "' (in '" + std::string(uri) +
                    "'); supported: " + supported + ". Configure storage for '" + scheme +
                    "' (FileAccessProvider::register_backend) or use a supported URI",
                std::string(uri));
}

std::vector<std::string> FileAccessProvider::supported_schemes() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> schemes;
  for (const auto& [name, backend] : backends_) schemes.push_back(name);
  return schemes;
}

void FileAccessProvider::get(const std::string& remote, const fs::path& local, bool recursive) {
  auto backend = backend_for(remote);
  if (!backend->exists(remote)) {
    throw IoError("cannot download '" + remote + "': it does not exist", remote, ENOENT);
  }
  if (recursive) {
    backend->get_directory(remote, local);
  } else {
    backend->get_file(remote, local);
  }
}

void FileAccessProvider::put(const fs::path& local, const std::string& remote, bool recursive) {
  auto backend = backend_for(remote);
  std::error_code ec;
  bool is_dir = fs::is_directory(local, ec);
  if (is_dir && !recursive) {
    throw IoError(
        "cannot upload '" + local.string() + "': it is a folder; upload it with recursive = true",
        local.string(), EISDIR);
  }
  if (is_dir) {
    backend->put_directory(local, remote);
  } else {
    backend->put_file(local, remote);
  }
}

void FileAccessProvider::replace_directory(const fs::path& local_dir, const std::string& remote) {
  backend_for(remote)->replace_directory(local_dir, remote);
}

bool FileAccessProvider::exists(const std::string& uri) const {
  return backend_for(uri)->exists(uri);
}

std::vector<std::string> FileAccessProvider::list(const std::string& uri_prefix) const {
  return backend_for(uri_prefix)->list(uri_prefix);
}

std::string FileAccessProvider::read_bytes(const std::string& uri) const {
  return backend_for(uri)->read_bytes(uri);
}

std::string FileAccessProvider::read_bytes(const std::string& uri, std::uint64_t max_bytes) const {
  return backend_for(uri)->read_bytes_at_most(uri, max_bytes);
}

void FileAccessProvider::write_bytes(const std::string& uri, std::string_view bytes) const {
  backend_for(uri)->write_bytes(uri, bytes);
}

bool FileAccessProvider::remove(const std::string& uri) const {
  return backend_for(uri)->remove(uri);
}

bool FileAccessProvider::is_remote(std::string_view uri) {
  auto scheme = uri_scheme(uri);
  return !scheme.empty() && scheme != "file";
}

std::string FileAccessProvider::random_key() {
  std::array<unsigned char, 16> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "getrandom");
    }
    filled += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  key.reserve(32);
  for (auto b : bytes) {
    key += kHex[b >> 4];
    key += kHex[b & 0x0f];
  }
  return key;
}

fs::path FileAccessProvider::get_random_local_path(
    std::optional<std::string_view> file_path_or_file_name) const {
  auto path = local_sandbox_dir_ / random_key();
  if (file_path_or_file_name) {
    auto tail = tail_of(*file_path_or_file_name);
    if (!tail.empty()) path /= std::string(tail);
  }
  return path;
}

fs::path FileAccessProvider::get_random_local_directory() const {
  auto dir = get_random_local_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw io_error_from_errno("cannot create folder", dir, ec.value());
  return dir;
}

std::string FileAccessProvider::get_random_remote_path(
    std::optional<std::string_view> file_path_or_file_name) const {
  auto key = random_key();
  if (file_path_or_file_name) {
    auto tail = tail_of(*file_path_or_file_name);
    if (!tail.empty()) return join_uri(raw_output_prefix_, {key, tail});
  }
  return join_uri(raw_output_prefix_, {key});
}

}  // namespace flyte
