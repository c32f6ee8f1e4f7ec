#include "flyte/io/uri.hpp"

#include <cctype>

namespace flyte {

namespace {

constexpr std::string_view kSchemeSeparator = "://";

// Position of "://" when what precedes it is a valid scheme, else npos.
std::size_t scheme_end(std::string_view uri) {
  auto pos = uri.find(kSchemeSeparator);
  if (pos == std::string_view::npos || pos == 0) return std::string_view::npos;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return std::string_view::npos;
  for (std::size_t i = 1; i < pos; ++i) {
    auto c = static_cast<unsigned char>(uri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::string_view::npos;
  }
  return pos;
}

std::string_view trim_slashes(std::string_view s, bool leading) {
  if (leading) {
    while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string uri_scheme(std::string_view uri) {
  auto end = scheme_end(uri);
  if (end == std::string_view::npos) return {};
  std::string scheme(uri.substr(0, end));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

std::string_view uri_without_scheme(std::string_view uri) {
  auto end = scheme_end(uri);
  return end == std::string_view::npos ? uri : uri.substr(end + kSchemeSeparator.size());
}

std::string join_uri(std::string_view prefix, std::initializer_list<std::string_view> parts) {
  auto end = scheme_end(prefix);
  std::size_t body_start = end == std::string_view::npos ? 0 : end + kSchemeSeparator.size();
  std::string result(prefix.substr(0, body_start));
  std::string_view body = prefix.substr(body_start);
  bool rooted = !body.empty() && body.front() == '/';
  body = trim_slashes(body, /*leading=*/false);
  result += body;
  bool need_separator = !body.empty();
  if (body.empty() && rooted) {
    result += '/';
    need_separator = false;
  }
  for (auto part : parts) {
    part = trim_slashes(part, /*leading=*/true);
    if (part.empty()) continue;
    if (need_separator) result += '/';
    result += part;
    need_separator = true;
  }
  return result;
}

}  // namespace flyte
