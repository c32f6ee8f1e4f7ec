#include "flyte/context/sync_checkpoint.hpp"

#include <fmt/format.h>

#include <cctype>
#include <system_error>
#include <vector>

#include "flyte/io/atomic_write.hpp"

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
  if (file_access_->exists(*prev_checkpoint_src_)) {
    file_access_->get(*prev_checkpoint_src_, target, /*recursive=*/true);
  }
  prev_download_path_ = target;
  return prev_download_path_;
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
    file_access_->replace_directory(path, checkpoint_dest_);
    return;
  }
  auto name = path.filename().string();
  file_access_->put(path, FileAccessProvider::join(checkpoint_dest_, name));
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
  file_access_->put(staged, FileAccessProvider::join(checkpoint_dest_, TMP_DST_PATH));
}

void SyncCheckpoint::write(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  file_access_->write_bytes(FileAccessProvider::join(checkpoint_dest_, TMP_DST_PATH), bytes);
}

}  // namespace flyte
