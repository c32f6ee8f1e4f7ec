#include "flyte/context/stats.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "flyte/context/logging.hpp"
#include "flyte/context/redaction.hpp"

namespace flyte {
namespace {

/// Warnings about stats go to the (redacting) system logger. Never throws.
void warn_once_about_stats(std::atomic<bool>& warned, std::string_view what) noexcept {
  if (warned.exchange(true)) return;
  try {
    system_logger()->warn("stats: {} (further stats delivery problems are counted, not logged)",
                          what);
  } catch (...) {
  }
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string replace_chars(std::string_view value, std::string_view forbidden) {
  std::string out(value);
  for (char& c : out) {
    if (forbidden.find(c) != std::string_view::npos) c = '_';
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// DogStatsD tags: `|#k:v,k2:v2`, sorted; `|`, `,`, `#` would break the line.
std::string serialize_dogstatsd_tags(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [key, value] : tags) {
    if (value.empty()) continue;
    out += out.empty() ? "|#" : ",";
    out += replace_chars(key, "|,#:\n");
    out += ':';
    out += replace_chars(value, "|,#\n");
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- UdpStatsSink

UdpStatsSink::UdpStatsSink(std::string host, int port) : host_(std::move(host)), port_(port) {}

UdpStatsSink::~UdpStatsSink() {
  const int fd = fd_.load();
  if (fd >= 0) ::close(fd);
}

void UdpStatsSink::record_drop(std::string_view why) noexcept {
  dropped_.fetch_add(1);
  warn_once_about_stats(warned_, why);
}

bool UdpStatsSink::ensure_socket() noexcept {
  if (fd_.load(std::memory_order_acquire) >= 0) return true;
  if (open_failed_.load()) return false;
  std::lock_guard lock(open_mutex_);
  if (fd_.load() >= 0) return true;
  if (open_failed_.load()) return false;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(port_);
  const int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    open_failed_ = true;
    try {
      warn_once_about_stats(
          warned_, fmt::format("cannot resolve statsd host '{}': {}; no stats will be sent", host_,
                               ::gai_strerror(rc)));
    } catch (...) {
    }
    return false;
  }
  int fd = -1;
  int last_errno = 0;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    // A connected UDP socket: plain send(), and the kernel fixes the peer.
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      last_errno = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    open_failed_ = true;
    try {
      warn_once_about_stats(
          warned_, fmt::format("cannot open a UDP socket to {}:{}: {}; no stats will be sent",
                               host_, port_, std::strerror(last_errno)));
    } catch (...) {
    }
    return false;
  }
  fd_.store(fd, std::memory_order_release);
  return true;
}

void UdpStatsSink::send(std::string_view packet) noexcept {
  if (packet.size() > kMaxStatsPacketBytes) {
    record_drop("a metric line longer than 512 bytes was dropped (shorten the stat name or tags)");
    return;
  }
  if (!ensure_socket()) {
    dropped_.fetch_add(1);
    return;
  }
  // MSG_DONTWAIT: a full socket buffer drops the metric instead of stalling the task.
  const ssize_t sent = ::send(fd_.load(), packet.data(), packet.size(), MSG_DONTWAIT);
  if (sent < 0 || static_cast<std::size_t>(sent) != packet.size()) {
    const int err = errno;
    try {
      record_drop(
          fmt::format("sending to statsd at {}:{} failed: {}", host_, port_, std::strerror(err)));
    } catch (...) {
      dropped_.fetch_add(1);
    }
  }
}

// ------------------------------------------------------------- MemoryStatsSink

void MemoryStatsSink::send(std::string_view packet) noexcept {
  try {
    std::lock_guard lock(mutex_);
    std::size_t start = 0;
    while (start <= packet.size()) {
      const auto end = packet.find('\n', start);
      const auto line = packet.substr(start, end == std::string_view::npos ? end : end - start);
      if (!line.empty()) lines_.emplace_back(line);
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  } catch (...) {
    // Out of memory while recording a stat: losing the stat is the right outcome.
  }
}

std::vector<std::string> MemoryStatsSink::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

void MemoryStatsSink::clear() {
  std::lock_guard lock(mutex_);
  lines_.clear();
}

// ----------------------------------------------------------------- StatsClient

struct StatsClient::State {
  std::shared_ptr<StatsSink> sink;
  std::string prefix;
  std::map<std::string, std::string> tags;
  StatsConfig cfg;
  std::string tag_suffix;      // flytekit style, appended to the name
  std::string dogstatsd_tail;  // DogStatsD style, appended after the type
};

std::string serialize_stats_tags(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [key, value] : tags) {  // std::map: already sorted by key
    if (!is_ascii(key)) return {};
    const std::string tag = replace_chars(value, "|.:");
    if (!tag.empty()) out += ".__" + key + "=" + tag;
  }
  return out;
}

StatsClient::StatsClient() = default;

StatsClient::StatsClient(std::shared_ptr<StatsSink> sink, std::string prefix,
                         std::map<std::string, std::string> tags, StatsConfig cfg) {
  if (cfg.disabled || !sink) return;
  auto state = std::make_shared<State>();
  state->sink = std::move(sink);
  state->prefix = std::move(prefix);
  if (!cfg.disable_tags) state->tags = std::move(tags);
  state->cfg = std::move(cfg);
  if (state->cfg.dogstatsd_tags) {
    state->dogstatsd_tail = serialize_dogstatsd_tags(state->tags);
  } else {
    state->tag_suffix = serialize_stats_tags(state->tags);
  }
  state_ = std::move(state);
}

StatsClient StatsClient::for_task(const StatsConfig& cfg, std::string_view task_project,
                                  std::string_view task_domain, std::string_view task_name,
                                  std::map<std::string, std::string> tags,
                                  std::shared_ptr<StatsSink> sink) {
  if (cfg.disabled) return StatsClient();
  std::string prefix =
      lower(fmt::format("{}.{}.{}.user_stats", task_project, task_domain, task_name));
  if (!sink) sink = std::make_shared<UdpStatsSink>(cfg.host, cfg.port);
  return StatsClient(std::move(sink), std::move(prefix), std::move(tags), cfg);
}

StatsClient StatsClient::in_memory(std::string prefix, std::map<std::string, std::string> tags,
                                   StatsConfig cfg) {
  return StatsClient(std::make_shared<MemoryStatsSink>(), std::move(prefix), std::move(tags),
                     std::move(cfg));
}

std::string StatsClient::metric_name(std::string_view stat) const {
  if (!state_) return {};
  std::string name;
  name.reserve(state_->prefix.size() + stat.size() + state_->tag_suffix.size() + 1);
  if (!state_->prefix.empty()) {
    name += state_->prefix;
    name += '.';
  }
  // ':' '|' and newlines would end the name early and corrupt the line.
  name += replace_chars(stat, ":|\n");
  name += state_->tag_suffix;
  return name;
}

void StatsClient::emit(std::string_view stat, std::string_view value_and_type) const {
  try {
    // A metric name built from a secret would carry it to the statsd server.
    const std::string name = metric_name(redact(stat));
    std::string line;
    line.reserve(name.size() + value_and_type.size() + state_->dogstatsd_tail.size() + 1);
    line += name;
    line += ':';
    line += value_and_type;
    line += state_->dogstatsd_tail;
    state_->sink->send(line);
  } catch (...) {
    // Stats are best effort; never let one fail the task.
  }
}

void StatsClient::incr(std::string_view stat, std::int64_t count) const {
  if (!state_) return;
  emit(stat, fmt::format("{}|c", count));
}

void StatsClient::decr(std::string_view stat, std::int64_t count) const {
  if (!state_) return;
  emit(stat, fmt::format("{}|c", -count));
}

void StatsClient::gauge(std::string_view stat, double value) const {
  if (!state_ || !std::isfinite(value)) return;
  if (value >= 0) {
    emit(stat, fmt::format("{}|g", value));
    return;
  }
  try {
    const std::string name = metric_name(redact(stat));
    const std::string& tail = state_->dogstatsd_tail;
    state_->sink->send(fmt::format("{0}:0|g{2}\n{0}:{1}|g{2}", name, value, tail));
  } catch (...) {
  }
}

void StatsClient::timing_ms(std::string_view stat, double milliseconds) const {
  if (!state_ || !std::isfinite(milliseconds)) return;
  emit(stat, fmt::format("{:.6f}|ms", milliseconds));
}

StatsTimer StatsClient::timer(std::string_view stat) const {
  return StatsTimer(*this, state_ ? std::string(stat) : std::string());
}

StatsClient StatsClient::get_stats(std::string_view name) const {
  if (!state_) return StatsClient();
  std::string prefix =
      state_->prefix.empty() ? std::string(name) : fmt::format("{}.{}", state_->prefix, name);
  return StatsClient(state_->sink, std::move(prefix), state_->tags, state_->cfg);
}

StatsClient StatsClient::with_tags(const std::map<std::string, std::string>& extra) const {
  if (!state_) return StatsClient();
  auto tags = state_->tags;
  for (const auto& [key, value] : extra) tags[key] = value;
  return StatsClient(state_->sink, state_->prefix, std::move(tags), state_->cfg);
}

const std::string& StatsClient::prefix() const noexcept {
  static const std::string empty;
  return state_ ? state_->prefix : empty;
}

std::vector<std::string> StatsClient::recorded() const {
  if (!state_) return {};
  if (auto memory = std::dynamic_pointer_cast<MemoryStatsSink>(state_->sink)) {
    return memory->lines();
  }
  return {};
}

std::uint64_t StatsClient::dropped() const noexcept {
  return state_ ? state_->sink->dropped() : 0;
}

// ------------------------------------------------------------------ StatsTimer

StatsTimer::StatsTimer(StatsClient client, std::string stat)
    : client_(std::move(client)),
      stat_(std::move(stat)),
      start_(std::chrono::steady_clock::now()),
      active_(client_.enabled()) {}

StatsTimer::StatsTimer(StatsTimer&& other) noexcept
    : client_(std::move(other.client_)),
      stat_(std::move(other.stat_)),
      start_(other.start_),
      active_(std::exchange(other.active_, false)) {}

StatsTimer::~StatsTimer() {
  stop();
}

void StatsTimer::stop() noexcept {
  if (!active_) return;
  active_ = false;
  try {
    client_.timing(stat_, std::chrono::steady_clock::now() - start_);
  } catch (...) {
  }
}

}  // namespace flyte
