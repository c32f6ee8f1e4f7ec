#include "flyte/io/file_access.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>

#include "flyte/io/local_storage.hpp"
#include "support/message_contains.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using flyte::testing::entries_of;
using flyte::testing::MessageContains;
using flyte::testing::read_text;
using flyte::testing::ScopedTempDir;
using flyte::testing::write_text;
namespace fs = std::filesystem;
using Names = std::vector<std::string>;

namespace {

// An object store in memory: only the pure virtual methods, so the default
// directory operations are what an S3 backend would get.
class MemoryBackend : public StorageBackend {
 public:
  void get_file(const std::string& uri, const fs::path& local_path) override {
    write_text(local_path, read_bytes(uri));
  }
  void put_file(const fs::path& local_path, const std::string& uri) override {
    write_bytes(uri, read_text(local_path));
  }
  bool exists(const std::string& uri) override {
    std::lock_guard lock(mutex_);
    if (objects_.count(uri)) return true;
    auto it = objects_.lower_bound(uri + "/");
    return it != objects_.end() && it->first.rfind(uri + "/", 0) == 0;
  }
  std::vector<std::string> list(const std::string& uri_prefix) override {
    std::lock_guard lock(mutex_);
    std::string folder = uri_prefix.back() == '/' ? uri_prefix : uri_prefix + "/";
    std::vector<std::string> names;
    for (const auto& [key, value] : objects_) {
      if (key.rfind(folder, 0) == 0) names.push_back(key.substr(folder.size()));
    }
    return names;
  }
  std::string read_bytes(const std::string& uri) override {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(uri);
    if (it == objects_.end()) throw IoError("no object " + uri, uri);
    return it->second;
  }
  void write_bytes(const std::string& uri, std::string_view bytes) override {
    std::lock_guard lock(mutex_);
    objects_[uri] = std::string(bytes);
  }
  bool remove(const std::string& uri) override {
    std::lock_guard lock(mutex_);
    return objects_.erase(uri) > 0;
  }
  std::set<std::string> keys() {
    std::lock_guard lock(mutex_);
    std::set<std::string> keys;
    for (const auto& [key, value] : objects_) keys.insert(key);
    return keys;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
};

}  // namespace

TEST_CASE("FileAccessProvider rejects an unknown scheme, naming it and the supported ones") {
  ScopedTempDir dir;
  FileAccessProvider fap(dir.path(), "gs://bucket/raw");
  CHECK(fap.supported_schemes() == Names{"", "file"});
  CHECK_THROWS_MATCHES(fap.exists("gs://bucket/raw/x"), IoError,
                       MessageContains({"scheme 'gs'", "gs://bucket/raw/x", "local paths",
                                        "file://", "register_backend"}));
  CHECK_THROWS_AS(fap.write_bytes("gs://bucket/k", "x"), IoError);
  CHECK_THROWS_AS(fap.get("s3://bucket/k", dir / "k"), IoError);
}

TEST_CASE("FileAccessProvider tells remote URIs from local ones and joins like flytekit") {
  CHECK(FileAccessProvider::is_remote("s3://b/k"));
  CHECK(FileAccessProvider::is_remote("gs://b"));
  CHECK_FALSE(FileAccessProvider::is_remote("file:///tmp/x"));
  CHECK_FALSE(FileAccessProvider::is_remote("/tmp/x"));
  CHECK_FALSE(FileAccessProvider::is_remote("relative"));
  CHECK(FileAccessProvider::join("s3://b/raw/", "abc", std::string("file.txt")) ==
        "s3://b/raw/abc/file.txt");
  CHECK(FileAccessProvider::join("file:///tmp/", "/x/") == "file:///tmp/x");
  CHECK(FileAccessProvider::join("/a/b/") == "/a/b");
}

TEST_CASE("FileAccessProvider round trips files and nested folders through local and file URIs") {
  ScopedTempDir dir;
  FileAccessProvider fap(dir / "sandbox", (dir / "raw").string());
  write_text(dir / "data/f.txt", "file");
  write_text(dir / "data/n1/n2/g.txt", "nested");

  auto remote_file = "file://" + (dir / "remote/one/f.txt").string();
  fap.put(dir / "data/f.txt", remote_file);
  CHECK(fap.exists(remote_file));
  fap.get(remote_file, dir / "back/f.txt");
  CHECK(read_text(dir / "back/f.txt") == "file");

  auto remote_dir = (dir / "remote/tree").string();
  CHECK_THROWS_MATCHES(fap.put(dir / "data", remote_dir), IoError,
                       MessageContains({(dir / "data").string(), "recursive"}));
  fap.put(dir / "data", remote_dir, /*recursive=*/true);
  CHECK(fap.list(remote_dir) == Names{"f.txt", "n1/n2/g.txt"});
  fap.get("file://" + remote_dir, dir / "tree-back", /*recursive=*/true);
  CHECK(read_text(dir / "tree-back/n1/n2/g.txt") == "nested");
  CHECK(read_text(dir / "tree-back/f.txt") == "file");

  CHECK_THROWS_MATCHES(fap.get((dir / "remote/none").string(), dir / "x", true), IoError,
                       MessageContains({(dir / "remote/none").string(), "does not exist"}));

  fap.write_bytes((dir / "remote/bytes.bin").string(), std::string("\0\1", 2));
  CHECK(fap.read_bytes("file://" + (dir / "remote/bytes.bin").string()) == std::string("\0\1", 2));
  CHECK(entries_of(dir / "remote") == Names{"bytes.bin", "one", "tree"});
}

TEST_CASE("FileAccessProvider makes random local and remote paths under its roots") {
  ScopedTempDir dir;
  FileAccessProvider fap(dir / "sandbox", "s3://bucket/raw/");
  auto a = fap.get_random_local_path();
  auto b = fap.get_random_local_path("/some/where/name.csv");
  CHECK(a.parent_path() == dir / "sandbox");
  CHECK(a.filename().string().size() == 32);
  CHECK(b.filename() == "name.csv");
  CHECK(b.parent_path().parent_path() == dir / "sandbox");
  CHECK(a != fap.get_random_local_path());
  CHECK_FALSE(fs::exists(a));

  auto d = fap.get_random_local_directory();
  CHECK(fs::is_directory(d));
  CHECK(entries_of(d).empty());

  auto r = fap.get_random_remote_path();
  CHECK(r.rfind("s3://bucket/raw/", 0) == 0);
  CHECK(r.size() == std::string("s3://bucket/raw/").size() + 32);
  CHECK(fap.get_random_remote_path("s3://x/y/z.parquet").find("/z.parquet") != std::string::npos);
  CHECK(fap.raw_output_prefix() == "s3://bucket/raw/");
  CHECK(fap.local_sandbox_dir() == dir / "sandbox");
}

TEST_CASE("A registered backend gets folder transfers built from its file operations") {
  ScopedTempDir dir;
  FileAccessProvider fap(dir / "sandbox", "mem://bucket/raw");
  auto mem = std::make_shared<MemoryBackend>();
  fap.register_backend("MEM", mem);
  CHECK(fap.supported_schemes() == Names{"", "file", "mem"});
  CHECK(fap.backend_for("mem://bucket/x") == mem);

  write_text(dir / "up/a.txt", "A");
  write_text(dir / "up/sub/b.txt", "B");
  fap.put(dir / "up", "mem://bucket/dir/", /*recursive=*/true);
  CHECK(mem->keys() ==
        std::set<std::string>{"mem://bucket/dir/a.txt", "mem://bucket/dir/sub/b.txt"});
  fap.get("mem://bucket/dir", dir / "down", /*recursive=*/true);
  CHECK(read_text(dir / "down/sub/b.txt") == "B");

  // replace_directory's default removes what the new folder does not have.
  fs::remove(dir / "up/sub/b.txt");
  write_text(dir / "up/c.txt", "C");
  fap.replace_directory(dir / "up", "mem://bucket/dir");
  CHECK(mem->keys() == std::set<std::string>{"mem://bucket/dir/a.txt", "mem://bucket/dir/c.txt"});
  CHECK_THROWS_AS(fap.register_backend("x", nullptr), IoError);
}
