// Whole-process timing: runs each command many times, interleaved round-robin
// so drift (thermal, other load) hits every case alike, and reports the
// median wall time, CPU time (user + sys, from wait4) and peak RSS, with
// ratios to the baselines measured in the same run.
//   process_bench --runs 200 --case NAME 'CMD ARGS...' [--case ...] [--baseline NAME]...
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Case {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> wall_ms, cpu_ms, rss_mib;
  int failures = 0;
};

std::vector<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> parts;
  for (std::string word; in >> word;) parts.push_back(word);
  return parts;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void run_once(Case& c) {
  std::vector<char*> argv;
  for (auto& a : c.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  const auto wall =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++c.failures;
  c.wall_ms.push_back(wall.count());
  c.cpu_ms.push_back((usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                     (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
  c.rss_mib.push_back(usage.ru_maxrss / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 100;
  std::vector<Case> cases;
  std::vector<std::string> baselines;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--case") && i + 2 < argc) {
      Case c;
      c.name = argv[i + 1];
      c.argv = split(argv[i + 2]);
      cases.push_back(std::move(c));
      i += 2;
    } else if (!std::strcmp(argv[i], "--baseline") && i + 1 < argc) {
      baselines.emplace_back(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s --runs N --case NAME 'CMD...' ... [--baseline NAME]\n",
                   argv[0]);
      return 2;
    }
  }
  if (cases.empty()) return 2;
  // Warm the page cache (not counted) and check every command works: a case
  // that fails here would only fill the table with failures.
  for (auto& c : cases) {
    run_once(c);
    if (c.failures != 0) {
      std::fprintf(stderr, "process_bench: case '%s' failed on its first run (see above): %s\n",
                   c.name.c_str(), c.argv.front().c_str());
      return 1;
    }
  }
  for (auto& c : cases) c.wall_ms.clear(), c.cpu_ms.clear(), c.rss_mib.clear(), c.failures = 0;
  for (int r = 0; r < runs; ++r) {
    for (auto& c : cases) run_once(c);
  }

  auto find = [&](const std::string& name) -> const Case* {
    for (const auto& c : cases)
      if (c.name == name) return &c;
    return nullptr;
  };
  std::printf("| case | runs | median wall (ms) | median CPU (ms) | peak RSS (MiB) |");
  for (const auto& b : baselines) std::printf(" wall / %s |", b.c_str());
  for (const auto& b : baselines) std::printf(" CPU / %s |", b.c_str());
  std::printf(" failures |\n|---|---|---|---|---|");
  for (std::size_t i = 0; i < 2 * baselines.size(); ++i) std::printf("---|");
  std::printf("---|\n");
  int failures = 0;
  for (const auto& c : cases) {
    std::printf("| %s | %d | %.2f | %.2f | %.1f |", c.name.c_str(), runs, median(c.wall_ms),
                median(c.cpu_ms), median(c.rss_mib));
    for (const auto& b : baselines) {
      const Case* base = find(b);
      std::printf(" %.2fx |", base ? median(c.wall_ms) / median(base->wall_ms) : 0.0);
    }
    // CPU time is what the process itself costs; wall time also holds the
    // waits for the disk (fsync) and, on a shared machine, for a free core.
    for (const auto& b : baselines) {
      const Case* base = find(b);
      std::printf(" %.2fx |", base ? median(c.cpu_ms) / median(base->cpu_ms) : 0.0);
    }
    std::printf(" %d |\n", c.failures);
    failures += c.failures;
  }
  return failures == 0 ? 0 : 1;
}
