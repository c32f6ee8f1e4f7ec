#pragma once

/// The little URI handling storage needs: which backend a URI belongs to and
/// how to build "folder/child" URIs. Flyte's URIs are `scheme://rest` (s3, gs,
/// abfs, file) or plain local paths; nothing more (no query, no escaping) is
/// interpreted, because object keys are opaque strings to Flyte too.

#include <initializer_list>
#include <string>
#include <string_view>

namespace flyte {

/// The lower-cased scheme of `scheme://rest`, or "" for a plain path. A
/// scheme is a letter followed by letters, digits, '+', '-' or '.', as in
/// RFC 3986; anything else before "://" means the whole string is a path.
std::string uri_scheme(std::string_view uri);

/// What follows "scheme://" (the whole string for a plain path).
std::string_view uri_without_scheme(std::string_view uri);

/// Joins a prefix and path parts with single '/' separators, as flytekit's
/// FileAccessProvider.join does: trailing slashes of the prefix and leading or
/// trailing slashes of each part are dropped, empty parts are skipped, and the
/// scheme's "://" and a root "/" are kept
/// (join("s3://b/x/", {"y/", "/z"}) == "s3://b/x/y/z", join("/", {"a"}) == "/a").
std::string join_uri(std::string_view prefix, std::initializer_list<std::string_view> parts);

}  // namespace flyte
