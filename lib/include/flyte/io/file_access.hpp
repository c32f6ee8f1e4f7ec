#pragma once

/// flytekit's FileAccessProvider: the one place the runtime moves data
/// between the container's disk and remote storage.
///
/// It holds a local sandbox folder (where downloads and scratch files go), the
/// raw output prefix (where offloaded data is uploaded) and a backend per URI
/// scheme. Local paths and file:// are built in; remote schemes (s3, gs...)
/// are added with register_backend. Thread-safe: backends may be registered
/// and used from several threads.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/io/storage_backend.hpp"
#include "flyte/io/uri.hpp"

namespace flyte {

class FileAccessProvider {
 public:
  /// `local_sandbox_dir` is created on first use by the random local paths;
  /// `raw_output_prefix` may be local or remote (no backend is needed until it
  /// is used).
  FileAccessProvider(std::filesystem::path local_sandbox_dir, std::string raw_output_prefix);

  /// Serves URIs of `scheme` (case-insensitive, without "://") with `backend`,
  /// replacing any earlier backend of that scheme, the built-in local one
  /// included.
  void register_backend(std::string scheme, std::shared_ptr<StorageBackend> backend);

  /// The backend serving `uri`. Throws IoError naming the scheme and the
  /// supported ones when there is none.
  std::shared_ptr<StorageBackend> backend_for(std::string_view uri) const;

  /// Registered schemes, sorted ("" stands for plain local paths).
  std::vector<std::string> supported_schemes() const;

  /// Downloads `remote` to `local`. With `recursive`, `remote` is a folder
  /// (a multipart blob) and every object under it lands under `local`, keeping
  /// relative paths. Throws IoError when `remote` does not exist.
  void get(const std::string& remote, const std::filesystem::path& local, bool recursive = false);

  /// Uploads `local` to `remote`. With `recursive`, `local` must be a folder
  /// and each file under it goes to `remote`/<relative path> (merged with
  /// what is already there). Without it, `local` must be a file.
  void put(const std::filesystem::path& local, const std::string& remote, bool recursive = false);

  /// Makes the folder `remote` hold exactly the files of `local_dir`,
  /// atomically where the backend can (see StorageBackend::replace_directory).
  void replace_directory(const std::filesystem::path& local_dir, const std::string& remote);

  bool exists(const std::string& uri) const;
  /// Objects under the folder `uri_prefix`, relative, sorted.
  std::vector<std::string> list(const std::string& uri_prefix) const;
  std::string read_bytes(const std::string& uri) const;
  /// read_bytes, refusing an object larger than `max_bytes` (IoError)
  /// without reading more than that.
  std::string read_bytes(const std::string& uri, std::uint64_t max_bytes) const;
  /// Creates or atomically replaces the object `uri`.
  void write_bytes(const std::string& uri, std::string_view bytes) const;
  /// Deletes an object or folder; true if anything was there.
  bool remove(const std::string& uri) const;

  /// True for URIs with a scheme other than file:// (flytekit's is_remote).
  static bool is_remote(std::string_view uri);

  /// flytekit's join(prefix, *parts): see join_uri.
  /// join("s3://b/raw/", "key", "file.txt") == "s3://b/raw/key/file.txt".
  template <typename... Parts>
  static std::string join(std::string_view prefix, const Parts&... parts) {
    return join_uri(prefix, {std::string_view(parts)...});
  }

  /// `<sandbox>/<32 hex chars>[/<file name of file_path_or_file_name>]`; not created.
  std::filesystem::path get_random_local_path(
      std::optional<std::string_view> file_path_or_file_name = std::nullopt) const;
  /// A new, empty folder under the sandbox (created, parents included).
  std::filesystem::path get_random_local_directory() const;
  /// `<raw output prefix>/<32 hex chars>[/<file name>]`; nothing is created.
  std::string get_random_remote_path(
      std::optional<std::string_view> file_path_or_file_name = std::nullopt) const;

  const std::filesystem::path& local_sandbox_dir() const noexcept { return local_sandbox_dir_; }
  const std::string& raw_output_prefix() const noexcept { return raw_output_prefix_; }

  /// 32 random hex characters: 128 bits from getrandom(2), like flytekit's uuid4().hex.
  static std::string random_key();

 private:
  std::filesystem::path local_sandbox_dir_;
  std::string raw_output_prefix_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<StorageBackend>> backends_;
};

}  // namespace flyte
