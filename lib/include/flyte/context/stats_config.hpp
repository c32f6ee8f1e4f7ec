#pragma once

/// Where user stats go: flytekit's `statsd` config section (CONTRACT §8).

#include <string>

#include "flyte/context/env_lookup.hpp"

namespace flyte {

struct StatsConfig {
  std::string host = "localhost";
  int port = 8125;
  /// No metric leaves the process and none is even formatted.
  bool disabled = false;
  /// Metric names carry no tags at all (flytekit's `disable_tags`).
  bool disable_tags = false;
  /// Our extension: send tags DogStatsD-style (`name:1|c|#k:v,...`) instead of
  /// embedding them in the metric name as flytekit does. Off by default so a
  /// plain statsd daemon sees exactly what flytekit would send.
  bool dogstatsd_tags = false;

  /// `base` overridden by the environment (env var > config file > default, so
  /// the caller passes the config-file values as `base`).
  ///
  /// Variables: `FLYTE_STATSD_HOST|PORT|DISABLED|DISABLE_TAGS` and, for drop-in
  /// compatibility, flytekit's quirk names `FLYTE_SECRETS_HOST|PORT|DISABLED|
  /// DISABLE_TAGS` (flytekit declares its statsd entries under the section
  /// "secrets", so that is what Python tasks read). Per key, a present
  /// `FLYTE_STATSD_*` wins over the `FLYTE_SECRETS_*` name. Also
  /// `FLYTE_STATSD_DOGSTATSD_TAGS` (ours only).
  ///
  /// Bools follow parse_env_bool (false for "", false, 0, off, no). A port that
  /// is not an integer in 1..65535 is an error naming the variable and value.
  static StatsConfig from_env(const EnvLookup& env, StatsConfig base);
  /// from_env over the defaults.
  static StatsConfig from_env(const EnvLookup& env);
};

}  // namespace flyte
