// libcurl is loaded on demand (flyte/io/curl_library.hpp): these tests load
// the real library, and libraries that are missing or are not libcurl.
#include "flyte/io/curl_library.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "flyte/io/io_error.hpp"

using flyte::CurlLibrary;
using flyte::IoError;

namespace {

std::string load_error(const std::string& name) {
  try {
    (void)flyte::load_curl_library(name);
  } catch (const IoError& error) {
    CHECK(error.path() == name);
    return error.what();
  }
  FAIL("load_curl_library('" << name << "') did not throw");
  return "";
}

}  // namespace

TEST_CASE("load_curl_library resolves every function S3Storage calls from the system libcurl") {
  const CurlLibrary curl = flyte::load_curl_library(flyte::kDefaultCurlLibrary);
  CHECK(curl.name == flyte::kDefaultCurlLibrary);
  CHECK(curl.global_init != nullptr);
  CHECK(curl.easy_init != nullptr);
  CHECK(curl.easy_cleanup != nullptr);
  CHECK(curl.easy_setopt != nullptr);
  CHECK(curl.easy_perform != nullptr);
  CHECK(curl.easy_getinfo != nullptr);
  CHECK(curl.slist_free_all != nullptr);
  REQUIRE(curl.version_info != nullptr);
  // The version string is the library's own, not one we made up.
  CHECK(curl.version == curl.version_info(CURLVERSION_NOW)->version);
  CHECK(curl.version_info(CURLVERSION_NOW)->version_num >= flyte::kMinimumCurlVersion);
  // The resolved functions work: a list built through them, a message for a code.
  REQUIRE(curl.slist_append != nullptr);
  curl_slist* list = curl.slist_append(nullptr, "x-test: 1");
  REQUIRE(list != nullptr);
  CHECK(std::string(list->data) == "x-test: 1");
  curl.slist_free_all(list);
  REQUIRE(curl.easy_strerror != nullptr);
  CHECK(std::string(curl.easy_strerror(CURLE_COULDNT_CONNECT)).find("connect") !=
        std::string::npos);
}

TEST_CASE("a libcurl that cannot be loaded is reported with its name and how to install it") {
  const std::string name = "libcurl-flyte-test-does-not-exist.so.4";
  const std::string message = load_error(name);
  CHECK_THAT(message, Catch::Contains("cannot load libcurl '" + name + "'"));
  CHECK_THAT(message, Catch::Contains(name + ": cannot open shared object file"));
  CHECK_THAT(message, Catch::Contains("apt-get install libcurl4"));
  CHECK_THAT(message, Catch::Contains(flyte::kCurlLibraryEnvVar));
}

TEST_CASE("a library that is not libcurl is reported with the first function it lacks") {
  // libm is surely there and surely has no curl_global_init.
  const std::string message = load_error("libm.so.6");
  CHECK_THAT(message, Catch::Contains("cannot use libcurl 'libm.so.6'") &&
                          Catch::Contains("no function curl_global_init") &&
                          Catch::Contains("apt-get install libcurl4"));
}

TEST_CASE("curl_library loads libcurl once for all threads") {
  std::vector<const CurlLibrary*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = &flyte::curl_library(); });
  }
  for (auto& thread : threads) thread.join();
  const std::set<const CurlLibrary*> distinct(seen.begin(), seen.end());
  CHECK(distinct.size() == 1);
  REQUIRE(seen[0] != nullptr);
  CHECK(seen[0]->easy_init != nullptr);
  CHECK_FALSE(seen[0]->version.empty());
}
