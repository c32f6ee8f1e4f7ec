#include "flyte/context/redaction.hpp"

#include <catch2/catch.hpp>

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
