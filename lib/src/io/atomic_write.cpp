#include "flyte/io/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <istream>
#include <random>
#include <utility>

namespace flyte {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempMarker = ".flyte-tmp-";
// Keeps ".<name>.flyte-tmp-XXXXXX" under NAME_MAX (255) for long target names.
constexpr std::size_t kMaxNameInTemp = 200;
constexpr std::size_t kChunkSize = 1 << 16;

fs::path folder_of(const fs::path& path) {
  auto parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

void close_quietly(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

void write_all(int fd, const char* data, std::size_t size, const fs::path& shown) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error_from_errno("cannot write", shown, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

bool is_atomic_write_temp_name(std::string_view file_name) {
  return file_name.size() > kTempMarker.size() + 6 && file_name.front() == '.' &&
         file_name.find(kTempMarker) != std::string_view::npos;
}

AtomicFile::AtomicFile(fs::path target, fs::perms perms, Durability durability)
    : target_(std::move(target)), durability_(durability) {
  auto name = target_.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw IoError("cannot write '" + target_.string() +
                      "': the path names a folder, not a file - give a file name",
                  target_.string());
  }
  if (name.size() > kMaxNameInTemp) name.resize(kMaxNameInTemp);
  const fs::path folder = folder_of(target_);
  dir_fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) {
    int error = errno;
    throw io_error_from_errno("cannot create a temporary file in the folder of", target_, error);
  }
  static constexpr char kLetters[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device random;
  for (int attempt = 0; fd_ < 0; ++attempt) {
    std::string candidate = "." + name + std::string(kTempMarker);
    for (int i = 0; i < 6; ++i) candidate += kLetters[random() % (sizeof kLetters - 1)];
    fd_ = ::openat(dir_fd_, candidate.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) {
      temp_name_ = std::move(candidate);
      break;
    }
    if (errno != EEXIST || attempt >= 100) {
      int error = errno;
      close_quietly(dir_fd_);
      throw io_error_from_errno("cannot create a temporary file in the folder of", target_, error);
    }
  }
  temp_path_ = folder / temp_name_;
  if (::fchmod(fd_, static_cast<mode_t>(perms) & 07777) != 0) {
    int error = errno;
    abandon();
    throw io_error_from_errno("cannot set the permissions of", target_, error);
  }
}

AtomicFile::~AtomicFile() {
  abandon();
  close_quietly(dir_fd_);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_path_(std::exchange(other.temp_path_, {})),
      fd_(std::exchange(other.fd_, -1)),
      committed_(other.committed_),
      durability_(other.durability_),
      dir_fd_(std::exchange(other.dir_fd_, -1)),
      temp_name_(std::exchange(other.temp_name_, {})) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    abandon();
    close_quietly(dir_fd_);
    target_ = std::move(other.target_);
    temp_path_ = std::exchange(other.temp_path_, {});
    fd_ = std::exchange(other.fd_, -1);
    committed_ = other.committed_;
    durability_ = other.durability_;
    dir_fd_ = std::exchange(other.dir_fd_, -1);
    temp_name_ = std::exchange(other.temp_name_, {});
  }
  return *this;
}

void AtomicFile::require_open(std::string_view operation) const {
  if (fd_ < 0) {
    throw IoError("cannot " + std::string(operation) + " '" + target_.string() +
                      "': the atomic write was already committed or abandoned",
                  target_.string());
  }
}

void AtomicFile::write(std::string_view bytes) {
  require_open("write");
  write_all(fd_, bytes.data(), bytes.size(), target_);
}

void AtomicFile::write_from_fd(int fd, const fs::path& source) {
  require_open("write");
  bool kernel_copy = true;
  std::array<char, kChunkSize> buffer;
  for (;;) {
    if (kernel_copy) {
      const ssize_t n = ::copy_file_range(fd, nullptr, fd_, nullptr, std::size_t{1} << 30, 0);
      if (n > 0) continue;
      if (n == 0) return;
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP &&
          errno != EPERM) {
        throw io_error_from_errno("cannot copy", source, errno);
      }
      kernel_copy = false;  // not between these file systems: plain reads and writes
    }
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error_from_errno("cannot read", source, errno);
    }
    if (n == 0) return;
    write_all(fd_, buffer.data(), static_cast<std::size_t>(n), target_);
  }
}

void AtomicFile::write_from(std::istream& in) {
  require_open("write");
  std::array<char, kChunkSize> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    auto got = in.gcount();
    if (got > 0) write_all(fd_, buffer.data(), static_cast<std::size_t>(got), target_);
  }
  if (in.bad() || !in.eof()) {
    throw IoError("cannot write '" + target_.string() +
                      "': the input stream failed before its end; nothing was written",
                  target_.string());
  }
}

void AtomicFile::commit() {
  require_open("commit");
  try {
    if (durability_ == Durability::DURABLE && ::fsync(fd_) != 0) {
      throw io_error_from_errno("cannot flush to disk", target_, errno);
    }
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) throw io_error_from_errno("cannot close", target_, errno);
    if (::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, target_.filename().c_str()) != 0) {
      throw io_error_from_errno("cannot rename the temporary file over", target_, errno);
    }
    temp_path_.clear();
    temp_name_.clear();
    committed_ = true;
  } catch (...) {
    abandon();
    throw;
  }
  if (durability_ == Durability::DURABLE && ::fsync(dir_fd_) != 0 && errno != EINVAL &&
      errno != EROFS) {
    // As fsync_directory: some file systems refuse fsync on folders.
    throw io_error_from_errno("cannot sync folder", folder_of(target_), errno);
  }
}

void AtomicFile::abandon() noexcept {
  close_quietly(fd_);
  if (!temp_name_.empty() && dir_fd_ >= 0) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  temp_name_.clear();
  temp_path_.clear();
}

void write_file_atomically(const fs::path& path, std::string_view bytes, fs::perms perms,
                           Durability durability) {
  AtomicFile file(path, perms, durability);
  file.write(bytes);
  file.commit();
}

void write_file_atomically(const fs::path& path, std::istream& in, fs::perms perms) {
  AtomicFile file(path, perms);
  file.write_from(in);
  file.commit();
}

void copy_file_atomically(const fs::path& from, const fs::path& to, Durability durability) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw io_error_from_errno("cannot open for copying", from, errno);
  struct Closer {
    int& fd;
    ~Closer() { close_quietly(fd); }
  } closer{in};
  struct stat st {};
  if (::fstat(in, &st) != 0) throw io_error_from_errno("cannot stat", from, errno);
  if (!S_ISREG(st.st_mode)) {
    throw IoError("cannot copy '" + from.string() + "': it is not a regular file" +
                      (S_ISDIR(st.st_mode) ? " but a folder - use a recursive copy" : ""),
                  from.string());
  }
  AtomicFile out(to, static_cast<fs::perms>(st.st_mode & 07777), durability);
  out.write_from_fd(in, from);
  out.commit();
}

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw io_error_from_errno("cannot open folder to sync", dir, errno);
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  // Some file systems (and /proc-like ones) refuse fsync on folders; that is
  // not a failure of the write itself.
  if (rc != 0 && error != EINVAL && error != EROFS) {
    throw io_error_from_errno("cannot sync folder", dir, error);
  }
}

}  // namespace flyte
