#pragma once

// An HTTP/1.1 server on 127.0.0.1 whose answers a test computes from each
// request: for what the real S3 test server (s3rver) cannot do, such as
// listing keys it could never store ("../x", "a//b") or stalling mid-answer.
// One connection at a time, "Connection: close" on every answer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace flyte::testing {

struct HttpRequest {
  std::string method;
  std::string target;  ///< as sent: "/bucket/a/../b?list-type=2", never normalised
  std::string head;    ///< request line and headers
  std::string body;

  /// The target without its query.
  std::string path() const { return target.substr(0, target.find('?')); }
  bool has_query(const std::string& part) const {
    const auto q = target.find('?');
    return q != std::string::npos && target.find(part, q) != std::string::npos;
  }
};

struct HttpAnswer {
  int status = 200;
  std::string body;
  /// Send the status line and headers, then stop sending (the connection
  /// stays open until the client gives up or the server is destroyed): a
  /// stalled endpoint.
  bool stall_after_headers = false;
  /// Accept the request and answer nothing at all.
  bool stall_before_answer = false;
};

class HttpTestServer {
 public:
  using Handler = std::function<HttpAnswer(const HttpRequest&)>;

  explicit HttpTestServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("HttpTestServer: socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::listen(fd_, 16) != 0) {
      throw std::runtime_error("HttpTestServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpTestServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      HttpRequest request;
      std::string data;
      char buffer[8192];
      while (data.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
      }
      const auto head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) {
        ::close(client);
        continue;
      }
      request.head = data.substr(0, head_end);
      const auto line_end = request.head.find("\r\n");
      const std::string line = request.head.substr(0, line_end);
      const auto sp1 = line.find(' ');
      const auto sp2 = line.rfind(' ');
      request.method = line.substr(0, sp1);
      request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      std::size_t content_length = 0;
      const auto cl = request.head.find("Content-Length: ");
      if (cl != std::string::npos) content_length = std::stoul(request.head.substr(cl + 16));
      request.body = data.substr(head_end + 4);
      while (request.body.size() < content_length) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        request.body.append(buffer, static_cast<std::size_t>(n));
      }
      const HttpAnswer answer = handler_(request);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      if (!answer.stall_before_answer) {
        const std::string length =
            answer.stall_after_headers ? "1000000" : std::to_string(answer.body.size());
        const std::string text =
            "HTTP/1.1 " + std::to_string(answer.status) +
            " Scripted\r\nContent-Type: application/xml\r\nContent-Length: " + length +
            "\r\nConnection: close\r\n\r\n" + (answer.stall_after_headers ? "" : answer.body);
        (void)!::write(client, text.data(), text.size());
      }
      if (answer.stall_after_headers || answer.stall_before_answer) {
        // Hold the connection until the client hangs up (or we stop).
        pollfd fds[2] = {{client, POLLIN, 0}, {fd_, POLLIN, 0}};
        while (!stopping_) {
          if (::poll(fds, 1, 100) > 0) {
            if (::read(client, buffer, sizeof buffer) <= 0) break;
          }
        }
      }
      ::close(client);
    }
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

/// A ListObjectsV2 answer naming `keys` (XML-escaped here).
inline std::string list_objects_xml(const std::vector<std::string>& keys) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><IsTruncated>false"
      "</IsTruncated>";
  for (const auto& key : keys) {
    std::string escaped;
    for (char c : key) {
      if (c == '&') {
        escaped += "&amp;";
      } else if (c == '<') {
        escaped += "&lt;";
      } else {
        escaped += c;
      }
    }
    xml += "<Contents><Key>" + escaped + "</Key><Size>1</Size></Contents>";
  }
  return xml + "</ListBucketResult>";
}

}  // namespace flyte::testing
