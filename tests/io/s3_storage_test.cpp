// S3Storage against the real S3 server of the test run (s3rver, started by
// scripts/test.sh) and, for the retry policy, against a tiny scripted HTTP
// server of our own on 127.0.0.1.
#include "flyte/io/s3_storage.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include "flyte/io/file_access.hpp"
#include "flyte/io/storage_deadline.hpp"
#include "support/http_test_server.hpp"
#include "support/s3_test_server.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using namespace flyte::testing;
namespace fs = std::filesystem;

namespace {

S3Config test_config() {
  S3Config config;
  config.endpoint = s3_test_endpoint();
  config.access_key = kS3TestKey;
  config.secret_key = kS3TestSecret;
  config.addressing_style = S3AddressingStyle::PATH;
  return config;
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A deterministic, non-repeating-looking byte pattern.
std::string pattern(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  return out;
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// scripted status (the last one repeats) and records the requests. Status 0
/// drops the connection after reading the request head, like a server that
/// dies mid-upload.
class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(std::vector<std::pair<int, std::string>> script)
      : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    REQUIRE(::listen(fd_, 16) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedHttpServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  std::string last_request() const {
    std::lock_guard lock(mutex_);
    return heads_.empty() ? std::string() : heads_.back();
  }
  /// The request lines ("PUT /b/k?x=y HTTP/1.1") in order.
  std::vector<std::string> request_lines() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> lines;
    for (const auto& head : heads_) lines.push_back(head.substr(0, head.find("\r\n")));
    return lines;
  }

 private:
  void serve() {
    while (true) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      const auto header_end = request.find("\r\n\r\n");
      const int index = requests_++;
      {
        std::lock_guard lock(mutex_);
        heads_.push_back(request.substr(0, header_end));
      }
      const auto& [status, body] = script_[std::min<std::size_t>(index, script_.size() - 1)];
      if (status == 0) {
        ::close(client);
        continue;
      }
      // Drain the body so the client sees a clean answer.
      std::size_t content_length = 0;
      const auto cl = request.find("Content-Length: ");
      if (cl != std::string::npos) content_length = std::stoul(request.substr(cl + 16));
      std::size_t have = header_end == std::string::npos ? 0 : request.size() - header_end - 4;
      while (have < content_length) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
      }
      const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 " Scripted\r\nContent-Type: application/xml\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                 body;
      (void)!::write(client, answer.data(), answer.size());
      ::close(client);
    }
  }

  std::vector<std::pair<int, std::string>> script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

S3Config scripted_config(const std::string& endpoint, int retries) {
  S3Config config;
  config.endpoint = endpoint;
  config.access_key = "AKIDTESTKEY";
  config.secret_key = "very-secret-key-value";
  config.max_retries = retries;
  config.initial_backoff = std::chrono::milliseconds(1);
  config.max_backoff = std::chrono::milliseconds(4);
  return config;
}

const std::string kSlowDown =
    "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Reduce your request "
    "rate.</Message></Error>";

}  // namespace

TEST_CASE("S3Storage writes, reads, finds and removes objects on a real S3 server") {
  S3Storage s3(test_config());
  const std::string prefix = s3_test_prefix("bytes");
  const std::string uri = prefix + "/dir/hello.txt";
  CHECK_FALSE(s3.exists(uri));
  s3.write_bytes(uri, "hello, s3 & <xml>");
  CHECK(s3.exists(uri));
  CHECK(s3.exists(prefix + "/dir"));   // a folder holding an object
  CHECK(s3.exists(prefix + "/dir/"));  // the same with a slash
  CHECK_FALSE(s3.exists(prefix + "/di"));
  CHECK(s3.read_bytes(uri) == "hello, s3 & <xml>");
  CHECK(independent_get(uri) == "hello, s3 & <xml>");
  s3.write_bytes(uri, "");
  CHECK(s3.read_bytes(uri).empty());

  CHECK(s3.remove(prefix));
  CHECK_FALSE(s3.exists(uri));
  CHECK_FALSE(s3.remove(prefix));
  CHECK(independent_curl(uri).http_status == 404);
}

TEST_CASE("S3Storage uploads and downloads files, keys with spaces and unicode included") {
  ScopedTempDir dir("s3-files");
  S3Storage s3(test_config());
  const std::string prefix = s3_test_prefix("files");
  const std::string content = pattern(300 * 1024 + 7, 1);
  write_file(dir / "in.bin", content);
  const std::string uri = prefix + "/a b/ü+x=1.bin";
  s3.put_file(dir / "in.bin", uri);
  CHECK(s3.list(prefix) == std::vector<std::string>{"a b/ü+x=1.bin"});
  s3.get_file(uri, dir / "deep" / "out.bin");
  CHECK(read_file(dir / "deep" / "out.bin") == content);
  s3.remove(prefix);
}

TEST_CASE("S3Storage lists recursively, sorted, across continuation tokens") {
  S3Config config = test_config();
  config.list_page_size = 2;  // forces several ListObjectsV2 pages
  S3Storage s3(config);
  const std::string prefix = s3_test_prefix("list");
  for (const char* name : {"e", "a/b/c.txt", "b", "a/x", "d/1", "d/2"}) {
    s3.write_bytes(prefix + "/folder/" + name, name);
  }
  s3.write_bytes(prefix + "/folderish", "not under folder/");
  CHECK(s3.list(prefix + "/folder") ==
        std::vector<std::string>{"a/b/c.txt", "a/x", "b", "d/1", "d/2", "e"});
  CHECK(s3.list(prefix + "/folder/") == s3.list(prefix + "/folder"));
  CHECK(s3.list(prefix + "/nothing").empty());
  s3.remove(prefix);
}

TEST_CASE("S3Storage round trips a directory through FileAccessProvider") {
  ScopedTempDir dir("s3-dirs");
  auto s3 = std::make_shared<S3Storage>(test_config());
  FileAccessProvider files(dir / "sandbox", s3_test_prefix("raw"));
  files.register_backend("s3", s3);
  write_file(dir / "src" / "one.txt", "1");
  write_file(dir / "src" / "sub" / "two.txt", "22");
  write_file(dir / "src" / "sub" / "deeper" / "three.bin", pattern(70000, 3));
  const std::string remote = s3_test_prefix("dir");
  files.put(dir / "src", remote, /*recursive=*/true);
  CHECK(files.list(remote) ==
        std::vector<std::string>{"one.txt", "sub/deeper/three.bin", "sub/two.txt"});
  files.get(remote, dir / "dst", /*recursive=*/true);
  CHECK(read_file(dir / "dst" / "one.txt") == "1");
  CHECK(read_file(dir / "dst" / "sub" / "two.txt") == "22");
  CHECK(read_file(dir / "dst" / "sub" / "deeper" / "three.bin") == pattern(70000, 3));

  // replace_directory drops objects the new folder does not have.
  fs::remove_all(dir / "src" / "sub");
  files.replace_directory(dir / "src", remote);
  CHECK(files.list(remote) == std::vector<std::string>{"one.txt"});
  CHECK(files.remove(remote));
}

TEST_CASE("S3Storage uploads files above the threshold in parts and streams them back") {
  ScopedTempDir dir("s3-multipart");
  S3Config config = test_config();
  config.multipart_threshold = 6u << 20;
  config.multipart_part_size = 5u << 20;
  S3Storage s3(config);
  const std::string content = pattern((12u << 20) + 12345, 7);  // 3 parts
  write_file(dir / "big.bin", content);
  const std::string uri = s3_test_prefix("multipart") + "/big.bin";
  s3.put_file(dir / "big.bin", uri);
  const std::string head = independent_get(uri);
  CHECK(head.size() == content.size());
  CHECK(head == content);
  s3.get_file(uri, dir / "back.bin");
  CHECK(fs::file_size(dir / "back.bin") == content.size());
  CHECK(read_file(dir / "back.bin") == content);
  s3.remove(uri);
}

TEST_CASE("S3Storage names the URI, status and S3 error code when an object is missing") {
  ScopedTempDir dir("s3-missing");
  S3Storage s3(test_config());
  const std::string uri = s3_test_prefix("missing") + "/nope.txt";
  try {
    s3.get_file(uri, dir / "out.txt");
    FAIL("get_file of a missing object succeeded");
  } catch (const IoError& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains(uri));
    CHECK_THAT(message, Catch::Contains("HTTP 404"));
    CHECK_THAT(message, Catch::Contains("NoSuchKey"));
    CHECK(error.path() == uri);
  }
  CHECK_FALSE(fs::exists(dir / "out.txt"));  // no partial file left behind

  S3Storage no_bucket(test_config());
  CHECK_THROWS_WITH(
      no_bucket.write_bytes("s3://no-such-bucket-here/x", "x"),
      Catch::Contains("NoSuchBucket") && Catch::Contains("s3://no-such-bucket-here/x"));
}

TEST_CASE("S3Storage retries 5xx and 429 answers with backoff, then succeeds") {
  ScriptedHttpServer server({{503, kSlowDown}, {429, kSlowDown}, {200, "payload"}});
  S3Storage s3(scripted_config(server.endpoint(), 4));
  CHECK(s3.read_bytes("s3://bucket/key") == "payload");
  CHECK(server.requests() == 3);
  // The request was signed by curl's SigV4, with the unsigned-payload hash.
  const std::string request = server.last_request();
  CHECK_THAT(request, Catch::Contains("GET /bucket/key HTTP/1.1"));
  CHECK_THAT(request, Catch::Contains("Authorization: AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/"));
  CHECK_THAT(request, Catch::Contains("/us-east-1/s3/aws4_request"));
  CHECK_THAT(request, Catch::Contains("x-amz-content-sha256: UNSIGNED-PAYLOAD"));
  CHECK_THAT(request, !Catch::Contains("very-secret-key-value"));
}

TEST_CASE("S3Storage gives up after max_retries retries with the last S3 error") {
  ScriptedHttpServer server({{500,
                              "<Error><Code>InternalError</Code><Message>We encountered an "
                              "internal error.</Message></Error>"}});
  S3Storage s3(scripted_config(server.endpoint(), 2));
  try {
    s3.write_bytes("s3://bucket/out.pb", "data");
    FAIL("write_bytes succeeded against a failing server");
  } catch (const IoError& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains("s3://bucket/out.pb"));
    CHECK_THAT(message,
               Catch::Contains("HTTP 500 InternalError: We encountered an internal error."));
    CHECK_THAT(message, !Catch::Contains("very-secret-key-value"));
  }
  CHECK(server.requests() == 3);  // the first attempt + 2 retries
}

TEST_CASE("S3Storage does not retry 4xx answers") {
  ScriptedHttpServer server(
      {{403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"}});
  S3Storage s3(scripted_config(server.endpoint(), 4));
  CHECK_THROWS_WITH(s3.read_bytes("s3://bucket/k"),
                    Catch::Contains("HTTP 403 AccessDenied: Access Denied") &&
                        Catch::Contains("check the credentials") &&
                        !Catch::Contains("very-secret-key-value"));
  CHECK(server.requests() == 1);
}

TEST_CASE("S3Storage retries refused connections and then names the endpoint") {
  // A port that was just free: bind, read the port, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  ScopedTempDir dir("s3-refused");
  write_file(dir / "f.txt", "x");
  S3Storage s3(scripted_config(endpoint, 2));
  CHECK_THROWS_WITH(s3.put_file(dir / "f.txt", "s3://bucket/f.txt"),
                    Catch::Contains("s3://bucket/f.txt") && Catch::Contains("after 3 attempts") &&
                        Catch::Contains(endpoint) && !Catch::Contains("very-secret-key-value"));
}

TEST_CASE("S3Storage builds path-style and virtual-host style URLs") {
  S3Config config;
  config.endpoint = "http://minio.local:9000/";
  config.addressing_style = S3AddressingStyle::PATH;
  CHECK(S3Storage(config).object_url("s3://b/k 1/ü") == "http://minio.local:9000/b/k%201/%C3%BC");
  config.addressing_style = S3AddressingStyle::VIRTUAL;
  CHECK(S3Storage(config).object_url("s3://b/dir/k") == "http://b.minio.local:9000/dir/k");
  config.addressing_style = S3AddressingStyle::AUTO;  // an endpoint: path style
  CHECK(S3Storage(config).object_url("s3://b/k") == "http://minio.local:9000/b/k");

  S3Config aws;
  aws.region = "eu-west-1";
  CHECK(S3Storage(aws).object_url("s3://my-bucket/a/b") ==
        "https://my-bucket.s3.eu-west-1.amazonaws.com/a/b");
  CHECK_THROWS_AS(S3Storage(aws).object_url("s3:///key"), IoError);
  CHECK_THROWS_AS(S3Storage(aws).object_url("gs://b/k"), IoError);
  S3Storage storage(aws);
  CHECK_THROWS_WITH(storage.remove("s3://my-bucket/"), Catch::Contains("whole bucket"));
}

TEST_CASE("S3Storage rejects unusable configs naming the field") {
  S3Config config;
  config.endpoint = "minio:9000";
  CHECK_THROWS_WITH(S3Storage(config), Catch::Contains("endpoint 'minio:9000'"));
  config = {};
  config.multipart_part_size = 1024;
  CHECK_THROWS_WITH(S3Storage(config), Catch::Contains("5 MiB"));
  config = {};
  config.region = "";
  CHECK_THROWS_WITH(S3Storage(config), Catch::Contains("region"));
  CHECK(parse_s3_addressing_style("Virtual") == S3AddressingStyle::VIRTUAL);
  CHECK_THROWS_WITH(parse_s3_addressing_style("dns"), Catch::Contains("'path', 'virtual'"));
}

TEST_CASE("S3Storage retries an upload whose connection the server dropped") {
  ScopedTempDir dir("s3-dropped");
  write_file(dir / "f.bin", pattern(256 * 1024, 5));
  {
    ScriptedHttpServer server({{0, ""}, {0, ""}, {200, ""}});
    S3Storage s3(scripted_config(server.endpoint(), 3));
    s3.put_file(dir / "f.bin", "s3://bucket/f.bin");
    CHECK(server.requests() == 3);
    CHECK(server.request_lines().back() == "PUT /bucket/f.bin HTTP/1.1");
  }
  ScriptedHttpServer dead({{0, ""}});
  S3Storage s3(scripted_config(dead.endpoint(), 1));
  CHECK_THROWS_WITH(s3.put_file(dir / "f.bin", "s3://bucket/f.bin"),
                    Catch::Contains("s3://bucket/f.bin") && Catch::Contains("after 2 attempts"));
  CHECK(dead.requests() == 2);
}

TEST_CASE("S3Storage aborts a multipart upload when a part fails") {
  ScopedTempDir dir("s3-abort");
  write_file(dir / "big.bin", pattern(6u << 20, 9));
  ScriptedHttpServer server(
      {{200,
        "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>big.bin</Key><UploadId>up&amp;"
        "1</UploadId></InitiateMultipartUploadResult>"},
       {403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"},
       {204, ""}});
  S3Config config = scripted_config(server.endpoint(), 2);
  config.multipart_threshold = 1u << 20;
  config.multipart_part_size = 5u << 20;
  config.session_token = "session-token-value";
  S3Storage s3(config);
  CHECK_THROWS_WITH(s3.put_file(dir / "big.bin", "s3://b/big.bin"),
                    Catch::Contains("part 1") && Catch::Contains("HTTP 403 AccessDenied"));
  CHECK(server.request_lines() ==
        std::vector<std::string>{"POST /b/big.bin?uploads= HTTP/1.1",
                                 "PUT /b/big.bin?partNumber=1&uploadId=up%261 HTTP/1.1",
                                 "DELETE /b/big.bin?uploadId=up%261 HTTP/1.1"});
  CHECK_THAT(server.last_request(), Catch::Contains("x-amz-security-token: session-token-value"));
}

// ---------------------------------------------------------------------------
// Hostile keys: a listing must never make a folder download write outside
// its folder, and a key must never be re-routed by path normalisation.
// s3rver normalises keys itself (it cannot store "a/../b" or "a//b"), so the
// hostile listings come from a scripted server.
// ---------------------------------------------------------------------------

namespace {

/// Serves a folder "p/" whose listing holds `keys`; every object's content is
/// its key.
HttpTestServer listing_server(std::vector<std::string> keys) {
  return HttpTestServer([keys](const HttpRequest& request) -> HttpAnswer {
    if (request.has_query("list-type=2")) return {200, list_objects_xml(keys)};
    if (request.method == "HEAD") return {404, ""};
    return {200, request.path()};
  });
}

}  // namespace

TEST_CASE("S3Storage refuses folder downloads whose listing has unsafe keys, writing nothing") {
  const std::vector<std::string> hostile{
      "p/../../escape.txt",        "p//etc/passwd", "p/a/./b", "p/a//b", "p/a/..",
      "p/" + std::string(300, 'x')};
  for (const auto& bad : hostile) {
    INFO("listed key: " << bad);
    ScopedTempDir dir("flyte-s3-hostile");
    auto server = listing_server({"p/ok.txt", bad});
    S3Storage s3(scripted_config(server.endpoint(), 0));
    const auto target = dir / "deep" / "target";
    try {
      s3.get_directory("s3://bucket/p", target);
      FAIL("the download was not refused");
    } catch (const UnsafeObjectKeyError& error) {
      const std::string message = error.what();
      CHECK_THAT(message, Catch::Contains("s3://bucket/p") && Catch::Contains(bad.substr(2, 40)) &&
                              Catch::Contains("cannot be stored inside the local folder"));
    }
    // Refused before the first object was fetched: nothing anywhere.
    for (const auto& request : server.requests()) CHECK(request.has_query("list-type=2"));
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      if (!entry.is_directory()) ++files;
    }
    CHECK(files == 0);
  }
}

TEST_CASE("S3Storage folder downloads skip folder markers and keep safe odd names") {
  ScopedTempDir dir("flyte-s3-markers");
  auto server = listing_server({"p/sub/", "p/sub/a b.txt", "p/..hidden", "p/x..y/z"});
  S3Storage s3(scripted_config(server.endpoint(), 0));
  s3.get_directory("s3://bucket/p", dir / "t");
  CHECK(read_file(dir / "t" / "sub" / "a b.txt") == "/bucket/p/sub/a%20b.txt");
  CHECK(read_file(dir / "t" / "..hidden") == "/bucket/p/..hidden");
  CHECK(read_file(dir / "t" / "x..y" / "z") == "/bucket/p/x..y/z");
  CHECK(fs::is_directory(dir / "t" / "sub"));
}

TEST_CASE("FileAccessProvider refuses a hostile S3 listing for a recursive get") {
  ScopedTempDir dir("flyte-s3-hostile-fap");
  auto server = listing_server({"p/../x"});
  FileAccessProvider access(dir / "sandbox", "");
  access.register_backend("s3", std::make_shared<S3Storage>(scripted_config(server.endpoint(), 0)));
  CHECK_THROWS_AS(access.get("s3://bucket/p", dir / "in", true), UnsafeObjectKeyError);
  CHECK_FALSE(fs::exists(dir / "x"));
}

TEST_CASE("S3Storage sends '..' and '//' in keys as they are, never re-routed") {
  auto server = listing_server({});
  S3Storage s3(scripted_config(server.endpoint(), 0));
  CHECK(s3.read_bytes("s3://bucket/a/../other-bucket/k") == "/bucket/a/../other-bucket/k");
  CHECK(s3.read_bytes("s3://bucket/a/./b//c") == "/bucket/a/./b//c");
  CHECK(s3.read_bytes("s3://bucket/q?x=1#frag") == "/bucket/q%3Fx%3D1%23frag");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].target == "/bucket/a/../other-bucket/k");
  // What curl signed is what it sent: the signature covers the raw path.
  CHECK_THAT(requests[0].head, Catch::Contains("Authorization: AWS4-HMAC-SHA256"));
}

TEST_CASE("S3Storage round trips keys with characters URLs treat specially on a real S3 server") {
  ScopedTempDir dir("flyte-s3-odd-keys");
  S3Storage s3(test_config());
  const std::string prefix = s3_test_prefix("odd-keys");
  const std::vector<std::string> names{"q?x=1",  "hash#frag",  "pct%41",   "plus+and&amp",
                                       "sp ace", "semi;colon", "..dots..", "caf\xc3\xa9"};
  for (const auto& name : names) s3.write_bytes(prefix + "/d/" + name, name);
  auto listed = s3.list(prefix + "/d");
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  CHECK(listed == expected);
  s3.get_directory(prefix + "/d", dir / "d");
  for (const auto& name : names) {
    INFO(name);
    CHECK(read_file(dir / "d" / name) == name);
  }
}

TEST_CASE("S3Storage gives up on an endpoint that stalls mid-answer after the read timeout") {
  HttpTestServer server([](const HttpRequest&) {
    HttpAnswer answer;
    answer.stall_after_headers = true;
    return answer;
  });
  S3Config config = scripted_config(server.endpoint(), 1);
  config.stall_timeout_seconds = 1;
  S3Storage s3(config);
  ScopedTempDir dir("flyte-s3-stall");
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(s3.get_file("s3://bucket/big", dir / "big"),
                    Catch::Contains("s3://bucket/big") && Catch::Contains("after 2 attempts"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK_FALSE(fs::exists(dir / "big"));
  CHECK(server.requests().size() == 2);
}

TEST_CASE("S3Storage stops at the StorageDeadline in force, retries and backoff included") {
  HttpTestServer server([](const HttpRequest&) {
    HttpAnswer answer;
    answer.stall_after_headers = true;
    return answer;
  });
  S3Config config = scripted_config(server.endpoint(), 4);
  config.stall_timeout_seconds = 60;  // the deadline, not the read timeout, ends it
  S3Storage s3(config);
  const auto start = std::chrono::steady_clock::now();
  {
    const StorageDeadline deadline(std::chrono::milliseconds(1500));
    CHECK_THROWS_WITH(s3.read_bytes("s3://bucket/doc"),
                      Catch::Contains("s3://bucket/doc") && Catch::Contains("within its deadline"));
    // Past it, no new attempt is even started. (The read may give up a
    // little before the deadline, when no backoff fits; wait until it passed.)
    std::this_thread::sleep_until(start + std::chrono::milliseconds(1510));
    const auto requests = server.requests().size();
    CHECK_THROWS_WITH(s3.write_bytes("s3://bucket/doc", "x"), Catch::Contains("0 attempts made"));
    CHECK(server.requests().size() == requests);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
  CHECK_FALSE(StorageDeadline::current());
  {
    const StorageDeadline outer(std::chrono::seconds(100));
    const auto outer_deadline = *StorageDeadline::current();
    {
      const StorageDeadline inner(std::chrono::seconds(1));
      CHECK(*StorageDeadline::current() < outer_deadline);
      const StorageDeadline later(std::chrono::seconds(500));  // the earlier one stays
      CHECK(*StorageDeadline::current() < outer_deadline);
    }
    CHECK(*StorageDeadline::current() == outer_deadline);
  }
}
