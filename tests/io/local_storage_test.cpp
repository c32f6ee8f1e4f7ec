#include "flyte/io/local_storage.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("LocalStorage maps plain paths and file URIs to local paths") {
  CHECK(LocalStorage::to_local_path("/a/b") == fs::path("/a/b"));
  CHECK(LocalStorage::to_local_path("file:///a/b") == fs::path("/a/b"));
  CHECK(LocalStorage::to_local_path("file://localhost/a/b") == fs::path("/a/b"));
  CHECK(LocalStorage::to_local_path("file://rel/x") == fs::path("rel/x"));
  CHECK_THROWS_MATCHES(LocalStorage::to_local_path("s3://b/k"), IoError,
                       MessageContains({"s3", "s3://b/k"}));
}

TEST_CASE("LocalStorage lists files recursively, relative and sorted, skipping staging files") {
  ScopedTempDir dir;
  write_text(dir / "src/b.txt", "b");
  write_text(dir / "src/a/deep/c.txt", "c");
  write_text(dir / "src/.x.flyte-tmp-abcdef", "in flight");
  LocalStorage storage;
  CHECK(storage.list((dir / "src").string()) == Names{"a/deep/c.txt", "b.txt"});
  CHECK(storage.list("file://" + (dir / "src/").string()) == Names{"a/deep/c.txt", "b.txt"});
  CHECK(storage.list((dir / "missing").string()).empty());
  CHECK(storage.list((dir / "src/b.txt").string()).empty());
}

TEST_CASE("LocalStorage put_file and get_file round trip through file URIs, creating folders") {
  ScopedTempDir dir;
  write_text(dir / "in.txt", "payload");
  LocalStorage storage;
  auto remote = "file://" + (dir / "remote/x/y/obj.txt").string();
  storage.put_file(dir / "in.txt", remote);
  CHECK(storage.exists(remote));
  CHECK(storage.read_bytes(remote) == "payload");
  storage.get_file(remote, dir / "down/obj.txt");
  CHECK(read_text(dir / "down/obj.txt") == "payload");
  CHECK(entries_of(dir / "remote/x/y") == Names{"obj.txt"});

  storage.write_bytes((dir / "remote/w/new.bin").string(), "bytes");
  CHECK(read_text(dir / "remote/w/new.bin") == "bytes");
  CHECK_THROWS_MATCHES(storage.read_bytes((dir / "nothing").string()), IoError,
                       MessageContains({(dir / "nothing").string(), "No such file"}));
  CHECK_THROWS_AS(storage.get_file((dir / "nothing").string(), dir / "n"), IoError);
}

TEST_CASE("LocalStorage directory put merges and get copies nested folders") {
  ScopedTempDir dir;
  write_text(dir / "src/top.txt", "1");
  write_text(dir / "src/sub/mid.txt", "2");
  write_text(dir / "src/sub/deeper/leaf.txt", "3");
  write_text(dir / "remote/old.txt", "kept");
  LocalStorage storage;
  storage.put_directory(dir / "src", (dir / "remote").string());
  CHECK(storage.list((dir / "remote").string()) ==
        Names{"old.txt", "sub/deeper/leaf.txt", "sub/mid.txt", "top.txt"});
  storage.get_directory((dir / "remote").string(), dir / "down");
  CHECK(read_text(dir / "down/sub/deeper/leaf.txt") == "3");
  CHECK(read_text(dir / "down/top.txt") == "1");
  CHECK(read_text(dir / "down/old.txt") == "kept");

  storage.get_directory((dir / "absent").string(), dir / "empty");
  CHECK(fs::is_directory(dir / "empty"));
  CHECK(entries_of(dir / "empty").empty());
}

TEST_CASE("LocalStorage get_directory of a dangling link copies nothing, like an absent folder") {
  // A link whose generation was removed under it: looked at again (a writer
  // may just have switched it), then treated as no folder, never an error.
  ScopedTempDir dir;
  fs::create_directory_symlink(dir / "gone-generation", dir / "published");
  LocalStorage storage;
  storage.get_directory((dir / "published").string(), dir / "down");
  CHECK(fs::is_directory(dir / "down"));
  CHECK(entries_of(dir / "down").empty());
}

TEST_CASE("LocalStorage replace_directory publishes exactly the new files, old ones gone") {
  ScopedTempDir dir;
  write_text(dir / "v1/a.txt", "1a");
  write_text(dir / "v1/b/c.txt", "1c");
  write_text(dir / "v2/a.txt", "2a");
  write_text(dir / "v2/d.txt", "2d");
  LocalStorage storage;
  auto dest = (dir / "out/cp").string();

  // A real folder already there (from file puts) is swapped out as a whole.
  write_text(dir / "out/cp/stale.txt", "stale");
  storage.replace_directory(dir / "v1", dest);
  CHECK(storage.list(dest) == Names{"a.txt", "b/c.txt"});
  CHECK(read_text(dir / "out/cp/b/c.txt") == "1c");

  storage.replace_directory(dir / "v2", dest + "/");
  CHECK(storage.list(dest) == Names{"a.txt", "d.txt"});
  CHECK(read_text(dir / "out/cp/a.txt") == "2a");
  // Only the published name and its one current generation remain.
  auto entries = entries_of(dir / "out");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].rfind(".cp.flyte-gen-", 0) == 0);
  CHECK(entries[1] == "cp");
  // Listing the parent shows the files once, under the published name.
  CHECK(storage.list((dir / "out").string()) == Names{"cp/a.txt", "cp/d.txt"});

  // Single-file puts still work inside a published folder.
  storage.write_bytes(dest + "/e.txt", "e");
  CHECK(storage.list(dest) == Names{"a.txt", "d.txt", "e.txt"});

  CHECK(storage.remove(dest));
  CHECK(entries_of(dir / "out").empty());
  CHECK_FALSE(storage.remove(dest));
}

TEST_CASE("LocalStorage replace_directory refuses to replace a file and cleans up") {
  ScopedTempDir dir;
  write_text(dir / "src/a.txt", "a");
  write_text(dir / "out/cp", "a file");
  LocalStorage storage;
  CHECK_THROWS_MATCHES(storage.replace_directory(dir / "src", (dir / "out/cp").string()), IoError,
                       MessageContains({(dir / "out/cp").string(), "a file with that name"}));
  CHECK(entries_of(dir / "out") == Names{"cp"});
  CHECK_THROWS_MATCHES(storage.replace_directory(dir / "missing", (dir / "out/x").string()),
                       IoError, MessageContains({(dir / "missing").string(), "does not exist"}));
}
