#include "flyte/context/stats.hpp"
#include "support/digit_shape.hpp"

#include <spdlog/sinks/ostream_sink.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "flyte/context/logging.hpp"

using namespace flyte;
using flyte::testing::digit_shape;

namespace {

/// A real statsd stand-in: a UDP socket bound to 127.0.0.1 on a free port.
class UdpListener {
 public:
  UdpListener() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd_ < 0) throw std::runtime_error("test listener: socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("test listener: bind() failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~UdpListener() { ::close(fd_); }
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  int port() const { return port_; }

  /// The next datagram; nullopt if none arrives within the poll timeout, so a
  /// missing packet fails the test instead of hanging it.
  std::optional<std::string> receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return std::nullopt;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

StatsConfig local_cfg(const UdpListener& listener) {
  StatsConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = listener.port();
  return cfg;
}

const std::map<std::string, std::string> kTaskTags = {
    {"exec_project", "flytesnacks"}, {"exec_domain", "development"},
    {"exec_workflow", "wf.v1:main"}, {"exec_launchplan", ""},
    {"api_version", "1.2|3"},
};

}  // namespace

TEST_CASE("StatsConfig defaults are flytekit's statsd defaults") {
  const auto cfg = StatsConfig::from_env(env_from_map({}));
  CHECK(cfg.host == "localhost");
  CHECK(cfg.port == 8125);
  CHECK_FALSE(cfg.disabled);
  CHECK_FALSE(cfg.disable_tags);
  CHECK_FALSE(cfg.dogstatsd_tags);
}

TEST_CASE("StatsConfig reads FLYTE_STATSD_* and flytekit's FLYTE_SECRETS_* quirk names") {
  SECTION("quirk names alone are honoured") {
    const auto cfg = StatsConfig::from_env(env_from_map({{"FLYTE_SECRETS_HOST", "statsd.svc"},
                                                         {"FLYTE_SECRETS_PORT", "9125"},
                                                         {"FLYTE_SECRETS_DISABLED", "TRUE"},
                                                         {"FLYTE_SECRETS_DISABLE_TAGS", "1"}}));
    CHECK(cfg.host == "statsd.svc");
    CHECK(cfg.port == 9125);
    CHECK(cfg.disabled);
    CHECK(cfg.disable_tags);
  }
  SECTION("FLYTE_STATSD_* wins over the quirk name, key by key") {
    const auto cfg = StatsConfig::from_env(env_from_map({{"FLYTE_SECRETS_HOST", "old"},
                                                         {"FLYTE_STATSD_HOST", "new"},
                                                         {"FLYTE_SECRETS_PORT", "1000"},
                                                         {"FLYTE_SECRETS_DISABLED", "yes"},
                                                         {"FLYTE_STATSD_DISABLED", "Off"}}));
    CHECK(cfg.host == "new");
    CHECK(cfg.port == 1000);
    CHECK_FALSE(cfg.disabled);
  }
  SECTION("env overrides the base (config file) values; absent keys keep them") {
    StatsConfig base;
    base.host = "from-file";
    base.port = 7000;
    base.disable_tags = true;
    const auto cfg =
        StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_DISABLE_TAGS", "no"}}), base);
    CHECK(cfg.host == "from-file");
    CHECK(cfg.port == 7000);
    CHECK_FALSE(cfg.disable_tags);
  }
  SECTION("booleans follow the env bool rule") {
    for (const char* falsy : {"", "false", "FALSE", "0", "off", "No"}) {
      CHECK_FALSE(StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_DISABLED", falsy}})).disabled);
    }
    CHECK(StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_DISABLED", "t"}})).disabled);
    CHECK(StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_DOGSTATSD_TAGS", "true"}}))
              .dogstatsd_tags);
  }
}

TEST_CASE("StatsConfig rejects a bad port naming the variable and the value") {
  for (const char* bad : {"abc", "", "0", "70000", "81x", "-1"}) {
    INFO("port value: " << bad);
    try {
      StatsConfig::from_env(env_from_map({{"FLYTE_SECRETS_PORT", bad}}));
      FAIL("expected an error");
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK(message.find("FLYTE_SECRETS_PORT") != std::string::npos);
      CHECK(message.find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
  CHECK(StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_PORT", " 8126 "}})).port == 8126);
  CHECK_THROWS_WITH(StatsConfig::from_env(env_from_map({{"FLYTE_STATSD_HOST", ""}})),
                    Catch::Contains("FLYTE_STATSD_HOST"));
}

TEST_CASE("flytekit tag serialisation sorts keys, escapes values and skips empty ones") {
  CHECK(serialize_stats_tags({}) == "");
  CHECK(serialize_stats_tags(kTaskTags) ==
        ".__api_version=1_2_3.__exec_domain=development.__exec_project=flytesnacks"
        ".__exec_workflow=wf_v1_main");
  CHECK(serialize_stats_tags({{"k\xc3\xa9", "v"}, {"a", "b"}}) == "");  // non-ASCII key: no tags
}

TEST_CASE("Stats reach a real UDP statsd listener with prefix and sorted escaped tags") {
  UdpListener listener;
  auto stats = StatsClient::for_task(local_cfg(listener), "FlyteSnacks", "Development", "My.Task",
                                     kTaskTags);
  const std::string name_tail =
      ".__api_version=1_2_3.__exec_domain=development.__exec_project=flytesnacks"
      ".__exec_workflow=wf_v1_main";
  CHECK(stats.prefix() == "flytesnacks.development.my.task.user_stats");

  stats.incr("rows");
  CHECK(listener.receive() ==
        "flytesnacks.development.my.task.user_stats.rows" + name_tail + ":1|c");
  stats.incr("rows", 5);
  CHECK(listener.receive() ==
        "flytesnacks.development.my.task.user_stats.rows" + name_tail + ":5|c");
  stats.decr("rows", 2);
  CHECK(listener.receive() ==
        "flytesnacks.development.my.task.user_stats.rows" + name_tail + ":-2|c");
  stats.gauge("queue", 2.5);
  CHECK(listener.receive() ==
        "flytesnacks.development.my.task.user_stats.queue" + name_tail + ":2.5|g");
  stats.gauge("delta", -3);
  const std::string delta = "flytesnacks.development.my.task.user_stats.delta" + name_tail;
  CHECK(listener.receive() == delta + ":0|g\n" + delta + ":-3|g");
  stats.timing("load", std::chrono::microseconds(1500));
  CHECK(listener.receive() ==
        "flytesnacks.development.my.task.user_stats.load" + name_tail + ":1.500000|ms");
  { auto timer = stats.timer("scope"); }
  const auto timed = listener.receive();
  REQUIRE(timed);
  const std::string scope = "flytesnacks.development.my.task.user_stats.scope" + name_tail + ":";
  REQUIRE(timed->rfind(scope, 0) == 0);
  const std::string shape = digit_shape(timed->substr(scope.size()));
  CHECK(shape.size() >= 10);
  CHECK(shape.find_first_not_of('9') == shape.size() - 10);  // integer part: digits only
  CHECK(shape.substr(shape.size() - 10) == ".999999|ms");
  CHECK(stats.dropped() == 0);
}

TEST_CASE("disable_tags sends bare metric names") {
  UdpListener listener;
  auto cfg = local_cfg(listener);
  cfg.disable_tags = true;
  auto stats = StatsClient::for_task(cfg, "p", "d", "t", kTaskTags);
  stats.incr("count");
  CHECK(listener.receive() == "p.d.t.user_stats.count:1|c");
}

TEST_CASE("DogStatsD mode sends tags after the type") {
  UdpListener listener;
  auto cfg = local_cfg(listener);
  cfg.dogstatsd_tags = true;
  auto stats = StatsClient::for_task(cfg, "p", "d", "t", {{"b", "x|y,z"}, {"a", "1.0"}, {"e", ""}});
  stats.incr("count");
  CHECK(listener.receive() == "p.d.t.user_stats.count:1|c|#a:1.0,b:x_y_z");
}

TEST_CASE("A disabled stats client sends nothing") {
  UdpListener listener;
  auto cfg = local_cfg(listener);
  cfg.disabled = true;
  auto disabled = StatsClient::for_task(cfg, "p", "d", "t", kTaskTags);
  CHECK_FALSE(disabled.enabled());
  disabled.incr("nope");
  disabled.gauge("nope", -1);
  disabled.timing("nope", std::chrono::seconds(1));
  { auto timer = disabled.timer("nope"); }
  CHECK(disabled.metric_name("nope").empty());
  CHECK(disabled.recorded().empty());

  // A sentinel from an enabled client must be the first datagram to arrive.
  cfg.disabled = false;
  StatsClient::for_task(cfg, "p", "d", "t", {}).incr("sentinel");
  CHECK(listener.receive() == "p.d.t.user_stats.sentinel:1|c");
}

TEST_CASE("Packets over 512 bytes are dropped and counted, 512 bytes are sent") {
  UdpListener listener;
  auto stats = StatsClient::for_task(local_cfg(listener), "p", "d", "t", {});
  const std::string fixed = "p.d.t.user_stats.:1|c";  // everything but the stat name
  const std::string fits(kMaxStatsPacketBytes - fixed.size(), 'a');
  const std::string too_long(kMaxStatsPacketBytes - fixed.size() + 1, 'b');

  stats.incr(too_long);
  CHECK(stats.dropped() == 1);
  stats.incr(fits);
  const auto packet = listener.receive();
  REQUIRE(packet);
  CHECK(packet->size() == kMaxStatsPacketBytes);
  CHECK(*packet == "p.d.t.user_stats." + fits + ":1|c");
}

TEST_CASE("An unresolvable statsd host never throws and is logged once") {
  std::ostringstream log;
  LoggingConfig logging;
  logging.format = LogFormat::TEXT;
  setup_logging(logging, std::make_shared<spdlog::sinks::ostream_sink_mt>(log));

  StatsConfig cfg;
  cfg.host = "no-such-host.invalid";
  auto stats = StatsClient::for_task(cfg, "p", "d", "t", {});
  CHECK_NOTHROW(stats.incr("x"));
  CHECK_NOTHROW(stats.gauge("y", -1));
  CHECK_NOTHROW(stats.timer("z"));
  CHECK(stats.dropped() == 3);
  system_logger()->flush();
  const std::string text = log.str();
  setup_logging(LoggingConfig{});

  CHECK(text.rfind("[flytekit] stats: cannot resolve statsd host 'no-such-host.invalid'", 0) == 0);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
}

TEST_CASE("In-memory stats record lines for local runs and tests") {
  auto stats = StatsClient::in_memory("local.user_stats", {{"exec_project", "local"}});
  stats.incr("a");
  stats.get_stats("sub").gauge("b", 7);
  CHECK(stats.recorded() ==
        std::vector<std::string>{"local.user_stats.a.__exec_project=local:1|c",
                                 "local.user_stats.sub.b.__exec_project=local:7|g"});
  stats.with_tags({{"exec_project", "override"}, {"extra", "1:2"}}).incr("c");
  CHECK(stats.recorded().back() == "local.user_stats.c.__exec_project=override.__extra=1_2:1|c");
  stats.gauge("nan", std::nan(""));
  stats.timing_ms("inf", std::numeric_limits<double>::infinity());
  CHECK(stats.recorded().size() == 3);

  auto bare = StatsClient::in_memory();
  bare.incr("weird:name|x");
  CHECK(bare.recorded() == std::vector<std::string>{"weird_name_x:1|c"});
}

TEST_CASE("A stats timer moved out records once") {
  auto stats = StatsClient::in_memory("p");
  {
    auto outer = stats.timer("t");
    auto moved = std::move(outer);
    moved.stop();
  }
  REQUIRE(stats.recorded().size() == 1);
  CHECK(stats.recorded()[0].rfind("p.t:", 0) == 0);
}

TEST_CASE("A stats client can be shared between threads") {
  auto stats = StatsClient::in_memory("p");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([stats] {
      for (int i = 0; i < 100; ++i) stats.incr("n");
    });
  }
  for (auto& th : threads) th.join();
  const auto lines = stats.recorded();
  CHECK(lines.size() == 400);
  CHECK(
      std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return l == "p.n:1|c"; }));
}
