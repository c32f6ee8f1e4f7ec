#pragma once

/// libcurl, loaded on first use. flyte-execute does not link libcurl: loading
/// it (and the ~30 libraries it pulls in: TLS, Kerberos, LDAP, SSH, HTTP/2...)
/// costs several milliseconds on every start, while only runs that touch an
/// s3:// URI need it. S3Storage asks for curl_library() when it sends its first
/// request; a run on local paths never loads it.
///
/// Only the functions S3Storage calls are resolved. The table is filled once
/// per process (thread-safe); the library is never unloaded (curl keeps
/// global state, and callbacks may still point into it at exit).

#include <curl/curl.h>

#include <string>

namespace flyte {

/// The soname tried when FLYTE_EXECUTE_CURL_LIBRARY is not set: libcurl's
/// ABI 4, as Debian's libcurl4 and Fedora/RHEL's libcurl ship it.
inline constexpr const char* kDefaultCurlLibrary = "libcurl.so.4";

/// The environment variable that names another libcurl to load (a soname
/// such as libcurl-gnutls.so.4, or a path), read once, at the first load.
inline constexpr const char* kCurlLibraryEnvVar = "FLYTE_EXECUTE_CURL_LIBRARY";

/// The oldest libcurl S3Storage works with: CURLOPT_AWS_SIGV4 came in 7.75.0.
inline constexpr unsigned kMinimumCurlVersion = 0x074b00;

/// The libcurl functions S3Storage uses, resolved with dlsym. Calls go through
/// these pointers exactly as they would to the linked functions (the variadic
/// ones included: setopt and getinfo keep their C signatures).
struct CurlLibrary {
  std::string name;     ///< what was loaded: the soname or path given to dlopen
  std::string version;  ///< libcurl's own version string, e.g. "7.88.1"

  CURLcode (*global_init)(long flags) = nullptr;
  curl_version_info_data* (*version_info)(CURLversion age) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL* handle) = nullptr;
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...) = nullptr;
  CURLcode (*easy_perform)(CURL* handle) = nullptr;
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode code) = nullptr;
  curl_slist* (*slist_append)(curl_slist* list, const char* text) = nullptr;
  void (*slist_free_all)(curl_slist* list) = nullptr;
};

/// The process's libcurl: on the first call, loads FLYTE_EXECUTE_CURL_LIBRARY
/// or kDefaultCurlLibrary with load_curl_library and runs curl_global_init;
/// later calls return the same table. Throws IoError (see load_curl_library)
/// when it cannot be loaded; a later call tries again.
const CurlLibrary& curl_library();

/// Loads `name` (a soname looked up the way the dynamic linker does, or a path)
/// and resolves every function of CurlLibrary, without curl_global_init and
/// without caching (curl_library() is what S3Storage uses; this is the step it
/// takes, exposed so that a missing or wrong library can be tested). Throws
/// IoError naming the library, the loader's reason and how to fix it (install
/// the libcurl package, or point FLYTE_EXECUTE_CURL_LIBRARY at a libcurl) when
/// the library cannot be opened, lacks one of the functions, or is older than
/// kMinimumCurlVersion.
CurlLibrary load_curl_library(const std::string& name);

}  // namespace flyte
