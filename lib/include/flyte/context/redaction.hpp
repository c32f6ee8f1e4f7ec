#pragma once

/// Process-wide registry of values that must never be printed (secret values).
///
/// flytekit relies on users not logging secrets; we enforce it where we write:
/// the SecretsManager registers every value it hands out, and every sink we
/// control (log lines, error messages, error.pb, decks) passes its text through
/// `redact()` before it leaves the process. Thread-safe.

#include <string>
#include <string_view>

namespace flyte {

/// What a registered value is replaced with.
inline constexpr std::string_view kRedactedMarker = "[redacted]";

/// Remembers `value` (and its surrounding-whitespace-stripped form) as
/// sensitive. Values shorter than 4 bytes are not registered: masking every
/// "1" or "on" in every log line would destroy the logs and hide nothing.
void register_sensitive_value(std::string_view value);

/// `text` with every registered value replaced by kRedactedMarker.
/// Cheap when nothing is registered (one atomic load).
std::string redact(std::string_view text);

/// Forgets every registered value; for tests only.
void clear_sensitive_values_for_testing();

}  // namespace flyte
