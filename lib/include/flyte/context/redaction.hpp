#pragma once

/// Process-wide registry of values that must never be printed (secret values).
///
/// flytekit relies on users not logging secrets; we enforce it where we write:
/// the SecretsManager registers every value it hands out, and every sink we
/// control (log lines, error codes and messages, error.pb, decks, output
/// metadata, statsd packets, the relay of the task's output) passes its text
/// through `redact()` or a StreamRedactor before it leaves the process.
/// Thread-safe.
///
/// What is registered is the value as a task sees it: stripped of surrounding
/// white space (so masking keeps the text around it, and a secret file's
/// trailing newline never swallows a line break), and, for a value of several
/// lines, each of its lines as well as the whole (so a multi-line secret that
/// is printed piecemeal or cut by a tail is still masked line by line).
///
/// What masking cannot catch: a transformed value (base64, hex, reversed,
/// split with separators), a line of a multi-line secret shorter than 4 bytes,
/// and a value a task obtained some other way than the SecretsManager or the
/// injected-secret environment/files.

#include <string>
#include <string_view>

namespace flyte {

/// What a registered value is replaced with.
inline constexpr std::string_view kRedactedMarker = "[redacted]";

/// Remembers `value` as sensitive: its stripped form and, when it has
/// several lines, each stripped line. Pieces shorter than 4 bytes are not
/// registered: masking every "1" or "on" in every log line would destroy the
/// logs and hide nothing.
void register_sensitive_value(std::string_view value);

/// `text` with every registered value replaced by kRedactedMarker (at each
/// position the longest value that matches wins). Cheap when nothing is
/// registered (one atomic load).
std::string redact(std::string_view text);

/// Called with each newly registered piece (already stripped and split), in
/// registration order, while the registry is locked; a process that relays
/// its output through another (the task process under the supervisor) uses it
/// to tell the relaying process about a value before it can print it. Must not
/// call back into the registry. nullptr removes it.
using SensitiveValueListener = void (*)(std::string_view piece);
void set_sensitive_value_listener(SensitiveValueListener listener);

/// Masks a byte stream that arrives in chunks of any size: a value split
/// across two chunks is still masked. feed() returns the masked bytes that are
/// final; it holds back at most (longest registered single-line value - 1)
/// bytes after the stream's last newline, since only a value without a
/// newline can still be completed by the next chunk (a multi-line value's
/// lines are registered one by one). finish() returns what is held.
class StreamRedactor {
 public:
  std::string feed(std::string_view chunk);
  std::string finish();
  /// Bytes held back, waiting for the next chunk.
  std::size_t held() const { return held_.size(); }

 private:
  std::string held_;
};

/// Forgets every registered value; for tests only.
void clear_sensitive_values_for_testing();

}  // namespace flyte
