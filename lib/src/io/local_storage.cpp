#include "flyte/io/local_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <system_error>

#include "flyte/io/atomic_write.hpp"
#include "flyte/io/uri.hpp"

namespace flyte {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kGenMarker = ".flyte-gen-";
constexpr std::string_view kLinkMarker = ".flyte-link-";
// A snapshot copy retries this often when the folder keeps being replaced
// under it; each retry means a writer published a whole new generation.
constexpr int kMaxSnapshotAttempts = 100;

fs::path folder_of(const fs::path& path) {
  auto parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

void create_folders(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw io_error_from_errno("cannot create folder", dir, ec.value());
}

// "/a/b/" -> "/a/b", so that filename() names the folder itself.
fs::path without_trailing_separator(fs::path path) {
  auto s = path.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

bool is_generation_of(const fs::path& target, const std::string& name) {
  auto target_name = target.string();
  auto expected = "." + name + std::string(kGenMarker);
  return target.parent_path().empty() && target_name.rfind(expected, 0) == 0;
}

void sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error_from_errno("cannot open to flush to disk", path, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw io_error_from_errno("cannot flush to disk", path, error);
}

// Asks the kernel to start writing the file's dirty pages now, without
// waiting. Issued right after each copy, the device works while the next file
// is copied, so the fsync pass before publication mostly finds clean pages.
// Only a hint: where it is not supported the fsync pass does all the work.
void start_writeback(const fs::path& path) noexcept {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  ::close(fd);
}

void remove_quietly(const fs::path& path) noexcept {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace

bool is_local_staging_name(std::string_view file_name) {
  if (file_name.empty() || file_name.front() != '.') return false;
  return is_atomic_write_temp_name(file_name) ||
         file_name.find(kGenMarker) != std::string_view::npos ||
         file_name.find(kLinkMarker) != std::string_view::npos;
}

std::vector<std::string> list_local_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    bool exists = fs::exists(dir, ec);
    throw IoError("cannot list '" + dir.string() +
                      "': " + (exists ? "it is not a folder" : "it does not exist"),
                  dir.string(), exists ? ENOTDIR : ENOENT);
  }
  std::vector<std::string> names;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec);
  if (ec) throw io_error_from_errno("cannot list folder", dir, ec.value());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (is_local_staging_name(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    names.push_back(it->path().lexically_relative(dir).generic_string());
  }
  if (ec) throw io_error_from_errno("cannot list folder", dir, ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

fs::path LocalStorage::to_local_path(const std::string& uri) {
  auto scheme = uri_scheme(uri);
  if (scheme.empty()) return fs::path(uri);
  if (scheme != "file") {
    throw IoError("local storage cannot handle '" + uri + "': scheme '" + scheme +
                      "' is not a local path (expected a plain path or file://)",
                  uri);
  }
  std::string_view rest = uri_without_scheme(uri);
  constexpr std::string_view kLocalhost = "localhost/";
  if (rest.rfind(kLocalhost, 0) == 0) rest.remove_prefix(kLocalhost.size() - 1);
  if (rest.empty()) {
    throw IoError("'" + uri + "' names no path; write file:///absolute/path", uri);
  }
  return fs::path(std::string(rest));
}

void LocalStorage::get_file(const std::string& uri, const fs::path& local_path) {
  auto source = to_local_path(uri);
  create_folders(local_path.parent_path());
  // A download is a scratch copy of data that stays durable at its source.
  copy_file_atomically(source, local_path, Durability::ATOMIC_ONLY);
}

void LocalStorage::put_file(const fs::path& local_path, const std::string& uri) {
  auto destination = to_local_path(uri);
  create_folders(destination.parent_path());
  copy_file_atomically(local_path, destination);
}

bool LocalStorage::exists(const std::string& uri) {
  std::error_code ec;
  return fs::exists(to_local_path(uri), ec);
}

std::vector<std::string> LocalStorage::list(const std::string& uri_prefix) {
  auto dir = to_local_path(uri_prefix);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  return list_local_files(dir);
}

std::string LocalStorage::read_bytes(const std::string& uri) {
  return read_bytes_at_most(uri, std::numeric_limits<std::uint64_t>::max());
}

std::string LocalStorage::read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes) {
  auto path = to_local_path(uri);
  // O_NONBLOCK: opening a fifo must not wait for a writer before we can
  // refuse it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw io_error_from_errno("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    throw io_error_from_errno("cannot examine", path, error);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw IoError(
        "refusing to read '" + path.string() + "': it is " +
            (S_ISDIR(st.st_mode) ? "a folder" : "not a regular file (a fifo, socket or device)") +
            "; expected a file",
        path.string(), S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw IoError("'" + path.string() + "' holds " + std::to_string(st.st_size) +
                      " bytes, more than the " + std::to_string(max_bytes) + " expected",
                  path.string(), EFBIG);
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string content;
  std::array<char, 1 << 16> buffer;
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      throw io_error_from_errno("cannot read", path, error);
    }
    if (n == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(n));
    if (content.size() > max_bytes) {  // it grew while being read
      ::close(fd);
      throw IoError("'" + path.string() + "' grew beyond the " + std::to_string(max_bytes) +
                        " bytes expected while being read",
                    path.string(), EFBIG);
    }
  }
  ::close(fd);
  return content;
}

void LocalStorage::write_bytes(const std::string& uri, std::string_view bytes) {
  auto path = to_local_path(uri);
  create_folders(path.parent_path());
  write_file_atomically(path, bytes);
}

bool LocalStorage::remove(const std::string& uri) {
  auto path = without_trailing_separator(to_local_path(uri));
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status)) return false;
  if (fs::is_symlink(status)) {
    auto target = fs::read_symlink(path, ec);
    if (!ec && is_generation_of(target, path.filename().string())) {
      fs::remove(path, ec);
      if (ec) throw io_error_from_errno("cannot remove", path, ec.value());
      remove_quietly(folder_of(path) / target);
      return true;
    }
  }
  fs::remove_all(path, ec);
  if (ec) throw io_error_from_errno("cannot remove", path, ec.value());
  return true;
}

void LocalStorage::get_directory(const std::string& uri_prefix, const fs::path& local_dir) {
  auto source = to_local_path(uri_prefix);
  create_folders(local_dir);
  // Files written by attempts that turned out to span two generations; the
  // successful attempt removes those it did not write again.
  std::set<std::string> written_before;
  auto finish = [&](const std::vector<std::string>& names) {
    std::set<std::string> now(names.begin(), names.end());
    for (const auto& name : written_before) {
      if (!now.count(name)) remove_quietly(local_dir / fs::path(name));
    }
  };
  for (int attempt = 1;; ++attempt) {
    std::error_code ec;
    auto before = fs::canonical(source, ec);
    if (ec || !fs::is_directory(before, ec)) {
      // Resolving a symlink is not atomic: a writer may switch it and remove
      // the generation it pointed to between our reading the link and
      // looking at its target. A link that is still there means "look again";
      // only a path that is gone (or a link that stays dangling) means no
      // checkpoint.
      std::error_code link_ec;
      if (fs::is_symlink(fs::symlink_status(source, link_ec)) && attempt < kMaxSnapshotAttempts) {
        continue;
      }
      finish({});
      return;
    }
    std::vector<std::string> names;
    try {
      names = list_local_files(before);
      for (const auto& name : names) {
        // Names of a real folder tree are always safe; checked all the same
        // so that every backend's folder download has one rule.
        auto checked = local_path_for_listed_name(local_dir, name, uri_prefix);
        if (!checked) continue;
        const auto& to = *checked;
        create_folders(to.parent_path());
        copy_file_atomically(before / fs::path(name), to, Durability::ATOMIC_ONLY);
      }
    } catch (const IoError&) {
      written_before.insert(names.begin(), names.end());
      auto now = fs::canonical(source, ec);
      if ((!ec && now == before) || attempt >= kMaxSnapshotAttempts) throw;
      continue;
    }
    auto after = fs::canonical(source, ec);
    if (!ec && after == before) {
      finish(names);
      return;
    }
    written_before.insert(names.begin(), names.end());
    if (attempt >= kMaxSnapshotAttempts) {
      throw IoError("cannot copy a consistent snapshot of '" + source.string() + "': it was " +
                        "replaced " + std::to_string(attempt) +
                        " times while being copied; stop the writer or retry later",
                    source.string());
    }
  }
}

void LocalStorage::replace_directory(const fs::path& local_dir, const std::string& uri_prefix) {
  auto destination = without_trailing_separator(to_local_path(uri_prefix));
  auto name = destination.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw IoError(
        "cannot publish a folder at '" + uri_prefix + "': give a folder path that ends in a name",
        uri_prefix);
  }
  auto names = list_local_files(local_dir);
  auto parent = folder_of(destination);
  create_folders(parent);

  std::string templ = (parent / ("." + name + std::string(kGenMarker) + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    throw io_error_from_errno("cannot create a staging folder next to", destination, errno);
  }
  fs::path generation = templ;
  auto suffix = generation.filename().string().substr(name.size() + 1 + kGenMarker.size());
  fs::path link = parent / ("." + name + std::string(kLinkMarker) + suffix);
  bool published = false;
  try {
    // The generation folder is private until published, so its files need no
    // rename-per-file or folder sync each: copy them all, then make them and
    // their folders durable at once before the switch (bench/README.md).
    std::set<fs::path> folders{generation};
    for (const auto& file : names) {
      auto to = generation / fs::path(file);
      create_folders(to.parent_path());
      copy_file_atomically(local_dir / fs::path(file), to, Durability::ATOMIC_ONLY);
      start_writeback(to);
      // Every folder between the file and the generation holds a new entry.
      for (auto folder = to.parent_path(); folder != generation; folder = folder.parent_path()) {
        folders.insert(folder);
      }
    }
    for (const auto& file : names) sync_file(generation / fs::path(file));
    for (const auto& folder : folders) fsync_directory(folder);
    ::chmod(generation.c_str(), 0755);
    std::error_code ec;
    fs::create_symlink(generation.filename(), link, ec);
    if (ec) throw io_error_from_errno("cannot create a symlink next to", destination, ec.value());

    struct stat st {};
    bool present = ::lstat(destination.c_str(), &st) == 0;
    if (present && !S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode)) {
      throw IoError("cannot publish a folder at '" + destination.string() +
                        "': a file with that name exists; remove it or choose another path",
                    destination.string(), EEXIST);
    }
    if (present && S_ISDIR(st.st_mode)) {
      // A real folder (written by put_file/put_directory): swap it with the
      // symlink in one step, then delete it under the symlink's old name.
      if (::renameat2(AT_FDCWD, link.c_str(), AT_FDCWD, destination.c_str(), RENAME_EXCHANGE) ==
          0) {
        published = true;
        remove_quietly(link);
      } else if (errno == EINVAL || errno == ENOSYS) {
        // No RENAME_EXCHANGE on this file system: move the old folder aside
        // first; readers may briefly find no folder (never a mixed one).
        fs::path aside = parent / ("." + name + std::string(kLinkMarker) + suffix + ".old");
        if (::rename(destination.c_str(), aside.c_str()) != 0) {
          throw io_error_from_errno("cannot move aside the folder", destination, errno);
        }
        if (::rename(link.c_str(), destination.c_str()) != 0) {
          int error = errno;
          ::rename(aside.c_str(), destination.c_str());
          throw io_error_from_errno("cannot publish the folder", destination, error);
        }
        published = true;
        remove_quietly(aside);
      } else {
        throw io_error_from_errno("cannot publish the folder", destination, errno);
      }
    } else {
      fs::path previous;
      if (present) previous = fs::read_symlink(destination, ec);
      if (::rename(link.c_str(), destination.c_str()) != 0) {
        throw io_error_from_errno("cannot publish the folder", destination, errno);
      }
      published = true;
      if (!previous.empty() && is_generation_of(previous, name)) remove_quietly(parent / previous);
    }
    fsync_directory(parent);
  } catch (...) {
    if (!published) {
      remove_quietly(generation);
      remove_quietly(link);
    }
    throw;
  }
}

}  // namespace flyte
