#pragma once

/// Atomic file replacement: a reader of the target path sees either the old
/// file or the complete new one, never a prefix of it, and after a crash the
/// target is one or the other.
///
/// How: the bytes go to a temporary file in the target's own folder (so the
/// final rename stays on one file system), which is fsync'ed, renamed over the
/// target, and then the folder is fsync'ed so the rename itself is durable.
/// The temporary file is removed when anything fails or when an AtomicFile is
/// destroyed without commit(). Failures throw IoError naming the path and the
/// system's reason. The target's folder must exist: creating parents is the
/// caller's choice (storage backends do it, plain writers should not guess).

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include "flyte/io/io_error.hpp"

namespace flyte {

/// Permissions of files we create unless told otherwise (rw-r--r--). Applied
/// exactly, not filtered by the process umask, so outputs look the same
/// whatever the container's umask is.
inline constexpr std::filesystem::perms kDefaultFilePerms =
    static_cast<std::filesystem::perms>(0644);

/// True for the names of AtomicFile's temporary files (".<target>.flyte-tmp-XXXXXX"),
/// so that folder listings can leave in-flight writes out.
bool is_atomic_write_temp_name(std::string_view file_name);

/// What commit() promises beyond atomicity. DURABLE (the default): the file
/// and the rename survive a crash (fsync of the file and of its folder).
/// ATOMIC_ONLY: readers still never see a partial file, but nothing is forced
/// to disk - for scratch copies that something else makes durable or that a
/// crash makes worthless anyway (results staged before publishing, downloads
/// into the local sandbox). An fsync costs milliseconds on a real disk, far
/// more than the rest of a trivial task's run (bench/README.md).
enum class Durability { DURABLE, ATOMIC_ONLY };

/// A file being written; it replaces `target` only on commit(). Move-only.
/// Not thread-safe: one writer per AtomicFile.
class AtomicFile {
 public:
  /// Creates the temporary file next to `target`. Throws IoError when that
  /// folder is missing, is not a folder, is read-only or not writable.
  /// The folder is opened once and the temporary file is created, renamed and
  /// (on failure) removed relative to that open folder: a folder path that is
  /// a symlink swapped meanwhile cannot strand the temporary file elsewhere.
  explicit AtomicFile(std::filesystem::path target,
                      std::filesystem::perms perms = kDefaultFilePerms,
                      Durability durability = Durability::DURABLE);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes (all of them: short writes and EINTR are retried).
  void write(std::string_view bytes);
  /// Appends everything `in` yields until EOF, in fixed-size chunks, so any
  /// size can be streamed. Throws IoError if the stream fails before EOF
  /// (the target stays untouched).
  void write_from(std::istream& in);
  /// Appends everything from the current offset of the readable file
  /// descriptor `fd` to its end, copied by the kernel (copy_file_range) where
  /// the file systems allow and by read/write otherwise, so a large file never
  /// passes through user space. `source` names `fd` in error messages.
  void write_from_fd(int fd, const std::filesystem::path& source);
  /// Flushes to disk, renames over the target and syncs the folder (with
  /// ATOMIC_ONLY: renames only). After it
  /// returns, the target holds exactly what was written. Throws IoError: the
  /// temporary file is then removed and the target untouched, except when only
  /// the final folder sync fails (committed() is then true: the new content is
  /// in place but may not survive a crash).
  void commit();
  /// Drops what was written; the target stays untouched. Never throws.
  void abandon() noexcept;

  const std::filesystem::path& target() const noexcept { return target_; }
  /// The temporary file's path (empty once committed or abandoned).
  const std::filesystem::path& temp_path() const noexcept { return temp_path_; }
  bool committed() const noexcept { return committed_; }

 private:
  void require_open(std::string_view operation) const;

  std::filesystem::path target_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
  Durability durability_ = Durability::DURABLE;
  int dir_fd_ = -1;        ///< the target's folder, opened once
  std::string temp_name_;  ///< the temporary file's name in that folder
};

/// Writes `bytes` to `path` atomically (see the file comment).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           std::filesystem::perms perms = kDefaultFilePerms,
                           Durability durability = Durability::DURABLE);

/// Streams `in` to `path` atomically; the content never has to fit in memory.
void write_file_atomically(const std::filesystem::path& path, std::istream& in,
                           std::filesystem::perms perms = kDefaultFilePerms);

/// Copies the regular file `from` to `to` atomically, streaming. The copy gets
/// `from`'s permission bits. Throws IoError when `from` is missing or not a
/// regular file, or `to`'s folder cannot be written.
void copy_file_atomically(const std::filesystem::path& from, const std::filesystem::path& to,
                          Durability durability = Durability::DURABLE);

/// fsync()s a folder so that renames and creations inside it survive a crash.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace flyte
