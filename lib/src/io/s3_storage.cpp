#include "flyte/io/s3_storage.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "flyte/io/atomic_write.hpp"
#include "flyte/io/curl_library.hpp"
#include "flyte/io/storage_deadline.hpp"
#include "flyte/io/uri.hpp"

namespace flyte {

namespace {

constexpr std::uint64_t kMinPartSize = 5ull << 20;
constexpr std::uint64_t kMaxParts = 10000;
/// Error bodies are small XML documents; more than this is not worth keeping.
constexpr std::size_t kMaxErrorBody = 64 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// SigV4's URI encoding: everything but unreserved characters is %XX
/// (upper-case hex); '/' is kept in object keys (keep_slash).
std::string aws_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto end = text.find(';', i);
    if (end == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    const std::string_view entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.size() > 1 && entity[0] == '#') {
      unsigned long code = 0;
      try {
        code = entity[1] == 'x' || entity[1] == 'X'
                   ? std::stoul(std::string(entity.substr(2)), nullptr, 16)
                   : std::stoul(std::string(entity.substr(1)), nullptr, 10);
      } catch (const std::exception&) {
        out += text.substr(i, end - i + 1);
        i = end;
        continue;
      }
      // UTF-8 encode the code point.
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    } else {
      out += text.substr(i, end - i + 1);
    }
    i = end;
  }
  return out;
}

/// The text of every `<tag>...</tag>` element in `xml`, in order, unescaped.
/// Enough for S3's flat answers: namespaces and attributes on the opening tag
/// are tolerated, nesting of the same tag is not (S3 never does it).
std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string> found;
  const std::string close = fmt::format("</{}>", tag);
  std::size_t pos = 0;
  while (true) {
    pos = xml.find(fmt::format("<{}", tag), pos);
    if (pos == std::string_view::npos) break;
    const std::size_t after_name = pos + 1 + tag.size();
    if (after_name >= xml.size()) break;
    const char next = xml[after_name];
    if (next != '>' && next != ' ' && next != '/') {
      pos = after_name;  // a longer tag name sharing the prefix
      continue;
    }
    const auto open_end = xml.find('>', after_name);
    if (open_end == std::string_view::npos) break;
    if (xml[open_end - 1] == '/') {  // <Tag/>
      found.emplace_back();
      pos = open_end + 1;
      continue;
    }
    const auto end = xml.find(close, open_end + 1);
    if (end == std::string_view::npos) break;
    found.push_back(xml_unescape(xml.substr(open_end + 1, end - open_end - 1)));
    pos = end + close.size();
  }
  return found;
}

std::optional<std::string> xml_element(std::string_view xml, std::string_view tag) {
  auto all = xml_elements(xml, tag);
  if (all.empty()) return std::nullopt;
  return all.front();
}

struct S3Location {
  std::string bucket;
  std::string key;
};

S3Location parse_s3_uri(const std::string& uri) {
  if (uri_scheme(uri) != "s3") {
    throw IoError(fmt::format("'{}' is not an s3:// URI; S3Storage serves s3://bucket/key", uri),
                  uri);
  }
  const std::string_view rest = uri_without_scheme(uri);
  const auto slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.key = std::string(rest.substr(slash + 1));
  if (location.bucket.empty()) {
    throw IoError(fmt::format("S3 URI '{}' names no bucket; expected s3://bucket/key", uri), uri);
  }
  return location;
}

/// The folder form of a key: "" stays "", otherwise exactly one trailing '/'.
std::string folder_key(std::string key) {
  while (!key.empty() && key.back() == '/') key.pop_back();
  if (!key.empty()) key += '/';
  return key;
}

struct CurlDeleter {
  const CurlLibrary* curl;
  void operator()(CURL* handle) const { curl->easy_cleanup(handle); }
};
struct SlistDeleter {
  const CurlLibrary* curl;
  void operator()(curl_slist* list) const { curl->slist_free_all(list); }
};

bool retryable_curl_code(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace

S3AddressingStyle parse_s3_addressing_style(std::string_view text) {
  const std::string value = lower(text);
  if (value == "auto" || value.empty()) return S3AddressingStyle::AUTO;
  if (value == "path") return S3AddressingStyle::PATH;
  if (value == "virtual") return S3AddressingStyle::VIRTUAL;
  throw std::invalid_argument(
      fmt::format("unknown S3 addressing style '{}': use 'path', 'virtual' or 'auto'", text));
}

/// One HTTP request. The body comes from `body` or from a range of
/// `body_file`; a 2xx response body goes to `download_to` (atomically), or
/// into Response::body otherwise.
struct S3Storage::Request {
  std::string operation;  ///< for messages: "download", "upload"...
  std::string uri;        ///< for messages: the s3:// URI concerned
  std::string method = "GET";
  std::string bucket;
  std::string key;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::string> headers;
  bool has_body = false;
  std::string_view body;
  const std::filesystem::path* body_file = nullptr;
  std::uint64_t body_offset = 0;
  std::uint64_t body_length = 0;
  const std::filesystem::path* download_to = nullptr;
  /// A 2xx body kept in memory larger than this fails the request.
  std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max();
};

struct S3Storage::Response {
  long status = 0;
  std::string body;
  std::string etag;
};

S3Storage::S3Storage(S3Config config) : config_(std::move(config)) {
  if (config_.region.empty()) {
    throw std::invalid_argument(
        "S3 config: region is empty; set storage.connection.region or AWS_REGION (e.g. us-east-1)");
  }
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
  if (!config_.endpoint.empty()) {
    const std::string scheme = lower(config_.endpoint.substr(0, config_.endpoint.find("://")));
    if (config_.endpoint.find("://") == std::string::npos ||
        (scheme != "http" && scheme != "https")) {
      throw std::invalid_argument(fmt::format(
          "S3 config: endpoint '{}' must start with http:// or https:// (e.g. http://minio:9000)",
          config_.endpoint));
    }
  }
  if (config_.multipart_part_size < kMinPartSize) {
    throw std::invalid_argument(
        fmt::format("S3 config: multipart part size {} is below S3's minimum of 5 MiB ({} bytes)",
                    config_.multipart_part_size, kMinPartSize));
  }
  if (config_.multipart_threshold == 0) {
    throw std::invalid_argument("S3 config: multipart threshold must be at least 1 byte");
  }
  if (config_.list_page_size < 1 || config_.list_page_size > 1000) {
    throw std::invalid_argument(fmt::format(
        "S3 config: list page size {} must be between 1 and 1000", config_.list_page_size));
  }
  if (config_.max_retries < 0) {
    throw std::invalid_argument(
        fmt::format("S3 config: max_retries is {}; it must be 0 or more", config_.max_retries));
  }
}

std::string S3Storage::url_for(
    const std::string& bucket, const std::string& key,
    const std::vector<std::pair<std::string, std::string>>& query) const {
  std::string scheme = "https";
  std::string host = fmt::format("s3.{}.amazonaws.com", config_.region);
  if (!config_.endpoint.empty()) {
    const auto sep = config_.endpoint.find("://");
    scheme = lower(config_.endpoint.substr(0, sep));
    host = config_.endpoint.substr(sep + 3);
  }
  S3AddressingStyle style = config_.addressing_style;
  if (style == S3AddressingStyle::AUTO) {
    style = config_.endpoint.empty() && bucket.find('.') == std::string::npos
                ? S3AddressingStyle::VIRTUAL
                : S3AddressingStyle::PATH;
  }
  std::string url = style == S3AddressingStyle::VIRTUAL
                        ? fmt::format("{}://{}.{}/", scheme, bucket, host)
                        : fmt::format("{}://{}/{}", scheme, host, aws_encode(bucket, false));
  if (style == S3AddressingStyle::PATH && !key.empty()) url += '/';
  url += aws_encode(key, true);
  // SigV4 wants the canonical query sorted by name; sending it sorted keeps
  // what curl signs and what the server recomputes identical.
  auto sorted = query;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    url += i == 0 ? '?' : '&';
    url += aws_encode(sorted[i].first, false);
    url += '=';
    url += aws_encode(sorted[i].second, false);
  }
  return url;
}

std::string S3Storage::object_url(const std::string& uri) const {
  const S3Location location = parse_s3_uri(uri);
  return url_for(location.bucket, location.key, {});
}

namespace {

struct TransferState {
  const S3Storage::Request* request = nullptr;
  // Upload side.
  std::ifstream file;
  std::uint64_t remaining = 0;
  std::string_view memory_body;
  // Download side.
  long status = 0;
  std::string etag;
  std::string body;
  std::optional<AtomicFile> sink;
  std::string sink_error;
  bool body_too_large = false;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after 100-continue or a redirect): start over.
    const auto space = line.find(' ');
    state->status = space == std::string_view::npos
                        ? 0
                        : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    state->etag.clear();
  } else if (line.size() > 5 && lower(line.substr(0, 5)) == "etag:") {
    std::string_view value = line.substr(5);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    state->etag = std::string(value);
  }
  return size * count;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t bytes = size * count;
  const bool success = state->status >= 200 && state->status < 300;
  if (success && state->request->download_to != nullptr) {
    try {
      if (!state->sink) state->sink.emplace(*state->request->download_to);
      state->sink->write(std::string_view(data, bytes));
    } catch (const std::exception& error) {
      state->sink_error = error.what();
      return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  if (success && state->body.size() + bytes > state->request->max_body) {
    state->body_too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  if (success || state->body.size() < kMaxErrorBody) state->body.append(data, bytes);
  return bytes;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t room = size * count;
  if (state->request->body_file == nullptr) {
    const size_t n = std::min(room, state->memory_body.size());
    std::memcpy(buffer, state->memory_body.data(), n);
    state->memory_body.remove_prefix(n);
    return n;
  }
  const size_t n = static_cast<size_t>(std::min<std::uint64_t>(room, state->remaining));
  if (n == 0) return 0;
  state->file.read(buffer, static_cast<std::streamsize>(n));
  const auto got = static_cast<size_t>(state->file.gcount());
  if (got != n) return CURL_READFUNC_ABORT;  // the file shrank under us
  state->remaining -= got;
  return got;
}

/// Rewinds the request body when curl has to send it again (a redirect or an
/// auth retry on the same handle).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* state = static_cast<TransferState*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  const auto* request = state->request;
  const auto target = static_cast<std::uint64_t>(offset);
  if (request->body_file == nullptr) {
    if (target > request->body.size()) return CURL_SEEKFUNC_FAIL;
    state->memory_body = request->body.substr(target);
    return CURL_SEEKFUNC_OK;
  }
  if (target > request->body_length) return CURL_SEEKFUNC_FAIL;
  state->file.clear();
  state->file.seekg(static_cast<std::streamoff>(request->body_offset + target));
  state->remaining = request->body_length - target;
  return state->file ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

}  // namespace

S3Storage::Response S3Storage::perform_once(const Request& request, std::string& curl_failure,
                                            bool& retryable) const {
  retryable = false;
  curl_failure.clear();
  // libcurl is loaded here, on the first request, not when the backend is
  // registered: a run that never touches s3:// never loads it.
  const CurlLibrary* lib = nullptr;
  try {
    lib = &curl_library();
  } catch (const IoError& error) {
    throw IoError(fmt::format("S3 {} of '{}': {}", request.operation, request.uri, error.what()),
                  request.uri);
  }
  std::unique_ptr<CURL, CurlDeleter> curl(lib->easy_init(), CurlDeleter{lib});
  if (!curl)
    throw IoError(
        fmt::format("S3 {} of '{}': curl_easy_init failed", request.operation, request.uri),
        request.uri);
  CURL* h = curl.get();

  TransferState state;
  state.request = &request;
  if (request.body_file != nullptr) {
    state.file.open(*request.body_file, std::ios::binary);
    if (!state.file) {
      throw io_error_from_errno(
          fmt::format("S3 {} of '{}': cannot open the local file", request.operation, request.uri),
          *request.body_file, errno);
    }
    state.file.seekg(static_cast<std::streamoff>(request.body_offset));
    state.remaining = request.body_length;
  } else {
    state.memory_body = request.body;
  }

  const std::string url = url_for(request.bucket, request.key, request.query);
  std::unique_ptr<curl_slist, SlistDeleter> headers(nullptr, SlistDeleter{lib});
  auto add_header = [&headers, lib](const std::string& header) {
    curl_slist* grown = lib->slist_append(headers.get(), header.c_str());
    if (grown == nullptr) throw std::bad_alloc();
    (void)headers.release();
    headers.reset(grown);
  };
  // The payload is not hashed (it is streamed, and may be gigabytes); curl
  // signs this header's value as the payload hash, which S3 accepts.
  add_header("x-amz-content-sha256: UNSIGNED-PAYLOAD");
  add_header("Expect:");  // no 100-continue round trip
  if (!config_.session_token.empty()) add_header("x-amz-security-token: " + config_.session_token);
  for (const auto& header : request.headers) add_header(header);

  char error_buffer[CURL_ERROR_SIZE] = {0};
  lib->easy_setopt(h, CURLOPT_URL, url.c_str());
  // Keys are sent as they are: without this, curl squashes "a/../b" to "b"
  // (RFC 3986 dot removal), so a key with ".." segments would address
  // another object, or with path-style URLs another bucket. S3 does not
  // normalise key paths, and SigV4 signs the path as sent.
  lib->easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  lib->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  lib->easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  lib->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, config_.connect_timeout_seconds);
  lib->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, config_.stall_timeout_seconds);
  if (const auto deadline = StorageDeadline::current()) {
    // Rounded up: an attempt cut at the deadline ends at it, not just before.
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*deadline - StorageDeadline::Clock::now())
            .count();
    lib->easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(left, 1)));
  }
  lib->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  lib->easy_setopt(h, CURLOPT_HEADERDATA, &state);
  lib->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  lib->easy_setopt(h, CURLOPT_WRITEDATA, &state);
  const std::string sigv4 = fmt::format("aws:amz:{}:s3", config_.region);
  if (!config_.access_key.empty()) {
    lib->easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
    lib->easy_setopt(h, CURLOPT_USERNAME, config_.access_key.c_str());
    lib->easy_setopt(h, CURLOPT_PASSWORD, config_.secret_key.c_str());
  }
  if (request.method == "HEAD") {
    lib->easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.has_body) {
    const std::uint64_t length =
        request.body_file != nullptr ? request.body_length : request.body.size();
    lib->easy_setopt(h, CURLOPT_UPLOAD, 1L);
    lib->easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    lib->easy_setopt(h, CURLOPT_READDATA, &state);
    lib->easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
    lib->easy_setopt(h, CURLOPT_SEEKDATA, &state);
    lib->easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    if (request.method != "PUT") lib->easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    lib->easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  lib->easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode code = lib->easy_perform(h);
  if (code != CURLE_OK) {
    if (state.body_too_large) {
      throw IoError(fmt::format("S3 {} of '{}': the object holds more than the {} bytes expected",
                                request.operation, request.uri, request.max_body),
                    request.uri, EFBIG);
    }
    if (!state.sink_error.empty()) {
      throw IoError(fmt::format("S3 {} of '{}': writing the local file failed: {}",
                                request.operation, request.uri, state.sink_error),
                    request.uri);
    }
    retryable = retryable_curl_code(code);
    curl_failure = fmt::format("{} ({})", lib->easy_strerror(code),
                               error_buffer[0] != '\0' ? error_buffer : "no details");
    return {};
  }
  long status = 0;
  lib->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  Response response;
  response.status = status;
  response.body = std::move(state.body);
  response.etag = std::move(state.etag);
  if (status >= 200 && status < 300 && request.download_to != nullptr) {
    if (!state.sink) state.sink.emplace(*request.download_to);  // an empty object
    state.sink->commit();
  }
  retryable = status >= 500 || status == 429;
  return response;
}

S3Storage::Response S3Storage::perform(const Request& request) const {
  const int attempts = config_.max_retries + 1;
  std::chrono::milliseconds delay = config_.initial_backoff;
  std::string failure;
  const auto deadline = StorageDeadline::current();
  auto past_deadline = [&](int attempt) {
    throw IoError(fmt::format("S3 {} of '{}' did not finish within its deadline ({} attempt{} "
                              "made{}{})",
                              request.operation, request.uri, attempt, attempt == 1 ? "" : "s",
                              failure.empty() ? "" : "; last failure: ", failure),
                  request.uri, ETIMEDOUT);
  };
  for (int attempt = 1;; ++attempt) {
    bool retryable = false;
    if (deadline && StorageDeadline::Clock::now() >= *deadline) past_deadline(attempt - 1);
    Response response = perform_once(request, failure, retryable);
    if (deadline && !failure.empty() && StorageDeadline::Clock::now() >= *deadline) {
      past_deadline(attempt);
    }
    if (!retryable || attempt >= attempts) {
      if (failure.empty()) return response;
      throw IoError(
          fmt::format("S3 {} of '{}' failed after {} attempt{}: cannot reach the S3 endpoint {}: "
                      "{}. Check that the server is running and storage.connection.endpoint / "
                      "FLYTE_AWS_ENDPOINT point at it",
                      request.operation, request.uri, attempt, attempt == 1 ? "" : "s",
                      config_.endpoint.empty() ? "(AWS)" : config_.endpoint, failure),
          request.uri);
    }
    if (deadline && StorageDeadline::Clock::now() + delay >= *deadline) past_deadline(attempt);
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, config_.max_backoff);
  }
}

namespace {

[[noreturn]] void throw_s3_error(const S3Storage::Request& request,
                                 const S3Storage::Response& response, const std::string& endpoint) {
  const std::string code = xml_element(response.body, "Code").value_or("");
  const std::string message = xml_element(response.body, "Message").value_or("");
  std::string hint;
  if (response.status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch") {
    hint =
        "; check the credentials (storage.connection.access-key/secret-key, "
        "FLYTE_AWS_ACCESS_KEY_ID/FLYTE_AWS_SECRET_ACCESS_KEY or AWS_ACCESS_KEY_ID/"
        "AWS_SECRET_ACCESS_KEY) and the region";
  } else if (code == "NoSuchBucket") {
    hint = "; create the bucket or fix the URI";
  } else if (response.status == 404 || code == "NoSuchKey") {
    hint = "; the object does not exist";
  }
  const std::string detail =
      code.empty() && message.empty()
          ? std::string("no S3 error document")
          : fmt::format("{}{}{}", code, code.empty() || message.empty() ? "" : ": ", message);
  throw IoError(
      fmt::format("S3 {} of '{}' failed: HTTP {} {} (endpoint {}){}", request.operation,
                  request.uri, response.status, detail, endpoint.empty() ? "AWS" : endpoint, hint),
      request.uri);
}

bool ok(const S3Storage::Response& response) {
  return response.status >= 200 && response.status < 300;
}

}  // namespace

void S3Storage::get_file(const std::string& uri, const std::filesystem::path& local_path) {
  const S3Location location = parse_s3_uri(uri);
  if (location.key.empty()) {
    throw IoError(fmt::format("cannot download '{}': it names a bucket, not an object", uri), uri);
  }
  if (local_path.has_parent_path()) std::filesystem::create_directories(local_path.parent_path());
  Request request;
  request.operation = "download";
  request.uri = uri;
  request.bucket = location.bucket;
  request.key = location.key;
  request.download_to = &local_path;
  const Response response = perform(request);
  if (!ok(response)) throw_s3_error(request, response, config_.endpoint);
}

void S3Storage::put_file(const std::filesystem::path& local_path, const std::string& uri) {
  const S3Location location = parse_s3_uri(uri);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(local_path, ec)) {
    throw IoError(fmt::format("cannot upload '{}' to '{}': it is not a regular file",
                              local_path.string(), uri),
                  local_path.string(), ENOENT);
  }
  const std::uint64_t size = std::filesystem::file_size(local_path);
  if (size >= config_.multipart_threshold) {
    put_multipart(local_path, uri, size);
    return;
  }
  Request request;
  request.operation = "upload";
  request.uri = uri;
  request.method = "PUT";
  request.bucket = location.bucket;
  request.key = location.key;
  request.has_body = true;
  request.body_file = &local_path;
  request.body_length = size;
  const Response response = perform(request);
  if (!ok(response)) throw_s3_error(request, response, config_.endpoint);
}

void S3Storage::put_multipart(const std::filesystem::path& local_path, const std::string& uri,
                              std::uint64_t size) {
  const S3Location location = parse_s3_uri(uri);
  std::uint64_t part_size = config_.multipart_part_size;
  if ((size + part_size - 1) / part_size > kMaxParts)
    part_size = (size + kMaxParts - 1) / kMaxParts;

  Request create;
  create.operation = "multipart upload (create)";
  create.uri = uri;
  create.method = "POST";
  create.bucket = location.bucket;
  create.key = location.key;
  create.query = {{"uploads", ""}};
  create.has_body = true;
  const Response created = perform(create);
  if (!ok(created)) throw_s3_error(create, created, config_.endpoint);
  const auto upload_id = xml_element(created.body, "UploadId");
  if (!upload_id || upload_id->empty()) {
    throw IoError(
        fmt::format("S3 multipart upload of '{}': the server's answer has no UploadId", uri), uri);
  }

  try {
    std::string complete_body = "<CompleteMultipartUpload>";
    std::uint64_t offset = 0;
    for (std::uint64_t number = 1; offset < size; ++number) {
      Request part;
      part.operation = fmt::format("multipart upload (part {})", number);
      part.uri = uri;
      part.method = "PUT";
      part.bucket = location.bucket;
      part.key = location.key;
      part.query = {{"partNumber", std::to_string(number)}, {"uploadId", *upload_id}};
      part.has_body = true;
      part.body_file = &local_path;
      part.body_offset = offset;
      part.body_length = std::min(part_size, size - offset);
      const Response uploaded = perform(part);
      if (!ok(uploaded)) throw_s3_error(part, uploaded, config_.endpoint);
      if (uploaded.etag.empty()) {
        throw IoError(fmt::format("S3 multipart upload of '{}': part {} got no ETag", uri, number),
                      uri);
      }
      std::string etag;
      for (char c : uploaded.etag) {
        if (c == '&')
          etag += "&amp;";
        else if (c == '"')
          etag += "&quot;";
        else if (c == '<')
          etag += "&lt;";
        else
          etag += c;
      }
      complete_body +=
          fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", number, etag);
      offset += part.body_length;
    }
    complete_body += "</CompleteMultipartUpload>";

    Request complete;
    complete.operation = "multipart upload (complete)";
    complete.uri = uri;
    complete.method = "POST";
    complete.bucket = location.bucket;
    complete.key = location.key;
    complete.query = {{"uploadId", *upload_id}};
    complete.headers = {"Content-Type: application/xml"};
    complete.has_body = true;
    complete.body = complete_body;
    const Response completed = perform(complete);
    // S3 may answer 200 and still report an error in the body.
    if (!ok(completed) || completed.body.find("<Error>") != std::string::npos) {
      Response failed = completed;
      if (ok(failed)) failed.status = 500;
      throw_s3_error(complete, failed, config_.endpoint);
    }
  } catch (...) {
    Request abort;
    abort.operation = "multipart upload (abort)";
    abort.uri = uri;
    abort.method = "DELETE";
    abort.bucket = location.bucket;
    abort.key = location.key;
    abort.query = {{"uploadId", *upload_id}};
    try {
      (void)perform(abort);
    } catch (const std::exception&) {
      // The original failure is what matters; the server may be gone.
    }
    throw;
  }
}

bool S3Storage::object_exists(const std::string& uri) {
  const S3Location location = parse_s3_uri(uri);
  if (location.key.empty()) return false;
  Request request;
  request.operation = "existence check";
  request.uri = uri;
  request.method = "HEAD";
  request.bucket = location.bucket;
  request.key = location.key;
  const Response response = perform(request);
  if (ok(response)) return true;
  if (response.status == 404) return false;
  throw_s3_error(request, response, config_.endpoint);
}

bool S3Storage::exists(const std::string& uri) {
  if (object_exists(uri)) return true;
  const S3Location location = parse_s3_uri(uri);
  const std::string folder = folder_key(location.key);
  Request request;
  request.operation = "listing";
  request.uri = uri;
  request.bucket = location.bucket;
  request.query = {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", folder}};
  const Response response = perform(request);
  if (!ok(response)) {
    if (response.status == 404 && location.key.empty()) return false;
    throw_s3_error(request, response, config_.endpoint);
  }
  return !xml_elements(response.body, "Key").empty();
}

std::vector<std::string> S3Storage::list(const std::string& uri_prefix) {
  const S3Location location = parse_s3_uri(uri_prefix);
  const std::string folder = folder_key(location.key);
  std::vector<std::string> names;
  std::string token;
  for (int page = 0;; ++page) {
    Request request;
    request.operation = "listing";
    request.uri = uri_prefix;
    request.bucket = location.bucket;
    request.query = {{"list-type", "2"},
                     {"max-keys", std::to_string(config_.list_page_size)},
                     {"prefix", folder}};
    if (!token.empty()) request.query.emplace_back("continuation-token", token);
    const Response response = perform(request);
    if (!ok(response)) throw_s3_error(request, response, config_.endpoint);
    for (const std::string& key : xml_elements(response.body, "Key")) {
      if (key.size() <= folder.size() || key.compare(0, folder.size(), folder) != 0) continue;
      names.push_back(key.substr(folder.size()));
    }
    const bool truncated =
        lower(xml_element(response.body, "IsTruncated").value_or("false")) == "true";
    if (!truncated) break;
    token = xml_element(response.body, "NextContinuationToken").value_or("");
    if (token.empty()) {
      throw IoError(fmt::format("S3 listing of '{}': the server said the listing is truncated but "
                                "gave no NextContinuationToken (page {})",
                                uri_prefix, page + 1),
                    uri_prefix);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string S3Storage::read_bytes(const std::string& uri) {
  return read_bytes_at_most(uri, std::numeric_limits<std::uint64_t>::max());
}

std::string S3Storage::read_bytes_at_most(const std::string& uri, std::uint64_t max_bytes) {
  const S3Location location = parse_s3_uri(uri);
  Request request;
  request.max_body = max_bytes;
  request.operation = "read";
  request.uri = uri;
  request.bucket = location.bucket;
  request.key = location.key;
  Response response = perform(request);
  if (!ok(response)) throw_s3_error(request, response, config_.endpoint);
  return std::move(response.body);
}

void S3Storage::write_bytes(const std::string& uri, std::string_view bytes) {
  const S3Location location = parse_s3_uri(uri);
  if (location.key.empty()) {
    throw IoError(fmt::format("cannot write '{}': it names a bucket, not an object", uri), uri);
  }
  Request request;
  request.operation = "write";
  request.uri = uri;
  request.method = "PUT";
  request.bucket = location.bucket;
  request.key = location.key;
  request.has_body = true;
  request.body = bytes;
  const Response response = perform(request);
  if (!ok(response)) throw_s3_error(request, response, config_.endpoint);
}

bool S3Storage::remove(const std::string& uri) {
  const S3Location location = parse_s3_uri(uri);
  if (folder_key(location.key).empty()) {
    throw IoError(fmt::format("refusing to remove '{}': it names a whole bucket; remove a folder "
                              "or an object inside it",
                              uri),
                  uri);
  }
  std::vector<std::string> keys;
  if (object_exists(uri)) keys.push_back(location.key);
  const std::string folder = folder_key(location.key);
  for (const std::string& name : list(uri)) keys.push_back(folder + name);
  for (const std::string& key : keys) {
    Request request;
    request.operation = "delete";
    request.uri = fmt::format("s3://{}/{}", location.bucket, key);
    request.method = "DELETE";
    request.bucket = location.bucket;
    request.key = key;
    const Response response = perform(request);
    if (!ok(response) && response.status != 404) {
      throw_s3_error(request, response, config_.endpoint);
    }
  }
  return !keys.empty();
}

}  // namespace flyte
