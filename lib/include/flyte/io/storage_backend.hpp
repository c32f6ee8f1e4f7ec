#pragma once

/// One storage system (a URI scheme) behind FileAccessProvider.
///
/// The model is an object store's, because that is what Flyte runs on: a URI
/// names an object (a file), a "folder" is a URI prefix, and a directory (a
/// multipart blob) is the set of objects under a prefix, found by list().
/// Transfers go between a URI and a local path and are streamed, so no method
/// except read_bytes/write_bytes ever holds an object in memory. An S3 or GCS
/// backend only has to implement the pure virtual methods; the directory
/// operations have portable default implementations on top of them.
///
/// Implementations must be safe to call from several threads at once.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/io/io_error.hpp"

namespace flyte {

/// A listed object name that cannot be stored under the local folder of a
/// folder download: `..` or `.` segments, a leading `/`, empty segments
/// (`a//b`), a NUL or a segment longer than a file name may be. Such a key is
/// refused, never joined onto the folder, so a hostile or corrupted listing
/// cannot write outside it. The message names the key and the prefix.
class UnsafeObjectKeyError : public IoError {
 public:
  using IoError::IoError;
};

/// Where the listed name `name` (relative to the folder `uri_prefix`) goes
/// under `local_dir`, after refusing unsafe names with UnsafeObjectKeyError.
/// A name ending in '/' is a folder marker (what S3 consoles create for
/// "folders"): it holds no file, and std::nullopt says to skip it.
std::optional<std::filesystem::path> local_path_for_listed_name(
    const std::filesystem::path& local_dir, std::string_view name, std::string_view uri_prefix);

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;

  /// Downloads the object `uri` to the local file `local_path` (replaced
  /// atomically; its parent folders are created). Throws IoError when the
  /// object does not exist or cannot be read.
  virtual void get_file(const std::string& uri, const std::filesystem::path& local_path) = 0;

  /// Uploads the local regular file `local_path` as the object `uri`. Readers
  /// of `uri` see the old object or the whole new one, never a part.
  virtual void put_file(const std::filesystem::path& local_path, const std::string& uri) = 0;

  /// True when `uri` is an object or a folder holding at least one object
  /// (local storage: any existing path).
  virtual bool exists(const std::string& uri) = 0;

  /// Names of all objects under the folder `uri_prefix`, recursively,
  /// relative to it, '/'-separated, sorted. Empty when nothing is there.
  /// Objects whose names are only prefixes of the folder name ("a/bc" for
  /// folder "a/b") are not included.
  virtual std::vector<std::string> list(const std::string& uri_prefix) = 0;

  /// The whole content of a (small) object.
  virtual std::string read_bytes(const std::string& uri) = 0;

  /// read_bytes, refusing (IoError) an object over `max_bytes` without
  /// holding more than that. The default reads it all, then checks.
  virtual std::string read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes);

  /// Creates or replaces a (small) object, atomically for readers.
  virtual void write_bytes(const std::string& uri, std::string_view bytes) = 0;

  /// Deletes the object or the whole folder at `uri`; true if anything was
  /// there. The default throws IoError: deleting is optional for a backend.
  virtual bool remove(const std::string& uri);

  /// Downloads every object under the folder `uri_prefix` into `local_dir`,
  /// keeping relative paths (created if missing; files already there are
  /// overwritten, others left alone). The default lists then calls get_file.
  /// Every listed name goes through local_path_for_listed_name first: one
  /// unsafe name fails the whole download before anything is written.
  virtual void get_directory(const std::string& uri_prefix, const std::filesystem::path& local_dir);

  /// Uploads every regular file under `local_dir` (recursively, following
  /// symlinks) to `uri_prefix`/<relative path>. Objects already under the
  /// prefix that `local_dir` does not have are kept (object-store merge
  /// semantics). The default walks the folder and calls put_file.
  virtual void put_directory(const std::filesystem::path& local_dir, const std::string& uri_prefix);

  /// Makes the folder `uri_prefix` hold exactly the files of `local_dir`:
  /// stale objects are removed. Backends that can (local storage) publish the
  /// new folder atomically, so that get_directory never returns a mix of old
  /// and new files; the default uploads then removes stale objects, which
  /// readers may observe half-done, and which needs remove() as soon as
  /// there is a stale object to delete.
  virtual void replace_directory(const std::filesystem::path& local_dir,
                                 const std::string& uri_prefix);
};

}  // namespace flyte
