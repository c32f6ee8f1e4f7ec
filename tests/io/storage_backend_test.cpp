// The folder-download rule every backend shares: a listed name is stored
// under the local folder or refused, never joined onto it unchecked.
#include "flyte/io/storage_backend.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "flyte/io/file_access.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

/// A backend whose listing is whatever the test says (a hostile or broken
/// store); objects hold their own name.
class ListingBackend : public StorageBackend {
 public:
  explicit ListingBackend(std::vector<std::string> names) : names_(std::move(names)) {}
  void get_file(const std::string& uri, const fs::path& local_path) override {
    fs::create_directories(local_path.parent_path());
    std::ofstream(local_path) << uri;
    fetched.push_back(uri);
  }
  void put_file(const fs::path&, const std::string&) override {}
  bool exists(const std::string&) override { return true; }
  std::vector<std::string> list(const std::string&) override { return names_; }
  std::string read_bytes(const std::string& uri) override { return uri; }
  void write_bytes(const std::string&, std::string_view) override {}
  std::vector<std::string> fetched;

 private:
  std::vector<std::string> names_;
};

}  // namespace

TEST_CASE("listed names that would leave the local folder are refused, naming the key") {
  const fs::path dir = "/work/target";
  const std::vector<std::string> refused{
      "../x", "a/../../x", "/etc/passwd",          "//host/x",           "a//b", "./a", "a/.", "..",
      ".",    "",          std::string("a\0b", 3), std::string(256, 'n')};
  for (const auto& bad : refused) {
    INFO("name: " << bad);
    CHECK_THROWS_AS(local_path_for_listed_name(dir, bad, "s3://b/p"), UnsafeObjectKeyError);
  }
  CHECK_THROWS_WITH(local_path_for_listed_name(dir, "a/../../x", "s3://b/p"),
                    Catch::Contains("'a/../../x'") && Catch::Contains("s3://b/p") &&
                        Catch::Contains("'..' segment"));
  CHECK_THROWS_WITH(local_path_for_listed_name(dir, std::string("a\0b", 3), "s3://b/p"),
                    Catch::Contains("a\\0b"));
  CHECK(local_path_for_listed_name(dir, "a/b.txt", "s3://b/p") == dir / "a" / "b.txt");
  CHECK(local_path_for_listed_name(dir, "..a/b..", "s3://b/p") == dir / "..a" / "b..");
  CHECK(local_path_for_listed_name(dir, std::string(255, 'n'), "s3://b/p") ==
        dir / std::string(255, 'n'));
  // Folder markers hold no file: skipped, but their segments are still checked.
  CHECK_FALSE(local_path_for_listed_name(dir, "sub/", "s3://b/p"));
  CHECK_THROWS_AS(local_path_for_listed_name(dir, "../", "s3://b/p"), UnsafeObjectKeyError);
}

TEST_CASE("the default folder download checks every name before fetching any") {
  ScopedTempDir dir("flyte-listing");
  auto backend = std::make_shared<ListingBackend>(
      std::vector<std::string>{"a.txt", "sub/b.txt", "../../escaped.txt"});
  FileAccessProvider access(dir / "sandbox", "");
  access.register_backend("mem", backend);
  CHECK_THROWS_WITH(access.get("mem://store/p", dir / "in" / "target", true),
                    Catch::Contains("'../../escaped.txt'"));
  CHECK(backend->fetched.empty());
  CHECK_FALSE(fs::exists(dir / "escaped.txt"));
  CHECK_FALSE(fs::exists(dir / "in" / "target" / "a.txt"));

  auto safe =
      std::make_shared<ListingBackend>(std::vector<std::string>{"a.txt", "sub/", "sub/b.txt"});
  access.register_backend("mem", safe);
  access.get("mem://store/p", dir / "ok", true);
  CHECK(safe->fetched ==
        std::vector<std::string>{"mem://store/p/a.txt", "mem://store/p/sub/b.txt"});
  CHECK(fs::is_regular_file(dir / "ok" / "sub" / "b.txt"));
}
