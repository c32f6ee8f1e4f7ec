#pragma once

#include <string>
#include <string_view>

namespace flyte::testing {

/// `text` with every digit replaced by '9', to check the shape of numbers,
/// ids and timestamps without std::regex (GCC 12's <regex> trips
/// -Wmaybe-uninitialized in the sanitizer build).
inline std::string digit_shape(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= '0' && c <= '9') c = '9';
  }
  return out;
}

}  // namespace flyte::testing
