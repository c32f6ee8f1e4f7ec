#include "flyte/context/redaction.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace flyte;

TEST_CASE("redact masks every registered value, longest first") {
  clear_sensitive_values_for_testing();
  CHECK(redact("token=abcd1234") == "token=abcd1234");
  register_sensitive_value("abcd1234\n");
  register_sensitive_value("abcd");
  CHECK(redact("token=abcd1234 and abcd1234 and abcdx") ==
        "token=[redacted] and [redacted] and [redacted]x");
  register_sensitive_value("no");  // too short to mask without destroying text
  CHECK(redact("no way") == "no way");
  clear_sensitive_values_for_testing();
  CHECK(redact("abcd1234") == "abcd1234");
}

TEST_CASE("redact keeps the white space around a value whose raw form has some (issue 13.4)") {
  clear_sensitive_values_for_testing();
  register_sensitive_value("  padded-secret-77 \n");
  CHECK(redact("has padded-secret-77 and") == "has [redacted] and");
  // A secret file's trailing newline must not glue two log lines together.
  CHECK(redact("line one padded-secret-77\nline two\n") == "line one [redacted]\nline two\n");
  clear_sensitive_values_for_testing();
}

TEST_CASE("a multi-line value is masked whole and line by line") {
  clear_sensitive_values_for_testing();
  const std::string pem =
      "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\n-----END "
      "KEY-----\n";
  register_sensitive_value(pem);
  CHECK(redact("key: " + pem) == "key: [redacted]\n");
  // The tail of a log that starts in the middle of the key.
  CHECK(redact("AASCBKcwggSjAgEAAoIB\n-----END KEY-----\n") ==
        "AASCBKcwggSjAgEAAoIB\n[redacted]\n");
  CHECK(redact("xAQEFAASCBKcwggSjAgEAAoIBx") == "x[redacted]x");
  clear_sensitive_values_for_testing();
}

TEST_CASE("StreamRedactor masks a value split across chunks at every split point") {
  clear_sensitive_values_for_testing();
  const std::string secret = "stream-secret-0123456789";
  register_sensitive_value(secret);
  const std::string text = "before " + secret + " middle " + secret + secret + " after\nend";
  for (std::size_t split = 0; split <= text.size(); ++split) {
    StreamRedactor stream;
    std::string out = stream.feed(text.substr(0, split));
    out += stream.feed(text.substr(split));
    out += stream.finish();
    INFO("split at " << split);
    CHECK(out == "before [redacted] middle [redacted][redacted] after\nend");
  }
  // One byte at a time, and what it holds back is bounded.
  StreamRedactor stream;
  std::string out;
  for (char c : text) {
    out += stream.feed(std::string(1, c));
    CHECK(stream.held() < secret.size());
  }
  out += stream.finish();
  CHECK(out == "before [redacted] middle [redacted][redacted] after\nend");
  clear_sensitive_values_for_testing();
}

TEST_CASE("StreamRedactor releases a finished line at once and a long line beyond the hold") {
  clear_sensitive_values_for_testing();
  register_sensitive_value("held-value-xyz");
  StreamRedactor stream;
  CHECK(stream.feed("a whole line\n") == "a whole line\n");
  const std::string long_line(100000, 'q');
  const std::string out = stream.feed(long_line);
  CHECK(out.size() == long_line.size() - (std::string("held-value-xyz").size() - 1));
  CHECK(stream.finish() == std::string(13, 'q'));
  clear_sensitive_values_for_testing();
}

namespace {
std::vector<std::string> heard;
void listen(std::string_view piece) {
  heard.emplace_back(piece);
}
}  // namespace

TEST_CASE("the listener hears each new piece once") {
  clear_sensitive_values_for_testing();
  heard.clear();
  set_sensitive_value_listener(&listen);
  register_sensitive_value(" first-value \n");
  register_sensitive_value("first-value");
  register_sensitive_value("line-one\nline-two");
  set_sensitive_value_listener(nullptr);
  CHECK(heard ==
        std::vector<std::string>{"first-value", "line-one\nline-two", "line-one", "line-two"});
  clear_sensitive_values_for_testing();
}
