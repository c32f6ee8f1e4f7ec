#pragma once

// The S3 server of the test run (scripts/s3-server.sh, started by
// scripts/test.sh) and an independent client for it: the curl command line
// tool with its own SigV4 signing, so what our S3Storage wrote is checked by
// code that is not ours.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace flyte::testing {

inline constexpr const char* kS3TestKey = "S3RVER";
inline constexpr const char* kS3TestSecret = "S3RVER";

/// FLYTE_TEST_S3_ENDPOINT, or a test failure saying how to get it.
inline std::string s3_test_endpoint() {
  const char* endpoint = std::getenv("FLYTE_TEST_S3_ENDPOINT");
  if (endpoint == nullptr || *endpoint == '\0') {
    FAIL(
        "FLYTE_TEST_S3_ENDPOINT is not set: the S3 tests need the S3 server that scripts/test.sh "
        "starts. Run them with `scripts/test.sh -R '[Ss]3'` (or start one with "
        "`scripts/s3-server.sh "
        "start` and export FLYTE_TEST_S3_ENDPOINT=$(cat build/s3-server/url))");
  }
  return endpoint;
}

inline std::string s3_test_bucket() {
  const char* bucket = std::getenv("FLYTE_TEST_S3_BUCKET");
  return bucket != nullptr && *bucket != '\0' ? bucket : "flyte-test";
}

/// "s3://<bucket>/<tag>-<pid>-<n>": a fresh folder per call.
inline std::string s3_test_prefix(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "s3://" + s3_test_bucket() + "/" + tag + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

struct CurlResult {
  int http_status = 0;
  std::string body;
};

/// Runs the curl command line tool on `s3_uri` (SigV4, path-style) with
/// `extra` arguments; returns the HTTP status and the body.
inline CurlResult independent_curl(const std::string& s3_uri,
                                   const std::vector<std::string>& extra = {}) {
  REQUIRE(s3_uri.rfind("s3://", 0) == 0);
  const std::string url = s3_test_endpoint() + "/" + s3_uri.substr(5);
  std::vector<std::string> args{"curl",        "-s",
                                "--aws-sigv4", "aws:amz:us-east-1:s3",
                                "--user",      std::string(kS3TestKey) + ":" + kS3TestSecret,
                                "-H",          "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                                "-w",          "\n%{http_code}"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  std::array<int, 2> pipe_fds{};
  REQUIRE(::pipe(pipe_fds.data()) == 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::close(pipe_fds[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("curl", argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  INFO("curl " << url);
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto newline = out.rfind('\n');
  REQUIRE(newline != std::string::npos);
  CurlResult result;
  result.http_status = std::atoi(out.c_str() + newline + 1);
  result.body = out.substr(0, newline);
  return result;
}

/// The object's content as fetched by curl; fails the test unless HTTP 200.
inline std::string independent_get(const std::string& s3_uri) {
  const CurlResult result = independent_curl(s3_uri);
  INFO("GET " << s3_uri << " answered " << result.body);
  REQUIRE(result.http_status == 200);
  return result.body;
}

/// Uploads the local file `path` as `s3_uri` with curl.
inline void independent_put(const std::string& s3_uri, const std::string& path) {
  const CurlResult result = independent_curl(s3_uri, {"-X", "PUT", "--data-binary", "@" + path});
  INFO("PUT " << s3_uri << " answered " << result.body);
  REQUIRE(result.http_status == 200);
}

}  // namespace flyte::testing
