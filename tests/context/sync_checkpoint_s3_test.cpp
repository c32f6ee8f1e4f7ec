// SyncCheckpoint on a real S3 server (s3rver, started by scripts/test.sh):
// folder checkpoints are published as a generation plus a pointer object
// written last, so an interrupted save never leaves a mix of two saves.
#include <catch2/catch.hpp>
#include <map>

#include "flyte/context/sync_checkpoint.hpp"
#include "flyte/io/s3_storage.hpp"
#include "flyte/io/storage_backend.hpp"
#include "support/s3_test_server.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using namespace flyte::testing;
namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

namespace {

struct S3Fixture {
  ScopedTempDir dir{"flyte-checkpoint-s3"};
  std::shared_ptr<FileAccessProvider> fap = make_fap();
  std::string dest = s3_test_prefix("checkpoint") + "/_flytecheckpoints";

  std::shared_ptr<FileAccessProvider> make_fap() const {
    auto access = std::make_shared<FileAccessProvider>(dir / "sandbox", "");
    S3Config config;
    config.endpoint = s3_test_endpoint();
    config.access_key = kS3TestKey;
    config.secret_key = kS3TestSecret;
    config.addressing_style = S3AddressingStyle::PATH;
    access->register_backend("s3", std::make_shared<S3Storage>(config));
    return access;
  }

  Files restore_in_next_attempt(const std::string& tag) const {
    SyncCheckpoint next(fap, dest + "-next", dest, dir / tag);
    auto restored = next.restore();
    REQUIRE(restored);
    Files files;
    for (const auto& entry : fs::recursive_directory_iterator(*restored)) {
      if (entry.is_regular_file()) {
        files[entry.path().lexically_relative(*restored).generic_string()] =
            read_text(entry.path());
      }
    }
    return files;
  }
};

}  // namespace

TEST_CASE("S3 checkpoints: a folder save publishes a generation, then the pointer, last") {
  S3Fixture f;
  write_text(f.dir / "v1/weights.bin", "w1");
  write_text(f.dir / "v1/opt/state.bin", "s1");
  write_text(f.dir / "v2/weights.bin", "w2");
  SyncCheckpoint cp(f.fap, f.dest);
  cp.save(f.dir / "v1");
  CHECK(f.restore_in_next_attempt("r1") == Files{{"opt/state.bin", "s1"}, {"weights.bin", "w1"}});
  cp.save(f.dir / "v2");
  CHECK(f.restore_in_next_attempt("r2") == Files{{"weights.bin", "w2"}});
  // One generation and the pointer naming it; the old generation is gone.
  const auto names = f.fap->list(f.dest);
  REQUIRE(names.size() == 2);
  const std::string generation = f.fap->read_bytes(f.dest + "/.flyte-generation");
  CHECK(names[1] == ".flyte-generation");  // sorted: "-" before "e"
  CHECK(names[0] == generation + "/weights.bin");
  // A file saved after the folder joins it, as it would locally.
  write_text(f.dir / "extra.txt", "x");
  cp.save(f.dir / "extra.txt");
  CHECK(f.restore_in_next_attempt("r3") == Files{{"extra.txt", "x"}, {"weights.bin", "w2"}});
}

TEST_CASE("S3 checkpoints: a save killed before the pointer switch leaves the previous one") {
  S3Fixture f;
  write_text(f.dir / "v1/a.bin", "a1");
  write_text(f.dir / "v1/b.bin", "b1");
  SyncCheckpoint cp(f.fap, f.dest);
  cp.save(f.dir / "v1");
  // What a pod killed mid-upload of the next save leaves: part of a new
  // generation, no pointer switch.
  const std::string half = "/.flyte-gen-" + std::string(32, 'e');
  f.fap->write_bytes(f.dest + half + "/a.bin", "a2");
  CHECK(f.restore_in_next_attempt("r") == Files{{"a.bin", "a1"}, {"b.bin", "b1"}});
}

TEST_CASE("S3 checkpoints: plain folders of older runs restore, without generation leftovers") {
  S3Fixture f;
  write_text(f.dir / "a.txt", "A");
  independent_put(f.dest + "/a.txt", (f.dir / "a.txt").string());
  independent_put(f.dest + "/sub/b.txt", (f.dir / "a.txt").string());
  // An interrupted save of a newer run on top: ignored, never mixed in.
  independent_put(f.dest + "/.flyte-gen-" + std::string(32, '0') + "/junk",
                  (f.dir / "a.txt").string());
  CHECK(f.restore_in_next_attempt("r") == Files{{"a.txt", "A"}, {"sub/b.txt", "A"}});
  // write() (single-file checkpoints) stays a plain object, as flytekit's.
  SyncCheckpoint cp(f.fap, f.dest + "-single");
  cp.write("17");
  CHECK(f.fap->list(f.dest + "-single") == std::vector<std::string>{"_dst_cp"});
  SyncCheckpoint next(f.fap, f.dest + "-other", f.dest + "-single", f.dir / "single");
  CHECK(next.read() == std::string("17"));
}

TEST_CASE("S3 checkpoints: a pointer naming anything but a generation is refused") {
  S3Fixture f;
  const std::vector<std::string> pointers{"../../other-run/_flytecheckpoints", ".flyte-gen-XYZ",
                                          ""};
  int round = 0;
  for (const auto& bad : pointers) {
    INFO("pointer: " << bad);
    f.fap->write_bytes(f.dest + "/.flyte-generation", bad);
    SyncCheckpoint next(f.fap, f.dest + "-next", f.dest, f.dir / "r" / std::to_string(++round));
    CHECK_THROWS_AS(next.restore(), UnsafeObjectKeyError);
  }
}
