#pragma once

/// The storage backend for plain local paths and `file://` URIs.
///
/// Guarantees, for readers that go through this backend:
/// - put_file / write_bytes / get_file replace files atomically (AtomicFile).
///   Writes to storage (put_file, write_bytes, replace_directory) are durable;
///   downloads (get_file, get_directory) are scratch copies of durable data
///   and are not fsync'ed (Durability::ATOMIC_ONLY).
/// - replace_directory publishes a whole folder at once: the new content is
///   staged in a hidden sibling folder ".<name>.flyte-gen-XXXXXX" and the
///   destination becomes a symlink to it, switched with one rename (or, when
///   the destination is still a real folder, one renameat2(RENAME_EXCHANGE)).
///   The previous generation is deleted afterwards.
/// - get_directory copies a consistent snapshot: it resolves the destination
///   once, copies from the resolved folder and retries when the destination
///   was switched meanwhile, so it never returns files of two generations.
/// Plain put_directory merges file by file (object-store semantics), so a
/// reader may see some files new and some old while it runs; use
/// replace_directory when a folder must change as one unit. These guarantees
/// assume one writer per destination folder. Delete a published folder with
/// remove(), which also deletes its hidden generation; `rm -rf` of the name
/// only removes the symlink.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/io/storage_backend.hpp"

namespace flyte {

class LocalStorage : public StorageBackend {
 public:
  /// The local path a plain path or `file://` URI names: "file:///a/b" and
  /// "file://localhost/a/b" are "/a/b", "file://a/b" is the relative "a/b".
  /// Throws IoError for any other scheme.
  static std::filesystem::path to_local_path(const std::string& uri);

  void get_file(const std::string& uri, const std::filesystem::path& local_path) override;
  void put_file(const std::filesystem::path& local_path, const std::string& uri) override;
  bool exists(const std::string& uri) override;
  /// Empty when `uri_prefix` is missing or is a file (it is then an object,
  /// not a folder), like an object store's listing.
  std::vector<std::string> list(const std::string& uri_prefix) override;
  /// Refuses what is not a regular file (a fifo, /dev/zero: a read that
  /// blocks or never ends) before reading a byte.
  std::string read_bytes(const std::string& uri) override;
  std::string read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes) override;
  void write_bytes(const std::string& uri, std::string_view bytes) override;
  /// Also deletes the hidden generation folder a published folder points to.
  bool remove(const std::string& uri) override;
  /// A consistent snapshot, see the file comment. A missing folder yields an
  /// empty (created) `local_dir`.
  void get_directory(const std::string& uri_prefix,
                     const std::filesystem::path& local_dir) override;
  /// Atomic publication, see the file comment.
  void replace_directory(const std::filesystem::path& local_dir,
                         const std::string& uri_prefix) override;
};

/// Regular files under `dir`, recursively, relative and '/'-separated, sorted.
/// Follows symlinks. Leaves out in-flight temporary files and LocalStorage's
/// hidden generation folders (their content is listed through the published
/// name). Throws IoError when `dir` is not a readable folder.
std::vector<std::string> list_local_files(const std::filesystem::path& dir);

/// True for names LocalStorage and AtomicFile use for staging
/// (".x.flyte-tmp-*", ".x.flyte-gen-*", ".x.flyte-link-*").
bool is_local_staging_name(std::string_view file_name);

}  // namespace flyte
