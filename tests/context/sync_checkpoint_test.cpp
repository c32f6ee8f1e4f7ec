#include "flyte/context/sync_checkpoint.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

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

struct Fixture {
  ScopedTempDir dir{"flyte-checkpoint-test"};
  std::shared_ptr<FileAccessProvider> fap =
      std::make_shared<FileAccessProvider>(dir / "sandbox", (dir / "raw").string());
  std::string dest = (dir / "raw/_flytecheckpoints").string();
};

// Every file under `dir`, relative, with its content.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[entry.path().lexically_relative(dir).generic_string()] = read_text(entry.path());
    }
  }
  return files;
}

}  // namespace

TEST_CASE("Unrendered templates and empty values mean no previous checkpoint or no destination") {
  using C = SyncCheckpoint;
  CHECK_FALSE(C::normalize_prev_checkpoint(std::nullopt));
  CHECK_FALSE(C::normalize_prev_checkpoint(""));
  CHECK_FALSE(C::normalize_prev_checkpoint("  "));
  CHECK_FALSE(C::normalize_prev_checkpoint("\"\""));
  CHECK_FALSE(C::normalize_prev_checkpoint("{{.prevCheckpointPrefix}}"));
  CHECK(C::normalize_prev_checkpoint("s3://b/cp") == std::string("s3://b/cp"));
  CHECK_FALSE(C::normalize_checkpoint_dest(""));
  CHECK_FALSE(C::normalize_checkpoint_dest("{{.checkpointOutputPrefix}}"));
  CHECK(C::normalize_checkpoint_dest("/tmp/cp") == std::string("/tmp/cp"));

  Fixture f;
  CHECK_THROWS_MATCHES(SyncCheckpoint(f.fap, "{{.checkpointOutputPrefix}}"), CheckpointError,
                       MessageContains({"{{.checkpointOutputPrefix}}", "--checkpoint-path"}));
  CHECK_THROWS_AS(SyncCheckpoint(nullptr, f.dest), CheckpointError);
}

TEST_CASE("Without a previous checkpoint, restore and read give nothing") {
  Fixture f;
  for (std::optional<std::string> prev :
       {std::optional<std::string>{}, std::optional<std::string>{""},
        std::optional<std::string>{"{{.prevCheckpointPrefix}}"}}) {
    SyncCheckpoint cp(f.fap, f.dest, prev);
    CHECK_FALSE(cp.prev_exists());
    CHECK_FALSE(cp.prev_checkpoint_src());
    CHECK_FALSE(cp.restore());
    CHECK_FALSE(cp.restore(f.dir / "somewhere"));
    CHECK_FALSE(cp.read());
    CHECK_FALSE(fs::exists(f.dir / "somewhere"));
  }
}

TEST_CASE("restore downloads once into prev_cp under the working folder and caches the path") {
  Fixture f;
  write_text(f.dir / "prev/model.bin", "weights");
  write_text(f.dir / "prev/nested/state.json", "{}");

  SECTION("a given working folder") {
    SyncCheckpoint cp(f.fap, f.dest, (f.dir / "prev").string(), f.dir / "work");
    CHECK(cp.prev_exists());
    auto restored = cp.restore();
    REQUIRE(restored);
    CHECK(*restored == f.dir / "work" / "prev_cp");
    CHECK(files_of(*restored) == std::map<std::string, std::string>{{"model.bin", "weights"},
                                                                    {"nested/state.json", "{}"}});
    // Later calls return the first download, even with another folder.
    write_text(f.dir / "prev/model.bin", "changed");
    CHECK(cp.restore(f.dir / "other") == restored);
    CHECK_FALSE(fs::exists(f.dir / "other"));
    CHECK(read_text(*restored / "model.bin") == "weights");
  }
  SECTION("the provider's random sandbox folder") {
    SyncCheckpoint cp(f.fap, f.dest, "file://" + (f.dir / "prev").string());
    auto restored = cp.restore();
    REQUIRE(restored);
    CHECK(restored->filename() == "prev_cp");
    CHECK(restored->parent_path().parent_path() == f.dir / "sandbox");
    CHECK(read_text(*restored / "nested/state.json") == "{}");
  }
}

TEST_CASE("restore into a given folder creates it, and refuses a file") {
  Fixture f;
  write_text(f.dir / "prev/a.txt", "a");
  SyncCheckpoint cp(f.fap, f.dest, (f.dir / "prev").string());
  write_text(f.dir / "a-file", "x");
  CHECK_THROWS_MATCHES(cp.restore(f.dir / "a-file"), CheckpointError,
                       MessageContains({"directory only", (f.dir / "a-file").string()}));
  auto restored = cp.restore(f.dir / "given/dir");
  REQUIRE(restored);
  CHECK(*restored == f.dir / "given/dir");
  CHECK(read_text(f.dir / "given/dir/a.txt") == "a");
}

TEST_CASE("read returns the single file of the previous checkpoint and rejects several") {
  Fixture f;
  write_text(f.dir / "one/only.bin", std::string("\0state", 6));
  SyncCheckpoint single(f.fap, f.dest, (f.dir / "one").string());
  CHECK(single.read() == std::string("\0state", 6));

  write_text(f.dir / "two/a", "a");
  write_text(f.dir / "two/b", "b");
  SyncCheckpoint two(f.fap, f.dest, (f.dir / "two").string());
  CHECK_THROWS_MATCHES(two.read(), CheckpointError,
                       MessageContains({"Expected exactly one checkpoint - found 2", "restore()"}));

  // Given but never written (the previous attempt saved nothing): empty.
  SyncCheckpoint empty(f.fap, f.dest, (f.dir / "never-written").string());
  CHECK(empty.prev_exists());
  CHECK_FALSE(empty.read());
  auto restored = empty.restore();
  REQUIRE(restored);
  CHECK(entries_of(*restored).empty());
}

TEST_CASE("write saves _dst_cp, overwriting, and the next attempt reads it back") {
  Fixture f;
  SyncCheckpoint first(f.fap, f.dest);
  first.write("epoch 1");
  first.write("epoch 2");
  CHECK(entries_of(f.dest) == Names{"_dst_cp"});
  CHECK(read_text(fs::path(f.dest) / "_dst_cp") == "epoch 2");

  SyncCheckpoint next(f.fap, (f.dir / "raw/attempt2").string(), f.dest);
  CHECK(next.read() == std::string("epoch 2"));
}

TEST_CASE("save of a folder makes the checkpoint exactly that folder's files") {
  Fixture f;
  write_text(f.dir / "v1/weights.bin", "w1");
  write_text(f.dir / "v1/opt/state.bin", "s1");
  write_text(f.dir / "v2/weights.bin", "w2");
  SyncCheckpoint cp(f.fap, f.dest);
  cp.save(f.dir / "v1");
  CHECK(f.fap->list(f.dest) == Names{"opt/state.bin", "weights.bin"});
  cp.save(f.dir / "v2");
  CHECK(f.fap->list(f.dest) == Names{"weights.bin"});

  SyncCheckpoint next(f.fap, (f.dir / "raw/attempt2").string(), f.dest);
  auto restored = next.restore();
  REQUIRE(restored);
  CHECK(files_of(*restored) == std::map<std::string, std::string>{{"weights.bin", "w2"}});
  CHECK(next.read() == std::string("w2"));

  CHECK_THROWS_MATCHES(cp.save(f.dir / "missing"), CheckpointError,
                       MessageContains({(f.dir / "missing").string(), "no such file"}));
}

TEST_CASE("save of a file adds it under its own name and save of a stream writes _dst_cp") {
  Fixture f;
  write_text(f.dir / "local/progress.json", "{\"step\": 7}");
  SyncCheckpoint cp(f.fap, "file://" + f.dest, std::nullopt, f.dir / "work");
  cp.save(f.dir / "local/progress.json");
  std::string big(300000, 'z');
  std::istringstream stream(big);
  cp.save(stream);
  CHECK(f.fap->list(f.dest) == Names{"_dst_cp", "progress.json"});
  CHECK(read_text(fs::path(f.dest) / "progress.json") == "{\"step\": 7}");
  CHECK(read_text(fs::path(f.dest) / "_dst_cp") == big);
  // The staged copy of the stream is gone.
  CHECK(entries_of(f.dir / "work").empty());
}

TEST_CASE("A reader restoring while a writer saves multi-file checkpoints never sees a mix") {
  Fixture f;
  constexpr int kGenerations = 120;
  constexpr int kHandshakeEvery = 10;
  const Names names{"a.bin", "b.bin", "sub/c.bin"};
  auto content = [](int gen, const std::string& name) {
    std::string line = "generation " + std::to_string(gen) + " " + name + "\n";
    std::string text;
    while (text.size() < 32 * 1024) text += line;
    return text;
  };
  for (int gen = 1; gen <= kGenerations; ++gen) {
    for (const auto& name : names)
      write_text(f.dir / ("src" + std::to_string(gen)) / name, content(gen, name));
  }

  SyncCheckpoint writer_cp(f.fap, f.dest);
  writer_cp.write("generation 0");  // The destination starts as a real folder.

  std::atomic<int> reads{0};
  std::atomic<bool> done{false};
  std::string writer_error;
  std::thread writer([&] {
    try {
      for (int gen = 1; gen <= kGenerations; ++gen) {
        writer_cp.save(f.dir / ("src" + std::to_string(gen)));
        if (gen % kHandshakeEvery == 0) {
          // Let at least one read happen after this publication.
          int seen = reads.load();
          while (reads.load() == seen) std::this_thread::yield();
        }
      }
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
    done = true;
  });

  int last_gen = 0;
  int distinct = 0;
  std::vector<std::string> torn;
  for (int i = 0; !done.load() || i < 1; ++i) {
    auto target = f.dir / ("read" + std::to_string(i));
    SyncCheckpoint reader(f.fap, (f.dir / "raw/next").string(), f.dest);
    auto restored = reader.restore(target);
    auto files = files_of(*restored);
    int gen = -1;
    if (files == std::map<std::string, std::string>{{"_dst_cp", "generation 0"}}) {
      gen = 0;
    } else if (files.size() == names.size()) {
      auto first = files.begin()->second;
      gen = std::stoi(first.substr(std::string("generation ").size()));
      for (const auto& name : names) {
        if (files[name] != content(gen, name)) gen = -1;
      }
    }
    if (gen < 0 || gen < last_gen) {
      std::string summary;
      for (const auto& [name, text] : files) summary += name + "=" + text.substr(0, 16) + "; ";
      torn.push_back(summary);
    }
    if (gen > last_gen) ++distinct;
    if (gen >= 0) last_gen = std::max(last_gen, gen);
    fs::remove_all(target);
    ++reads;
  }
  writer.join();
  INFO("distinct generations observed: " << distinct);
  CHECK(writer_error.empty());
  CHECK(torn.empty());
  CHECK(distinct >= kGenerations / kHandshakeEvery);

  SyncCheckpoint final_reader(f.fap, (f.dir / "raw/final").string(), f.dest);
  auto restored = final_reader.restore();
  REQUIRE(restored);
  CHECK(files_of(*restored).at("sub/c.bin") == content(kGenerations, "sub/c.bin"));
  // No staging folders or old generations leaked next to the checkpoint.
  auto siblings = entries_of(fs::path(f.dest).parent_path());
  REQUIRE(siblings.size() == 2);
  CHECK(siblings[0].rfind("._flytecheckpoints.flyte-gen-", 0) == 0);
  CHECK(siblings[1] == "_flytecheckpoints");
}
