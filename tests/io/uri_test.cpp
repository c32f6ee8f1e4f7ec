#include "flyte/io/uri.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

TEST_CASE("uri_scheme finds the lower-cased scheme and treats anything else as a path") {
  CHECK(uri_scheme("s3://bucket/key") == "s3");
  CHECK(uri_scheme("GS://bucket") == "gs");
  CHECK(uri_scheme("file:///tmp/x") == "file");
  CHECK(uri_scheme("abfs+x.y-z://c") == "abfs+x.y-z");
  CHECK(uri_scheme("/tmp/a://b").empty());
  CHECK(uri_scheme("relative/path").empty());
  CHECK(uri_scheme("://nothing").empty());
  CHECK(uri_scheme("1s3://b").empty());
  CHECK(uri_without_scheme("s3://bucket/key") == "bucket/key");
  CHECK(uri_without_scheme("/plain") == "/plain");
}

TEST_CASE("join_uri handles trailing slashes, schemes, roots and empty parts") {
  CHECK(join_uri("s3://b/x/", {"y/", "/z"}) == "s3://b/x/y/z");
  CHECK(join_uri("s3://b", {"k"}) == "s3://b/k");
  CHECK(join_uri("s3://", {"b", "k"}) == "s3://b/k");
  CHECK(join_uri("/", {"a"}) == "/a");
  CHECK(join_uri("file:///", {"tmp", "a"}) == "file:///tmp/a");
  CHECK(join_uri("file:///tmp//", {"a"}) == "file:///tmp/a");
  CHECK(join_uri("/tmp/cp", {"", "_dst_cp"}) == "/tmp/cp/_dst_cp");
  CHECK(join_uri("", {"a", "b/c"}) == "a/b/c");
  CHECK(join_uri("rel", {}) == "rel");
}
