#pragma once

/// flytekit's SyncCheckpoint: checkpoints kept at a storage URI (the
/// `--checkpoint-path` / `--prev-checkpoint` flags), transferred synchronously
/// through a FileAccessProvider.
///
/// Layout: the checkpoint is the folder `checkpoint_dest`. write(bytes) and
/// save(stream) store the single file `<dest>/_dst_cp`; save(file) stores
/// `<dest>/<file name>`; save(folder) makes the checkpoint exactly that
/// folder's files.
///
/// Atomicity guarantee: a reader of the checkpoint (the next attempt's
/// restore/read, even one running while this attempt saves) never sees half a
/// checkpoint. Single files are replaced atomically. save(folder) replaces the
/// whole checkpoint at once via FileAccessProvider::replace_directory: for
/// local and file:// destinations the new folder is staged next to the
/// destination and switched in with one rename, and restore copies a
/// consistent snapshot (see local_storage.hpp). On object stores (any remote
/// scheme) save(folder) uploads a generation under
/// `<dest>/.flyte-gen-<32 hex>/`, then writes the small object
/// `<dest>/.flyte-generation` naming it (last: one PUT, atomic for readers),
/// then deletes older generations and plain files; restore follows that
/// object, and without it restores the plain folder (written by flytekit, an
/// older flyte-execute or write()), skipping generation leftovers. After a
/// folder save, single-file saves go into its generation. A pod
/// killed mid-save leaves the previous checkpoint restorable. A pointer that
/// names anything but a generation is refused (UnsafeObjectKeyError).
///
/// Differences from flytekit, deliberate:
/// - save(folder) replaces the checkpoint (flytekit merges into the prefix, so
///   files from earlier saves linger); a checkpoint is a snapshot.
/// - restore(dir) creates `dir` when it is missing (flytekit requires it to
///   exist); it still refuses a path that is a file.
/// - A previous checkpoint that was given but holds nothing restores as an
///   empty folder and reads as nullopt (flytekit's behaviour depends on the
///   storage backend).
/// Thread-safe.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "flyte/context/checkpoint.hpp"
#include "flyte/io/file_access.hpp"

namespace flyte {

class SyncCheckpoint : public Checkpoint {
 public:
  /// Folder name of the restored checkpoint under the working folder (flytekit's SRC_LOCAL_FOLDER).
  static constexpr std::string_view SRC_LOCAL_FOLDER = "prev_cp";
  /// File name of write()/save(stream) checkpoints (flytekit's TMP_DST_PATH).
  static constexpr std::string_view TMP_DST_PATH = "_dst_cp";
  /// Propeller's unrendered templates (CONTRACT §1).
  static constexpr std::string_view PREV_CHECKPOINT_TEMPLATE = "{{.prevCheckpointPrefix}}";
  static constexpr std::string_view CHECKPOINT_OUTPUT_TEMPLATE = "{{.checkpointOutputPrefix}}";
  /// The object naming the current generation of a remote folder checkpoint.
  static constexpr std::string_view GENERATION_POINTER = ".flyte-generation";

  /// `checkpoint_dest`: where saves go; must be set (normalize it with
  /// normalize_checkpoint_dest first). `prev_checkpoint_src`: the previous
  /// attempt's checkpoint, normalized here (placeholder or "" = none).
  /// `working_dir`: where restore() puts `prev_cp` and save(stream) stages
  /// its file; by default a new random folder of the provider's sandbox,
  /// created on first use. Throws CheckpointError on an unset destination.
  SyncCheckpoint(std::shared_ptr<FileAccessProvider> file_access, std::string checkpoint_dest,
                 std::optional<std::string> prev_checkpoint_src = std::nullopt,
                 std::optional<std::filesystem::path> working_dir = std::nullopt);

  /// nullopt for no value, "", whitespace only, the literal `""` (two quote
  /// characters, what some shells pass) and {{.prevCheckpointPrefix}};
  /// otherwise the value.
  static std::optional<std::string> normalize_prev_checkpoint(
      std::optional<std::string_view> value);
  /// nullopt for no value, "", whitespace only and {{.checkpointOutputPrefix}}:
  /// then checkpointing is not available for the task.
  static std::optional<std::string> normalize_checkpoint_dest(
      std::optional<std::string_view> value);

  bool prev_exists() const override;
  /// Throws CheckpointError when `dir` exists and is not a folder.
  std::optional<std::filesystem::path> restore(
      std::optional<std::filesystem::path> dir = std::nullopt) override;
  /// Throws CheckpointError when `path` does not exist.
  void save(const std::filesystem::path& path) override;
  void save(std::istream& stream) override;
  /// Throws CheckpointError when the previous checkpoint holds more than one
  /// entry, or its single entry is a folder.
  std::optional<std::string> read() override;
  void write(std::string_view bytes) override;

  const std::string& checkpoint_dest() const noexcept { return checkpoint_dest_; }
  const std::optional<std::string>& prev_checkpoint_src() const noexcept {
    return prev_checkpoint_src_;
  }

 private:
  void restore_remote(const std::string& prev, const std::filesystem::path& target);
  void save_remote_folder(const std::filesystem::path& path);
  /// Deletes every generation but `keep_generation`, and the plain objects.
  void remove_stale(const std::string& keep_generation);
  std::string file_destination(std::string_view name) const;
  std::filesystem::path working_dir();

  std::shared_ptr<FileAccessProvider> file_access_;
  std::string checkpoint_dest_;
  std::optional<std::string> prev_checkpoint_src_;
  std::optional<std::filesystem::path> working_dir_;
  /// The remote generation this object's last folder save published.
  std::optional<std::string> current_generation_;
  std::optional<std::filesystem::path> prev_download_path_;
  std::mutex mutex_;
};

}  // namespace flyte
