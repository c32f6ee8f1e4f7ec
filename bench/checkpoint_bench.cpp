// Micro benchmarks of checkpointing a 1 GiB folder of 64 files on local
// paths: SyncCheckpoint::save (to the checkpoint destination) and restore (the
// next attempt's download into prev_cp), against `cp -r` of the same folder,
// timed in the same run. save + restore moves the data twice, so its baseline
// is two `cp -r`s. The files are generated once per process and removed at
// exit; every copy is removed between iterations, untimed.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "flyte/context/sync_checkpoint.hpp"
#include "flyte/io/file_access.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int kFiles = 64;
constexpr std::size_t kFileSize = (std::size_t{1} << 30) / kFiles;  // 16 MiB

struct Workspace {
  fs::path root =
      fs::temp_directory_path() / ("flyte-checkpoint-bench-" + std::to_string(::getpid()));
  fs::path source = root / "source";

  Workspace() {
    fs::create_directories(source);
    // Incompressible-looking contents (xorshift), so no file system can cheat.
    std::vector<std::uint64_t> block(kFileSize / sizeof(std::uint64_t));
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int f = 0; f < kFiles; ++f) {
      for (auto& word : block) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        word = x;
      }
      std::ofstream out(source / ("shard-" + std::to_string(f) + ".bin"), std::ios::binary);
      out.write(reinterpret_cast<const char*>(block.data()),
                static_cast<std::streamsize>(block.size() * sizeof(std::uint64_t)));
    }
    // Settle the source on disk before anything is timed: copying files whose
    // pages are still dirty is several times slower here, and only the first
    // benchmark would pay for it.
    ::sync();
  }
  ~Workspace() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  // A published checkpoint is a symlink to a hidden generation folder next
  // to it, so the whole storage folder goes, not just the checkpoint's name.
  void clean(const fs::path& path) const {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Workspace& workspace() {
  static Workspace w;
  return w;
}

std::shared_ptr<flyte::FileAccessProvider> provider(const Workspace& w) {
  return std::make_shared<flyte::FileAccessProvider>(w.root / "sandbox", (w.root / "raw").string());
}

void cp_r(benchmark::State& state, const fs::path& from, const fs::path& to) {
  const std::string command = "cp -r '" + from.string() + "' '" + to.string() + "'";
  if (std::system(command.c_str()) != 0) state.SkipWithError("cp -r failed");
}

void set_bytes(benchmark::State& state, int copies) {
  state.SetBytesProcessed(state.iterations() * copies * static_cast<std::int64_t>(kFiles) *
                          static_cast<std::int64_t>(kFileSize));
}

void BM_checkpoint_save(benchmark::State& state) {
  auto& w = workspace();
  auto fap = provider(w);
  const fs::path dest = w.root / "raw" / "cp";
  for (auto _ : state) {
    flyte::SyncCheckpoint checkpoint(fap, dest.string());
    checkpoint.save(w.source);
    state.PauseTiming();
    w.clean(w.root / "raw");
    state.ResumeTiming();
  }
  set_bytes(state, 1);
}
BENCHMARK(BM_checkpoint_save)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_checkpoint_restore(benchmark::State& state) {
  auto& w = workspace();
  auto fap = provider(w);
  const fs::path previous = w.root / "store" / "previous";
  flyte::SyncCheckpoint(fap, previous.string()).save(w.source);
  const fs::path restored = w.root / "restored";
  for (auto _ : state) {
    flyte::SyncCheckpoint checkpoint(fap, (w.root / "raw" / "next").string(), previous.string());
    if (!checkpoint.restore(restored)) state.SkipWithError("nothing restored");
    state.PauseTiming();
    w.clean(restored);
    state.ResumeTiming();
  }
  w.clean(w.root / "store");
  set_bytes(state, 1);
}
BENCHMARK(BM_checkpoint_restore)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_checkpoint_save_restore(benchmark::State& state) {
  auto& w = workspace();
  auto fap = provider(w);
  const fs::path dest = w.root / "raw" / "cp";
  const fs::path restored = w.root / "restored";
  for (auto _ : state) {
    flyte::SyncCheckpoint attempt1(fap, dest.string());
    attempt1.save(w.source);
    flyte::SyncCheckpoint attempt2(fap, (w.root / "raw" / "next").string(), dest.string());
    if (!attempt2.restore(restored)) state.SkipWithError("nothing restored");
    state.PauseTiming();
    w.clean(w.root / "raw");
    w.clean(restored);
    state.ResumeTiming();
  }
  set_bytes(state, 2);
}
BENCHMARK(BM_checkpoint_save_restore)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_cp_r(benchmark::State& state) {
  auto& w = workspace();
  const fs::path copy = w.root / "copy1";
  for (auto _ : state) {
    cp_r(state, w.source, copy);
    state.PauseTiming();
    w.clean(copy);
    state.ResumeTiming();
  }
  set_bytes(state, 1);
}
BENCHMARK(BM_cp_r)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The durable floor: `cp -r`, then fsync of every file and the folder (GNU
// sync with file arguments), which is what save promises beyond `cp -r`.
void BM_cp_r_fsync(benchmark::State& state) {
  auto& w = workspace();
  const fs::path copy = w.root / "copy1";
  for (auto _ : state) {
    cp_r(state, w.source, copy);
    const std::string command = "sync '" + copy.string() + "' '" + copy.string() + "'/*";
    if (std::system(command.c_str()) != 0) state.SkipWithError("sync failed");
    state.PauseTiming();
    w.clean(copy);
    state.ResumeTiming();
  }
  set_bytes(state, 1);
}
BENCHMARK(BM_cp_r_fsync)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The baseline of restore. A restore reads a checkpoint that a save has just
// written with kernel copies and fsync'ed; on this machine copying freshly
// copied files costs far more than copying files written once and settled
// (compare cp_r_twice with two cp_r). So restore is also compared with `cp -r`
// of a folder that `cp -r` has just produced and `sync` made durable
// (untimed), the same situation.
void BM_cp_r_of_fresh_copy(benchmark::State& state) {
  auto& w = workspace();
  const fs::path copy1 = w.root / "copy1", copy2 = w.root / "copy2";
  for (auto _ : state) {
    state.PauseTiming();
    cp_r(state, w.source, copy1);
    ::sync();  // durable and clean, as a saved checkpoint is
    state.ResumeTiming();
    cp_r(state, copy1, copy2);
    state.PauseTiming();
    w.clean(copy1);
    w.clean(copy2);
    state.ResumeTiming();
  }
  set_bytes(state, 1);
}
BENCHMARK(BM_cp_r_of_fresh_copy)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The baseline of save + restore: copy the folder, then copy the copy.
void BM_cp_r_twice(benchmark::State& state) {
  auto& w = workspace();
  const fs::path copy1 = w.root / "copy1", copy2 = w.root / "copy2";
  for (auto _ : state) {
    cp_r(state, w.source, copy1);
    cp_r(state, copy1, copy2);
    state.PauseTiming();
    w.clean(copy1);
    w.clean(copy2);
    state.ResumeTiming();
  }
  set_bytes(state, 2);
}
BENCHMARK(BM_cp_r_twice)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
