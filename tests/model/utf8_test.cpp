// The model layer's internal UTF-8 check (lib/src/model/utf8.hpp).
#include <catch2/catch.hpp>
#include <string>

#include "../../lib/src/model/utf8.hpp"

using flyte::utf8::valid_prefix;

TEST_CASE("valid_prefix finds the first invalid byte, also across chunk boundaries") {
  const std::string euro = "\xe2\x82\xac";  // 3 bytes
  const std::string text = "ab" + euro + "cd" + euro + euro + "e";
  // Every chunk size from 4 (the smallest that holds a character) up: a
  // character cut by a chunk's end must not count as invalid.
  for (std::size_t chunk = 4; chunk <= text.size() + 1; ++chunk) {
    INFO("chunk " << chunk);
    CHECK(valid_prefix(text, chunk) == text.size());
    const std::string bad = text.substr(0, 7) + "\xff" + text.substr(7);
    CHECK(valid_prefix(bad, chunk) == 7);
    const std::string truncated = text + euro.substr(0, 2);  // ends inside a character
    CHECK(valid_prefix(truncated, chunk) == text.size());
  }
  CHECK(valid_prefix("") == 0);
  CHECK(valid_prefix("\xc3\x28") == 0);
}
