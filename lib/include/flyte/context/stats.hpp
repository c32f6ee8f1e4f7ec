#pragma once

/// User stats (`ctx.stats` in flytekit): a statsd client whose metric names
/// carry the task's prefix and tags the way flytekit's TaggableStats does
/// (CONTRACT §5), so dashboards built for Python tasks work unchanged.
///
/// Stats are best effort: nothing here throws into the task once the client
/// exists. Send failures and oversized packets are counted (`dropped()`) and
/// the first one is logged on the `flytekit` logger.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/context/stats_config.hpp"

namespace flyte {

/// The largest datagram we send: pystatsd's `maxudpsize`, safe on any network
/// path. A metric whose line does not fit is dropped, not truncated, since a
/// truncated name would be recorded as a different metric.
inline constexpr std::size_t kMaxStatsPacketBytes = 512;

/// Where formatted statsd lines go. `send` receives one packet: one or more
/// lines separated by '\n'. Must be thread-safe and must not throw.
class StatsSink {
 public:
  virtual ~StatsSink() = default;
  virtual void send(std::string_view packet) noexcept = 0;
  /// Packets this sink failed to deliver (send error, too large, no socket).
  virtual std::uint64_t dropped() const noexcept { return 0; }
};

/// statsd over UDP. The socket is opened (and the host resolved) on the first
/// send, so a run that never emits a metric never touches the network. If the
/// host cannot be resolved, every later packet is dropped without retrying:
/// a DNS lookup per metric would slow the task down for nothing.
class UdpStatsSink final : public StatsSink {
 public:
  UdpStatsSink(std::string host, int port);
  ~UdpStatsSink() override;
  UdpStatsSink(const UdpStatsSink&) = delete;
  UdpStatsSink& operator=(const UdpStatsSink&) = delete;

  void send(std::string_view packet) noexcept override;
  std::uint64_t dropped() const noexcept override { return dropped_.load(); }

 private:
  bool ensure_socket() noexcept;
  void record_drop(std::string_view why) noexcept;

  std::string host_;
  int port_;
  std::mutex open_mutex_;
  std::atomic<int> fd_{-1};
  std::atomic<bool> open_failed_{false};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> warned_{false};
};

/// Keeps every line in memory: local runs (no statsd daemon) and tests.
class MemoryStatsSink final : public StatsSink {
 public:
  void send(std::string_view packet) noexcept override;
  /// Every line recorded so far, in order.
  std::vector<std::string> lines() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

class StatsTimer;

/// A statsd client with a fixed prefix and tags. Copies are cheap and share
/// the sink. Thread-safe.
class StatsClient {
 public:
  /// A client that drops everything without formatting it.
  StatsClient();

  /// `prefix` is used as given (empty: names are just the stat); `tags` are
  /// attached to every metric unless `cfg.disable_tags`; `cfg.disabled` makes
  /// the client a no-op whatever the sink.
  StatsClient(std::shared_ptr<StatsSink> sink, std::string prefix,
              std::map<std::string, std::string> tags, StatsConfig cfg = {});

  /// flytekit's ExecutionParameters stats: prefix
  /// `<task project>.<task domain>.<task name>.user_stats`, lower-cased, and
  /// `tags` (exec_project, exec_domain, exec_workflow, exec_launchplan,
  /// api_version in a container). Sends to statsd over UDP at cfg.host:port,
  /// or to `sink` when one is given (local runs pass a MemoryStatsSink).
  static StatsClient for_task(const StatsConfig& cfg, std::string_view task_project,
                              std::string_view task_domain, std::string_view task_name,
                              std::map<std::string, std::string> tags,
                              std::shared_ptr<StatsSink> sink = nullptr);

  /// A client recording into memory; read the lines with `recorded()`.
  static StatsClient in_memory(std::string prefix = "",
                               std::map<std::string, std::string> tags = {}, StatsConfig cfg = {});

  /// A client that does nothing (flytekit's DummyStatsClient).
  static StatsClient disabled() { return StatsClient(); }

  void incr(std::string_view stat, std::int64_t count = 1) const;
  void decr(std::string_view stat, std::int64_t count = 1) const;
  /// An absolute gauge. NaN and infinities are not representable in statsd
  /// and are ignored. A negative value is sent as `0|g` then `-v|g` in one
  /// packet, as pystatsd does, because statsd reads a leading sign as a delta.
  void gauge(std::string_view stat, double value) const;
  template <class Rep, class Period>
  void timing(std::string_view stat, std::chrono::duration<Rep, Period> elapsed) const {
    timing_ms(stat, std::chrono::duration<double, std::milli>(elapsed).count());
  }
  /// Milliseconds, sent as `%.6f|ms` like pystatsd (NaN/infinite: ignored).
  void timing_ms(std::string_view stat, double milliseconds) const;
  /// RAII: records the scope's duration as a timing when it ends.
  [[nodiscard]] StatsTimer timer(std::string_view stat) const;

  /// A client for `<prefix>.<name>` with the same tags and sink (flytekit's
  /// `get_stats(name)`).
  StatsClient get_stats(std::string_view name) const;
  /// A client with the same prefix and sink and `extra` added to the tags (a
  /// key in `extra` wins); flytekit's per-call `tags=` / `extend_tags`.
  StatsClient with_tags(const std::map<std::string, std::string>& extra) const;

  /// The full metric name `stat` is sent under, tags included (empty when the
  /// client is disabled). `:`, `|` and newlines in `stat` become `_`: they
  /// would end the name early and corrupt the statsd line.
  std::string metric_name(std::string_view stat) const;

  bool enabled() const noexcept { return state_ != nullptr; }
  /// The prefix as used (lower-cased by for_task); empty when disabled.
  const std::string& prefix() const noexcept;
  /// Lines recorded by a memory sink; empty for any other sink.
  std::vector<std::string> recorded() const;
  /// Packets the sink could not deliver.
  std::uint64_t dropped() const noexcept;

 private:
  struct State;
  void emit(std::string_view stat, std::string_view value_and_type) const;
  std::shared_ptr<const State> state_;
};

/// Records the time from its creation to its destruction as a timing stat.
/// Move-only; a moved-from timer records nothing.
class StatsTimer {
 public:
  StatsTimer(StatsTimer&& other) noexcept;
  StatsTimer& operator=(StatsTimer&&) = delete;
  StatsTimer(const StatsTimer&) = delete;
  StatsTimer& operator=(const StatsTimer&) = delete;
  ~StatsTimer();

  /// Records now instead of at destruction; later calls do nothing.
  void stop() noexcept;

 private:
  friend class StatsClient;
  StatsTimer(StatsClient client, std::string stat);
  StatsClient client_;
  std::string stat_;
  std::chrono::steady_clock::time_point start_;
  bool active_;
};

/// flytekit's tag serialisation: `.__<key>=<value>` for each key in sorted
/// order, `|`, `.`, `:` in values replaced by `_`, empty values skipped. A
/// non-ASCII key makes flytekit drop all tags, and so do we.
std::string serialize_stats_tags(const std::map<std::string, std::string>& tags);

}  // namespace flyte
