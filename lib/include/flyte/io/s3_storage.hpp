#pragma once

/// The `s3://bucket/key` backend: Amazon S3 and S3-compatible servers (MinIO,
/// Ceph, s3rver...) over libcurl, signed with libcurl's own AWS SigV4
/// (CURLOPT_AWS_SIGV4; no hand-written signing). libcurl is loaded with
/// dlopen at the first request (flyte/io/curl_library.hpp), not at start-up
/// nor when the backend is constructed; when it cannot be loaded, every
/// request fails with an IoError naming the operation, the URI, the library
/// and how to install it.
///
/// Contract (on top of StorageBackend's):
/// - Transfers stream both ways between the socket and a file; nothing but
///   read_bytes/write_bytes holds an object in memory. Downloads land through
///   AtomicFile, so a failed download never leaves a partial local file.
/// - Files of multipart_threshold bytes or more are uploaded with S3's
///   multipart upload (CreateMultipartUpload, UploadPart per part,
///   CompleteMultipartUpload); any failure aborts the upload so no orphaned
///   parts are left behind (best effort: the abort itself may fail when the
///   server is gone).
/// - Retry policy: a request is retried when the connection fails (refused,
///   reset, timed out, nothing received) or the server answers 5xx or 429, at
///   most max_retries times after the first attempt, waiting
///   initial_backoff * 2^n (capped at max_backoff) before retry n. Other 4xx
///   answers are final at once (they do not get better by asking again).
/// - Errors are IoError naming the operation, the s3:// URI, the HTTP status
///   and S3's error code and message (or curl's reason and the number of
///   attempts for connection failures). Credentials never appear in them: the
///   access key and secret only travel in the signed Authorization header.
///
/// Objects are addressed path-style (`<endpoint>/<bucket>/<key>`) or
/// virtual-host style (`<scheme>://<bucket>.<endpoint host>/<key>`).
/// Thread-safe: every request uses its own curl handle.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flyte/io/storage_backend.hpp"

namespace flyte {

/// How a bucket appears in request URLs.
enum class S3AddressingStyle {
  AUTO,     ///< PATH when an endpoint is configured (MinIO & co.), VIRTUAL for AWS
  PATH,     ///< http(s)://host[:port]/bucket/key
  VIRTUAL,  ///< http(s)://bucket.host[:port]/key
};

/// "auto", "path" or "virtual" (any case; boto's "addressing_style" values).
/// Throws std::invalid_argument naming the accepted values otherwise.
S3AddressingStyle parse_s3_addressing_style(std::string_view text);

/// Everything S3Storage needs. Loading it from Flyte's config and the
/// environment is the runtime's job (flyte/runtime/s3_config_loader.hpp), so
/// that the io layer stays free of config and env handling.
struct S3Config {
  /// Base URL, e.g. "http://127.0.0.1:9000". Empty: AWS,
  /// https://s3.<region>.amazonaws.com.
  std::string endpoint;
  /// Empty access key: requests are sent unsigned (public buckets).
  std::string access_key;
  std::string secret_key;
  /// Temporary credentials' token, sent as x-amz-security-token.
  std::string session_token;
  std::string region = "us-east-1";
  S3AddressingStyle addressing_style = S3AddressingStyle::AUTO;

  /// Retries after the first attempt (see the retry policy above).
  int max_retries = 4;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  /// Seconds to establish a connection before the attempt counts as failed.
  long connect_timeout_seconds = 10;
  /// A transfer slower than 1 byte/s for this long counts as a failed
  /// connection (catches a server that stopped answering mid-transfer).
  long stall_timeout_seconds = 60;

  /// Files of at least this many bytes use multipart upload.
  std::uint64_t multipart_threshold = 64ull << 20;
  /// Bytes per part (S3's minimum is 5 MiB, its maximum 10000 parts: the part
  /// size grows when a file would need more).
  std::uint64_t multipart_part_size = 16ull << 20;
  /// Keys per ListObjectsV2 page (S3's maximum and default is 1000).
  int list_page_size = 1000;
};

class S3Storage : public StorageBackend {
 public:
  /// Throws std::invalid_argument for an unusable config (empty region, an
  /// endpoint that is not http(s)://, a part size under 5 MiB, negative
  /// retries), naming the field.
  explicit S3Storage(S3Config config);

  void get_file(const std::string& uri, const std::filesystem::path& local_path) override;
  void put_file(const std::filesystem::path& local_path, const std::string& uri) override;
  bool exists(const std::string& uri) override;
  /// ListObjectsV2, following continuation tokens until the listing is complete.
  std::vector<std::string> list(const std::string& uri_prefix) override;
  std::string read_bytes(const std::string& uri) override;
  /// Stops the transfer as soon as more than `max_bytes` arrived.
  std::string read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes) override;
  void write_bytes(const std::string& uri, std::string_view bytes) override;
  /// Deletes the object `uri` and every object under the folder `uri`.
  /// Refuses (IoError) a URI naming a whole bucket.
  bool remove(const std::string& uri) override;

  /// The request URL of the object `uri` (`s3://bucket/key`), with the key
  /// percent-encoded as SigV4 requires. Throws IoError for a URI that is not
  /// s3:// or has no bucket.
  std::string object_url(const std::string& uri) const;

  const S3Config& config() const noexcept { return config_; }

  struct Request;
  struct Response;

 private:
  Response perform(const Request& request) const;
  Response perform_once(const Request& request, std::string& curl_failure, bool& retryable) const;
  std::string url_for(const std::string& bucket, const std::string& key,
                      const std::vector<std::pair<std::string, std::string>>& query) const;
  void put_multipart(const std::filesystem::path& local_path, const std::string& uri,
                     std::uint64_t size);
  bool object_exists(const std::string& uri);

  S3Config config_;
};

}  // namespace flyte
