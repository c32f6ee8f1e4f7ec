#include "flyte/io/curl_library.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <optional>

#include "flyte/io/io_error.hpp"

namespace flyte {

namespace {

std::string install_hint() {
  return fmt::format(
      "flyte-execute loads libcurl only for s3:// URIs; install it (Debian/Ubuntu: apt-get "
      "install libcurl4; Fedora/RHEL: dnf install libcurl) or set {} to the path of a libcurl "
      "(ABI 4, {}.{}.{} or newer)",
      kCurlLibraryEnvVar, kMinimumCurlVersion >> 16, (kMinimumCurlVersion >> 8) & 0xff,
      kMinimumCurlVersion & 0xff);
}

std::string dl_reason() {
  const char* reason = dlerror();
  return reason != nullptr ? reason : "no reason given by the dynamic loader";
}

template <typename Function>
void resolve(void* handle, const std::string& library, const char* symbol, Function& target) {
  dlerror();
  void* address = dlsym(handle, symbol);
  if (address == nullptr) {
    throw IoError(fmt::format("cannot use libcurl '{}': it has no function {} ({}); {}", library,
                              symbol, dl_reason(), install_hint()),
                  library);
  }
  target = reinterpret_cast<Function>(address);
}

}  // namespace

CurlLibrary load_curl_library(const std::string& name) {
  // RTLD_LOCAL: curl's symbols stay out of the global scope, so a task
  // library that links its own libcurl is not affected by ours.
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw IoError(
        fmt::format("cannot load libcurl '{}': {}; {}", name, dl_reason(), install_hint()), name);
  }
  CurlLibrary curl;
  curl.name = name;
  try {
    resolve(handle, name, "curl_global_init", curl.global_init);
    resolve(handle, name, "curl_version_info", curl.version_info);
    resolve(handle, name, "curl_easy_init", curl.easy_init);
    resolve(handle, name, "curl_easy_cleanup", curl.easy_cleanup);
    resolve(handle, name, "curl_easy_setopt", curl.easy_setopt);
    resolve(handle, name, "curl_easy_perform", curl.easy_perform);
    resolve(handle, name, "curl_easy_getinfo", curl.easy_getinfo);
    resolve(handle, name, "curl_easy_strerror", curl.easy_strerror);
    resolve(handle, name, "curl_slist_append", curl.slist_append);
    resolve(handle, name, "curl_slist_free_all", curl.slist_free_all);
    const curl_version_info_data* info = curl.version_info(CURLVERSION_NOW);
    if (info == nullptr || info->version == nullptr) {
      throw IoError(fmt::format("cannot use libcurl '{}': curl_version_info gave no version; {}",
                                name, install_hint()),
                    name);
    }
    curl.version = info->version;
    if (info->version_num < kMinimumCurlVersion) {
      throw IoError(fmt::format("cannot use libcurl '{}': it is version {}, and S3 signing "
                                "(CURLOPT_AWS_SIGV4) needs 7.75.0 or newer; {}",
                                name, curl.version, install_hint()),
                    name);
    }
  } catch (...) {
    dlclose(handle);
    throw;
  }
  return curl;
}

const CurlLibrary& curl_library() {
  static std::mutex mutex;
  static std::optional<CurlLibrary> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) {
    const char* override_name = std::getenv(kCurlLibraryEnvVar);
    CurlLibrary curl = load_curl_library(
        override_name != nullptr && *override_name != '\0' ? override_name : kDefaultCurlLibrary);
    const CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
      throw IoError(
          fmt::format("libcurl '{}' ({}) failed to initialise: {} (CURLcode {})", curl.name,
                      curl.version, curl.easy_strerror(code), static_cast<int>(code)),
          curl.name);
    }
    loaded = std::move(curl);
  }
  return *loaded;
}

}  // namespace flyte
