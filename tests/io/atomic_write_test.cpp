#include "flyte/io/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <streambuf>

#include "support/message_contains.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using flyte::testing::entries_of;
using flyte::testing::MessageContains;
using flyte::testing::read_text;
using flyte::testing::ScopedTempDir;
using flyte::testing::write_text;
namespace fs = std::filesystem;

namespace {

// Yields `prefix`, then fails as a broken pipe or network stream would.
class FailingBuf : public std::streambuf {
 public:
  explicit FailingBuf(std::string prefix) : prefix_(std::move(prefix)) {
    setg(prefix_.data(), prefix_.data(), prefix_.data() + prefix_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("connection reset"); }

 private:
  std::string prefix_;
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("write_file_atomically writes the bytes and leaves no temporary file") {
  ScopedTempDir dir;
  auto target = dir / "out.bin";
  std::string bytes("a\0b\nc", 5);
  write_file_atomically(target, bytes);
  CHECK(read_text(target) == bytes);
  CHECK(mode_of(target) == 0644);
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"out.bin"});

  write_file_atomically(target, "second", fs::perms(0600));
  CHECK(read_text(target) == "second");
  CHECK(mode_of(target) == 0600);
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"out.bin"});
}

TEST_CASE("write_file_atomically fails with the path and reason when the folder is a file") {
  ScopedTempDir dir;
  write_text(dir / "file", "x");
  auto target = dir / "file" / "child";
  try {
    write_file_atomically(target, "data");
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    std::string message = e.what();
    CHECK_THAT(message, Catch::Contains(target.string()));
    CHECK_THAT(message, Catch::Contains("Not a directory"));
    CHECK(e.error_code() == ENOTDIR);
    CHECK(e.path() == target.string());
  }
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"file"});
  CHECK(read_text(dir / "file") == "x");
}

TEST_CASE("write_file_atomically fails in a missing folder and in a pseudo file system") {
  ScopedTempDir dir;
  auto missing = dir / "nope" / "out.txt";
  CHECK_THROWS_MATCHES(write_file_atomically(missing, "x"), IoError,
                       MessageContains({missing.string(), "No such file or directory"}));
  CHECK(entries_of(dir.path()).empty());

  // /proc refuses new files even for root.
  CHECK_THROWS_AS(write_file_atomically("/proc/flyte-atomic-write-test", "x"), IoError);
  CHECK_FALSE(fs::exists("/proc/flyte-atomic-write-test"));
}

TEST_CASE("An AtomicFile destroyed without commit leaves the target and folder untouched") {
  ScopedTempDir dir;
  auto target = dir / "state.json";
  write_text(target, "old");
  {
    AtomicFile file(target);
    file.write("new content");
    CHECK(file.temp_path().parent_path() == dir.path());
    CHECK(fs::exists(file.temp_path()));
    CHECK(is_atomic_write_temp_name(file.temp_path().filename().string()));
    CHECK(read_text(target) == "old");
  }
  CHECK(read_text(target) == "old");
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"state.json"});
}

TEST_CASE("A stream that fails mid-way leaves the target untouched and no temporary file") {
  ScopedTempDir dir;
  auto target = dir / "out.txt";
  write_text(target, "old");
  FailingBuf buf(std::string(100000, 'x'));
  std::istream in(&buf);
  CHECK_THROWS_MATCHES(write_file_atomically(target, in), IoError,
                       MessageContains({"stream failed"}));
  CHECK(read_text(target) == "old");
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("AtomicFile streams content larger than its buffer and refuses use after commit") {
  ScopedTempDir dir;
  std::string big;
  for (int i = 0; i < 200000; ++i) big += static_cast<char>('a' + i % 26);
  std::istringstream in(big);
  AtomicFile file(dir / "big.txt");
  file.write("head:");
  file.write_from(in);
  file.commit();
  CHECK(file.committed());
  CHECK(file.temp_path().empty());
  CHECK(read_text(dir / "big.txt") == "head:" + big);
  CHECK_THROWS_AS(file.write("more"), IoError);
  CHECK_THROWS_AS(file.commit(), IoError);
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"big.txt"});
}

TEST_CASE("A moved-from AtomicFile no longer owns the temporary file") {
  ScopedTempDir dir;
  AtomicFile first(dir / "a.txt");
  first.write("A");
  AtomicFile second(std::move(first));
  CHECK(first.temp_path().empty());
  second.commit();
  CHECK(read_text(dir / "a.txt") == "A");
}

TEST_CASE("copy_file_atomically copies bytes and permissions and rejects bad sources") {
  ScopedTempDir dir;
  write_text(dir / "src.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(dir / "src.sh", fs::perms(0750));
  copy_file_atomically(dir / "src.sh", dir / "copy.sh");
  CHECK(read_text(dir / "copy.sh") == "#!/bin/sh\necho hi\n");
  CHECK(mode_of(dir / "copy.sh") == 0750);

  CHECK_THROWS_MATCHES(copy_file_atomically(dir / "missing", dir / "x"), IoError,
                       MessageContains({(dir / "missing").string(), "No such file"}));
  fs::create_directory(dir / "folder");
  CHECK_THROWS_MATCHES(copy_file_atomically(dir / "folder", dir / "x"), IoError,
                       MessageContains({"recursive"}));
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"copy.sh", "folder", "src.sh"});
}

TEST_CASE("AtomicFile refuses a target that names a folder") {
  CHECK_THROWS_MATCHES(AtomicFile("/tmp/"), IoError, MessageContains({"names a folder"}));
}

TEST_CASE("An ATOMIC_ONLY write replaces the target and leaves no temporary file") {
  ScopedTempDir dir{"flyte-atomic-only"};
  write_text(dir / "out.pb", "old");
  write_file_atomically(dir / "out.pb", "new bytes", kDefaultFilePerms, Durability::ATOMIC_ONLY);
  CHECK(read_text(dir / "out.pb") == "new bytes");
  CHECK(entries_of(dir.path()) == std::vector<std::string>{"out.pb"});

  AtomicFile file(dir / "out.pb", kDefaultFilePerms, Durability::ATOMIC_ONLY);
  file.write("never committed");
  file.abandon();
  CHECK(read_text(dir / "out.pb") == "new bytes");
}

TEST_CASE("copy_file_atomically copies a multi-chunk file byte for byte, also across folders") {
  ScopedTempDir dir{"flyte-copy-large"};
  std::string content;
  for (int i = 0; content.size() < 300'000; ++i) content += std::to_string(i * 7919) + ',';
  write_text(dir / "src/big.bin", content);
  fs::create_directories(dir / "dst");
  copy_file_atomically(dir / "src/big.bin", dir / "dst/big.bin");
  CHECK(read_text(dir / "dst/big.bin") == content);
  copy_file_atomically(dir / "src/big.bin", dir / "dst/scratch.bin", Durability::ATOMIC_ONLY);
  CHECK(read_text(dir / "dst/scratch.bin") == content);
}

TEST_CASE("write_from_fd appends from the descriptor's current offset to its end") {
  ScopedTempDir dir{"flyte-write-from-fd"};
  write_text(dir / "src.txt", "skip-me:payload");
  const int fd = ::open((dir / "src.txt").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::lseek(fd, 8, SEEK_SET) == 8);
  AtomicFile file(dir / "out.txt");
  file.write("head:");
  file.write_from_fd(fd, dir / "src.txt");
  ::close(fd);
  file.commit();
  CHECK(read_text(dir / "out.txt") == "head:payload");
}

TEST_CASE("An AtomicFile works relative to the folder it opened, whatever a symlink says later") {
  // issue 14.12: the folder path is a symlink that is swapped between the
  // temporary file's creation and the rename.
  ScopedTempDir dir;
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  fs::create_directory_symlink(dir / "a", dir / "link");
  {
    AtomicFile file(dir / "link" / "out.pb");
    file.write("committed");
    fs::remove(dir / "link");
    fs::create_directory_symlink(dir / "b", dir / "link");
    file.commit();
  }
  CHECK(read_text(dir / "a" / "out.pb") == "committed");
  CHECK(entries_of(dir / "a") == std::vector<std::string>{"out.pb"});
  CHECK(entries_of(dir / "b").empty());
  {
    AtomicFile file(dir / "link" / "dropped.pb");
    file.write("never");
    fs::remove(dir / "link");
    fs::create_directory_symlink(dir / "a", dir / "link");
  }  // abandoned: the temporary file in b is removed, not one in a
  CHECK(entries_of(dir / "b").empty());
  CHECK(entries_of(dir / "a") == std::vector<std::string>{"out.pb"});
}
