#pragma once

// UTF-8 checks for proto3 `string` fields (internal to the model layer).

#include <google/protobuf/stubs/common.h>

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace flyte::utf8 {

/// Length of the longest valid UTF-8 prefix of `text` (`text.size()` when
/// all of it is valid). protobuf's validator takes an int length, so longer
/// strings are walked in chunks; a chunk may end inside a character, which
/// is then checked again as the start of the next chunk (`chunk` >= 4; only
/// tests pass a small one).
inline std::size_t valid_prefix(std::string_view text, std::size_t chunk = std::size_t{1} << 30) {
  std::size_t done = 0;
  while (done < text.size()) {
    const std::size_t length = std::min(chunk, text.size() - done);
    const auto valid =
        static_cast<std::size_t>(google::protobuf::internal::UTF8SpnStructurallyValid(
            google::protobuf::StringPiece(text.data() + done, length)));
    if (valid == length) {
      done += valid;
      continue;
    }
    // A character cut by the chunk's end is at most 3 bytes short of it.
    const bool cut = done + length < text.size() && length - valid < 4 && valid > 0;
    if (!cut) return done + valid;
    done += valid;
  }
  return done;
}

inline bool is_valid(std::string_view text) {
  return valid_prefix(text) == text.size();
}

}  // namespace flyte::utf8
