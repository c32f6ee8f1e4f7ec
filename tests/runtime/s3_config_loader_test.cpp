#include "flyte/runtime/s3_config_loader.hpp"

#include <catch2/catch.hpp>

#include "flyte/context/redaction.hpp"

using namespace flyte;

namespace {

const char* kYaml = R"(storage:
  connection:
    endpoint: http://file-endpoint:9000
    access-key: file-key
    secret-key: file-secret-value
    addressing-style: virtual
    region: file-region
)";

S3Config load(const std::string& yaml, std::map<std::string, std::string> vars) {
  const EnvLookup env = env_from_map(std::move(vars));
  return load_s3_config(Config::from_yaml(yaml, "test.yaml", env), env);
}

}  // namespace

TEST_CASE("S3 config comes from the config file when no env var is set") {
  const S3Config s3 = load(kYaml, {});
  CHECK(s3.endpoint == "http://file-endpoint:9000");
  CHECK(s3.access_key == "file-key");
  CHECK(s3.secret_key == "file-secret-value");
  CHECK(s3.region == "file-region");
  CHECK(s3.addressing_style == S3AddressingStyle::VIRTUAL);
  CHECK(s3.multipart_threshold == 64u << 20);
  CHECK(s3.multipart_part_size == 16u << 20);
}

TEST_CASE("S3 config: Flyte env vars beat the file, which beats the standard AWS vars") {
  const std::map<std::string, std::string> aws{{"AWS_ACCESS_KEY_ID", "aws-key"},
                                               {"AWS_SECRET_ACCESS_KEY", "aws-secret-value"},
                                               {"AWS_SESSION_TOKEN", "aws-session-token"},
                                               {"AWS_REGION", "aws-region"}};
  const S3Config from_file = load(kYaml, aws);
  CHECK(from_file.access_key == "file-key");
  CHECK(from_file.region == "file-region");
  CHECK(from_file.session_token == "aws-session-token");

  const S3Config from_aws = load("", aws);
  CHECK(from_aws.endpoint.empty());
  CHECK(from_aws.access_key == "aws-key");
  CHECK(from_aws.secret_key == "aws-secret-value");
  CHECK(from_aws.region == "aws-region");
  CHECK(from_aws.addressing_style == S3AddressingStyle::AUTO);

  auto flyte = aws;
  flyte["FLYTE_AWS_ENDPOINT"] = "http://flyte-endpoint:9000";
  flyte["FLYTE_AWS_ACCESS_KEY_ID"] = "flyte-key";
  flyte["FLYTE_AWS_SECRET_ACCESS_KEY"] = "flyte-secret-value";
  const S3Config from_flyte = load(kYaml, flyte);
  CHECK(from_flyte.endpoint == "http://flyte-endpoint:9000");
  CHECK(from_flyte.access_key == "flyte-key");
  CHECK(from_flyte.secret_key == "flyte-secret-value");

  flyte["FLYTE_STORAGE_CONNECTION_ENDPOINT"] = "http://derived:1";
  CHECK(load(kYaml, flyte).endpoint == "http://derived:1");
}

TEST_CASE("S3 config defaults to us-east-1 and registers the secret for redaction") {
  const S3Config s3 = load("", {{"AWS_SECRET_ACCESS_KEY", "s3-loader-test-secret"},
                                {"AWS_SESSION_TOKEN", "s3-loader-test-token"}});
  CHECK(s3.region == "us-east-1");
  CHECK(redact("key=s3-loader-test-secret") != "key=s3-loader-test-secret");
  CHECK(redact("t=s3-loader-test-token").find("s3-loader-test-token") == std::string::npos);
}

TEST_CASE("S3 config rejects a bad addressing style or size naming the key") {
  CHECK_THROWS_WITH(load("", {{"FLYTE_STORAGE_CONNECTION_ADDRESSING_STYLE", "dns"}}),
                    Catch::Contains("addressing-style") && Catch::Contains("'dns'"));
  CHECK_THROWS_WITH(
      load("", {{"FLYTE_STORAGE_CONNECTION_MULTIPART_PART_SIZE", "big"}}),
      Catch::Contains("multipart-part-size") || Catch::Contains("MULTIPART_PART_SIZE"));
  const S3Config tuned = load("", {{"FLYTE_STORAGE_CONNECTION_MULTIPART_THRESHOLD", "1000"},
                                   {"FLYTE_STORAGE_CONNECTION_MAX_RETRIES", "0"}});
  CHECK(tuned.multipart_threshold == 1000);
  CHECK(tuned.max_retries == 0);
}

TEST_CASE("S3 config: connect and read deadlines come from botocore-named keys") {
  const S3Config defaults = load(kYaml, {});
  CHECK(defaults.connect_timeout_seconds == 10);
  CHECK(defaults.stall_timeout_seconds == 60);
  const S3Config file =
      load("storage:\n  connection:\n    connect-timeout: 3\n    read-timeout: 7\n", {});
  CHECK(file.connect_timeout_seconds == 3);
  CHECK(file.stall_timeout_seconds == 7);
  const S3Config env = load(kYaml, {{"FLYTE_STORAGE_CONNECTION_CONNECT_TIMEOUT", "2"},
                                    {"FLYTE_STORAGE_CONNECTION_READ_TIMEOUT", "5"}});
  CHECK(env.connect_timeout_seconds == 2);
  CHECK(env.stall_timeout_seconds == 5);
  CHECK_THROWS_WITH(load(kYaml, {{"FLYTE_STORAGE_CONNECTION_READ_TIMEOUT", "0"}}),
                    Catch::Contains("read-timeout (0)") && Catch::Contains("positive"));
}
