#include "flyte/context/sync_checkpoint.hpp"

#include <fmt/format.h>

#include <cctype>
#include <system_error>
#include <vector>

#include "flyte/io/atomic_write.hpp"
#include "flyte/io/storage_backend.hpp"

namespace flyte {

namespace fs = std::filesystem;

namespace {

bool is_blank(std::string_view value) {
  for (char c : value) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void create_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw io_error_from_errno("cannot create checkpoint folder", dir, ec.value());
}

constexpr std::string_view kGenerationPrefix = ".flyte-gen-";

/// A generation name as save() makes them: ".flyte-gen-" and 32 hex digits.
/// Anything else in the pointer object (a hostile or corrupted store) is
/// refused: it must not route the restore to another prefix.
bool is_generation_name(std::string_view name) {
  if (name.rfind(kGenerationPrefix, 0) != 0) return false;
  const auto id = name.substr(kGenerationPrefix.size());
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

/// True for names under a generation folder (a finished or an abandoned
/// save), which a plain-folder restore must not mix in.
bool in_generation(std::string_view name) {
  return name.rfind(kGenerationPrefix, 0) == 0;
}

}  // namespace

SyncCheckpoint::SyncCheckpoint(std::shared_ptr<FileAccessProvider> file_access,
                               std::string checkpoint_dest,
                               std::optional<std::string> prev_checkpoint_src,
                               std::optional<fs::path> working_dir)
    : file_access_(std::move(file_access)),
      checkpoint_dest_(std::move(checkpoint_dest)),
      prev_checkpoint_src_(normalize_prev_checkpoint(prev_checkpoint_src)),
      working_dir_(std::move(working_dir)) {
  if (!file_access_) {
    throw CheckpointError("SyncCheckpoint needs a FileAccessProvider; got none");
  }
  if (!normalize_checkpoint_dest(checkpoint_dest_)) {
    throw CheckpointError(fmt::format(
        "SyncCheckpoint needs a checkpoint destination; got '{}'. Pass --checkpoint-path, or do "
        "not create a checkpoint when it is unset",
        checkpoint_dest_));
  }
}

std::optional<std::string> SyncCheckpoint::normalize_prev_checkpoint(
    std::optional<std::string_view> value) {
  if (!value || is_blank(*value) || *value == "\"\"" || *value == PREV_CHECKPOINT_TEMPLATE) {
    return std::nullopt;
  }
  return std::string(*value);
}

std::optional<std::string> SyncCheckpoint::normalize_checkpoint_dest(
    std::optional<std::string_view> value) {
  if (!value || is_blank(*value) || *value == CHECKPOINT_OUTPUT_TEMPLATE) return std::nullopt;
  return std::string(*value);
}

bool SyncCheckpoint::prev_exists() const {
  return prev_checkpoint_src_.has_value();
}

fs::path SyncCheckpoint::working_dir() {
  if (!working_dir_) {
    working_dir_ = file_access_->get_random_local_directory();
  } else {
    create_folder(*working_dir_);
  }
  return *working_dir_;
}

std::optional<fs::path> SyncCheckpoint::restore(std::optional<fs::path> dir) {
  std::lock_guard lock(mutex_);
  if (!prev_checkpoint_src_) return std::nullopt;
  if (prev_download_path_) return prev_download_path_;
  fs::path target = dir ? *dir : working_dir() / SRC_LOCAL_FOLDER;
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec)) {
    throw CheckpointError(fmt::format(
        "Checkpoints can be restored to a directory only: '{}' is a file. Pass a folder path "
        "(it is created if missing) or no path at all",
        target.string()));
  }
  create_folder(target);
  const std::string& prev = *prev_checkpoint_src_;
  if (!FileAccessProvider::is_remote(prev)) {
    if (file_access_->exists(prev)) file_access_->get(prev, target, /*recursive=*/true);
  } else {
    restore_remote(prev, target);
  }
  prev_download_path_ = target;
  return prev_download_path_;
}

void SyncCheckpoint::restore_remote(const std::string& prev, const fs::path& target) {
  const std::string pointer = FileAccessProvider::join(prev, GENERATION_POINTER);
  if (file_access_->exists(pointer)) {
    std::string generation = file_access_->read_bytes(pointer, 256);
    while (!generation.empty() && std::isspace(static_cast<unsigned char>(generation.back())))
      generation.pop_back();
    if (!is_generation_name(generation)) {
      throw UnsafeObjectKeyError(
          fmt::format("the checkpoint pointer {} names '{}', not a generation of this "
                      "checkpoint (.flyte-gen-<32 hex digits>); refusing to restore from it",
                      pointer, generation.substr(0, 200)),
          pointer);
    }
    file_access_->get(FileAccessProvider::join(prev, generation), target, /*recursive=*/true);
    return;
  }
  if (!file_access_->exists(prev)) return;
  // A plain folder: written by flytekit, by an older flyte-execute, or by
  // write()/save(file). Leftovers of an interrupted folder save are skipped.
  std::vector<std::pair<std::string, fs::path>> files;
  for (const auto& name : file_access_->list(prev)) {
    if (in_generation(name) || name == GENERATION_POINTER) continue;
    if (auto to = local_path_for_listed_name(target, name, prev)) files.emplace_back(name, *to);
  }
  for (const auto& [name, to] : files) {
    file_access_->get(FileAccessProvider::join(prev, name), to, /*recursive=*/false);
  }
}

void SyncCheckpoint::save_remote_folder(const fs::path& path) {
  // Upload the new generation under a fresh prefix, then switch the small
  // pointer object to it (one PUT, atomic for readers), then clean up. A pod
  // killed before the switch leaves the previous checkpoint in force.
  const std::string generation = std::string(kGenerationPrefix) + FileAccessProvider::random_key();
  file_access_->put(path, FileAccessProvider::join(checkpoint_dest_, generation),
                    /*recursive=*/true);
  file_access_->write_bytes(FileAccessProvider::join(checkpoint_dest_, GENERATION_POINTER),
                            generation);
  current_generation_ = generation;
  remove_stale(generation);
}

void SyncCheckpoint::remove_stale(const std::string& keep_generation) {
  // Best effort: a failed delete leaves garbage, never a wrong checkpoint
  // (restore follows the pointer; plain leftovers are not read then).
  try {
    std::vector<std::string> stale_generations;
    for (const auto& name : file_access_->list(checkpoint_dest_)) {
      if (name == GENERATION_POINTER) continue;
      const auto first = name.substr(0, name.find('/'));
      if (first == keep_generation) continue;
      if (in_generation(first)) {
        if (stale_generations.empty() || stale_generations.back() != first)
          stale_generations.push_back(first);
        continue;
      }
      file_access_->remove(FileAccessProvider::join(checkpoint_dest_, name));
    }
    for (const auto& generation : stale_generations) {
      file_access_->remove(FileAccessProvider::join(checkpoint_dest_, generation));
    }
  } catch (const std::exception&) {
  }
}

std::string SyncCheckpoint::file_destination(std::string_view name) const {
  // After a folder save a single file joins that folder's generation, as it
  // would join the folder locally; the destination belongs to this attempt,
  // so the generation this process published is the current one.
  if (current_generation_) {
    return FileAccessProvider::join(checkpoint_dest_, *current_generation_, name);
  }
  return FileAccessProvider::join(checkpoint_dest_, name);
}

std::optional<std::string> SyncCheckpoint::read() {
  auto restored = restore();
  if (!restored) return std::nullopt;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(*restored)) entries.push_back(entry.path());
  if (entries.empty()) return std::nullopt;
  if (entries.size() > 1) {
    throw CheckpointError(fmt::format(
        "Expected exactly one checkpoint - found {} entries in '{}' (restored from '{}'). A "
        "checkpoint saved as a folder must be read with restore(), not read()",
        entries.size(), restored->string(), *prev_checkpoint_src_));
  }
  std::error_code ec;
  if (!fs::is_regular_file(entries.front(), ec)) {
    throw CheckpointError(fmt::format(
        "Expected the previous checkpoint to be one file, found the folder '{}'; use restore()",
        entries.front().string()));
  }
  return file_access_->read_bytes(entries.front().string());
}

void SyncCheckpoint::save(const fs::path& path) {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw CheckpointError(
        fmt::format("Cannot save checkpoint from '{}': no such file or folder", path.string()));
  }
  if (fs::is_directory(path, ec)) {
    if (FileAccessProvider::is_remote(checkpoint_dest_)) {
      save_remote_folder(path);
    } else {
      file_access_->replace_directory(path, checkpoint_dest_);
    }
    return;
  }
  auto name = path.filename().string();
  file_access_->put(path, file_destination(name));
}

void SyncCheckpoint::save(std::istream& stream) {
  std::lock_guard lock(mutex_);
  // Staged on disk, not in memory, so checkpoints of any size stream through.
  auto staged =
      working_dir() / (std::string(TMP_DST_PATH) + "." + FileAccessProvider::random_key());
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } cleanup{staged};
  write_file_atomically(staged, stream);
  file_access_->put(staged, file_destination(TMP_DST_PATH));
}

void SyncCheckpoint::write(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  file_access_->write_bytes(file_destination(TMP_DST_PATH), bytes);
}

}  // namespace flyte
