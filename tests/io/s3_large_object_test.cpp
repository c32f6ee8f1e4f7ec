// Acceptance: a 1 GiB object goes up to the real S3 server and back through
// S3Storage with the default config (multipart, 16 MiB parts) while the peak
// RSS of the process doing it stays under 100 MiB: transfers stream, nothing
// holds the object in memory.
//
// Hidden from the default io suite ([.s3-large]); ctest runs it as its own
// entry labelled s3-large (tests/integration/CMakeLists.txt), because moving
// 2 GiB through a local node.js server takes a while on a small machine.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>

#include "flyte/io/s3_storage.hpp"
#include "support/s3_test_server.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kSize = 1ull << 30;
constexpr std::uint64_t kMarkerEvery = 7ull << 20;  // not aligned to the 16 MiB parts

/// A sparse 1 GiB file with a distinct 4 KiB marker every 7 MiB, so a part
/// lost, duplicated or put in the wrong place changes the content.
void make_sparse_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, static_cast<off_t>(kSize)) == 0);
  for (std::uint64_t offset = 0; offset + 4096 <= kSize; offset += kMarkerEvery) {
    std::string marker(4096, static_cast<char>('A' + (offset / kMarkerEvery) % 26));
    marker.replace(0, 20, std::to_string(offset));
    REQUIRE(::pwrite(fd, marker.data(), marker.size(), static_cast<off_t>(offset)) ==
            static_cast<ssize_t>(marker.size()));
  }
  ::close(fd);
}

bool same_content(const fs::path& a, const fs::path& b) {
  std::ifstream in_a(a, std::ios::binary), in_b(b, std::ios::binary);
  std::vector<char> buf_a(1 << 20), buf_b(1 << 20);
  while (in_a && in_b) {
    in_a.read(buf_a.data(), static_cast<std::streamsize>(buf_a.size()));
    in_b.read(buf_b.data(), static_cast<std::streamsize>(buf_b.size()));
    if (in_a.gcount() != in_b.gcount()) return false;
    if (!std::equal(buf_a.begin(), buf_a.begin() + in_a.gcount(), buf_b.begin())) return false;
  }
  return in_a.eof() && in_b.eof();
}

}  // namespace

TEST_CASE("S3Storage moves a 1 GiB object up and down with peak RSS under 100 MiB", "[.s3-large]") {
  ScopedTempDir dir("s3-large");
  make_sparse_file(dir / "big.bin");
  S3Config config;
  config.endpoint = s3_test_endpoint();
  config.access_key = kS3TestKey;
  config.secret_key = kS3TestSecret;
  const std::string uri = s3_test_prefix("large") + "/big.bin";

  // The transfer runs in a child process so that its own peak RSS is measured
  // (getrusage of the reaped child), not the test runner's.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 0;
    try {
      S3Storage s3(config);
      s3.put_file(dir / "big.bin", uri);
      s3.get_file(uri, dir / "back.bin");
    } catch (const std::exception& error) {
      std::cerr << "transfer failed: " << error.what() << "\n";
      code = 1;
    }
    std::cerr.flush();
    ::_exit(code);
  }
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const long peak_mib = usage.ru_maxrss / 1024;  // ru_maxrss is in KiB on Linux
  INFO("peak RSS of the transferring process: " << peak_mib << " MiB");
  CHECK(peak_mib < 100);
  REQUIRE(fs::file_size(dir / "back.bin") == kSize);
  CHECK(same_content(dir / "big.bin", dir / "back.bin"));
  S3Storage(config).remove(uri);
}
