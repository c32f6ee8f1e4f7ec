#pragma once

/// Environment access as a value, so that every reader of env vars (secrets,
/// stats, logging, config) can be tested without touching the real process
/// environment, and so a run resolves the environment once, up front.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flyte {

/// Returns the value of a variable, or nullopt when it is absent. An empty
/// value is "present" (CONTRACT §4: the first present name wins, even empty).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The real process environment (getenv), read at call time.
EnvLookup process_env();

/// A fixed environment, for tests and for runs whose environment was captured.
EnvLookup env_from_map(std::map<std::string, std::string> values);

/// The first of `names` that is present, or nullopt. Used for Flyte's
/// long/short variable pairs (`FLYTE_INTERNAL_EXECUTION_ID` / `_F_NM`).
std::optional<std::string> first_present(const EnvLookup& env,
                                         std::initializer_list<std::string_view> names);

/// CONTRACT §8's bool parsing: false for "", false, 0, off, no (any case),
/// true otherwise.
bool parse_env_bool(std::string_view value);

}  // namespace flyte
