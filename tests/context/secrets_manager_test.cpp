#include "flyte/context/secrets_manager.hpp"

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "context/secrets_test_support.hpp"
#include "flyte/context/redaction.hpp"

using namespace flyte;
using flyte::testing::RecordingEnv;
using flyte::testing::TempDir;

namespace {

SecretsConfig config_in(const TempDir& dir) {
  SecretsConfig config;
  config.default_dir = dir.path();
  return config;
}

std::string error_text(const std::function<void()>& call) {
  try {
    call();
  } catch (const SecretsError& error) {
    return error.what();
  }
  FAIL("expected a SecretsError");
  return {};
}

}  // namespace

TEST_CASE("secrets resolve from the env var with the default _FSEC_ prefix") {
  TempDir dir;
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_MY-GROUP_API_KEY", "  token-1234 \n"}}));
  CHECK(secrets.get_secrets_env_var("my-group", "api_key") == "_FSEC_MY-GROUP_API_KEY");
  CHECK(secrets.get("my-group", "api_key") == "token-1234");
  CHECK(secrets.get("My-Group", "API_KEY") == "token-1234");  // names are upper-cased
}

TEST_CASE("secrets resolve from the env var with a custom prefix") {
  TempDir dir;
  auto config = config_in(dir);
  config.env_prefix = "MY_PREFIX_";
  const SecretsManager secrets(config, false,
                               env_from_map({{"MY_PREFIX_GROUP_KEY", "custom-value"},
                                             {"_FSEC_GROUP_KEY", "default-prefix-value"}}));
  CHECK(secrets.get_secrets_env_var("group", "key") == "MY_PREFIX_GROUP_KEY");
  CHECK(secrets.get("group", "key") == "custom-value");
}

TEST_CASE("local execution also accepts the env var without prefix, cluster runs do not") {
  TempDir dir;
  const auto env = env_from_map({{"GROUP_KEY", "local-value"}});
  const SecretsManager local(config_in(dir), true, env);
  CHECK(local.get("group", "key") == "local-value");

  const SecretsManager cluster(config_in(dir), false, env);
  CHECK_THROWS_AS(cluster.get("group", "key"), SecretsError);

  SECTION("the prefixed name still wins in local execution") {
    const SecretsManager both(
        config_in(dir), true,
        env_from_map({{"GROUP_KEY", "unprefixed"}, {"_FSEC_GROUP_KEY", "prefixed"}}));
    CHECK(both.get("group", "key") == "prefixed");
  }
}

TEST_CASE("group_version is part of the env var name and of the file path") {
  TempDir dir;
  const SecretsManager from_env(config_in(dir), false,
                                env_from_map({{"_FSEC_GROUP_V1_KEY", "env-versioned"}}));
  CHECK(from_env.get_secrets_env_var("group", "key", "v1") == "_FSEC_GROUP_V1_KEY");
  CHECK(from_env.get("group", "key", "v1") == "env-versioned");
  CHECK_THROWS_AS(from_env.get("group", "key"), SecretsError);

  dir.write("group/v1/key", "file-versioned");
  const SecretsManager from_file(config_in(dir), false, env_from_map({}));
  CHECK(from_file.get_secrets_file("group", "key", "v1") == dir.path() / "group" / "v1" / "key");
  CHECK(from_file.get("group", "key", "v1") == "file-versioned");
}

TEST_CASE("secrets resolve from <default_dir>/<group>/<file_prefix><key> files") {
  TempDir dir;
  auto config = config_in(dir);
  config.file_prefix = "Pre_";  // the prefix is used as given, only the key is lower-cased
  dir.write("group/Pre_key", "from-file-with-prefix");
  const SecretsManager secrets(config, false, env_from_map({}));
  CHECK(secrets.get_secrets_file("group", "KEY") == dir.path() / "group" / "Pre_key");
  CHECK(secrets.get("group", "KEY") == "from-file-with-prefix");
}

TEST_CASE("secret file paths lower-case group, version and key") {
  TempDir dir;
  dir.write("mygroup/v2/api_key", "lower-cased-path");
  const SecretsManager secrets(config_in(dir), false, env_from_map({}));
  CHECK(secrets.get_secrets_file("MyGroup", "API_Key", "V2") ==
        dir.path() / "mygroup" / "v2" / "api_key");
  CHECK(secrets.get("MyGroup", "API_Key", "V2") == "lower-cased-path");
}

TEST_CASE("the secrets directory comes from the config, e.g. the webhook's /etc/flyte/secrets") {
  TempDir dir;
  dir.write("mounted/user-info/user_secret", "mounted-value");
  const auto env = env_from_map({{"FLYTE_SECRETS_DEFAULT_DIR", (dir.path() / "mounted").string()}});
  const SecretsManager secrets(SecretsConfig::from_env(env), false, env);
  CHECK(secrets.config().default_dir == dir.path() / "mounted");
  CHECK(secrets.get("user-info", "user_secret") == "mounted-value");

  const SecretsManager defaults(SecretsConfig{}, false, env_from_map({}));
  CHECK(defaults.get_secrets_file("user-info", "user_secret") ==
        std::filesystem::path("/etc/secrets/user-info/user_secret"));
}

TEST_CASE("the env var wins over the file") {
  TempDir dir;
  dir.write("group/key", "file-value");
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_GROUP_KEY", "env-value"}}));
  CHECK(secrets.get("group", "key") == "env-value");
}

TEST_CASE("get strips white space while get_bytes returns the secret unmodified") {
  TempDir dir;
  const std::string binary("\n\x00\xff key \x01\t", 9);
  dir.write("group/text", "  s3cr3t-value\n");
  dir.write("group/binary", binary);
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_GROUP_ENV", "\tenv-value \n"}}));
  CHECK(secrets.get("group", "text") == "s3cr3t-value");
  CHECK(secrets.get_bytes("group", "text") == "  s3cr3t-value\n");
  CHECK(secrets.get_bytes("group", "binary") == binary);
  CHECK(secrets.get("group", "env") == "env-value");
  CHECK(secrets.get_bytes("group", "env") == "\tenv-value \n");
}

TEST_CASE("a missing secret error uses flytekit's words and names the env var and file") {
  TempDir dir;
  const SecretsManager secrets(config_in(dir), false, env_from_map({}));
  const auto path = (dir.path() / "my_secrets" / "api_key").string();
  CHECK(error_text([&] { secrets.get("my_secrets", "api_key"); }) ==
        "Please make sure to add secret_requests=[Secret(group=my_secrets, key=api_key)] in "
        "@task (the task's secret requests). Unable to find secret for key api_key in group "
        "my_secrets in Env Var:_FSEC_MY_SECRETS_API_KEY and FilePath: " +
            path);

  const SecretsManager local(config_in(dir), true, env_from_map({}));
  const auto text = error_text([&] { local.get("my_secrets", "api_key", "v3"); });
  CHECK_THAT(text, Catch::StartsWith("Please make sure to add secret_requests=[Secret("
                                     "group=my_secrets, key=api_key, group_version=v3)]"));
  CHECK_THAT(text, Catch::Contains("Env Var:_FSEC_MY_SECRETS_V3_API_KEY and FilePath: " +
                                   (dir.path() / "my_secrets" / "v3" / "api_key").string()));
  CHECK_THAT(text, Catch::EndsWith("(also tried Env Var:MY_SECRETS_V3_API_KEY)"));
}

TEST_CASE("path tricks in group, key or group_version are rejected before any env or file access") {
  TempDir dir;
  // Files a traversal would reach if the names were not checked.
  dir.write("etc/key", "outside-1");
  dir.write("key", "outside-2");
  auto config = config_in(dir);
  config.default_dir = dir.path() / "secrets";
  std::filesystem::create_directories(config.default_dir / "group");

  RecordingEnv env;
  env.values = {{"_FSEC_.._KEY", "x"}, {"_FSEC_A/B_KEY", "x"}};
  const SecretsManager secrets(config, false, env.lookup());

  struct Case {
    std::string group, key, version, field, why;
  };
  const std::vector<Case> cases = {
      {"../etc", "key", "", "group", "'..'"},
      {"..", "key", "", "group", "'..'"},
      {"a/b", "key", "", "group", "'/'"},
      {"a\\b", "key", "", "group", "'\\'"},
      {std::string("a\0b", 3), "key", "", "group", "NUL"},
      {"", "key", "", "group", "empty"},
      {".", "key", "", "group", "'.'"},
      {"group", ".", "", "key", "'.'"},
      {"group", "..", "", "key", "'..'"},
      {"group", "../../key", "", "key", "'..'"},
      {"group", "a..b", "", "key", "'..'"},
      {"group", "", "", "key", "empty"},
      {"group", "line\nbreak", "", "key", "control"},
      {"group", "a=b", "", "key", "'='"},
      {"group", "key", "..", "group_version", "'..'"},
      {"group", "key", "v/1", "group_version", "'/'"},
  };
  for (const auto& c : cases) {
    INFO("group=" << c.group << " key=" << c.key << " version=" << c.version);
    const auto text = error_text([&] { secrets.get(c.group, c.key, c.version); });
    CHECK_THAT(text, Catch::StartsWith("Invalid secret " + c.field + " \""));
    CHECK_THAT(text, Catch::Contains(c.why));
    CHECK_THROWS_AS(secrets.get_bytes(c.group, c.key, c.version), SecretsError);
    CHECK_THROWS_AS(secrets.get_secrets_env_var(c.group, c.key, c.version), SecretsError);
    CHECK_THROWS_AS(secrets.get_secrets_file(c.group, c.key, c.version), SecretsError);
    CHECK_THAT(secrets
                   .find_missing(
                       {SecretRequest{.group = c.group, .key = c.key, .group_version = c.version}})
                   .at(0),
               Catch::StartsWith("Invalid secret " + c.field));
  }
  CHECK(env.asked->empty());
  // The NUL byte is shown escaped, not cutting the message.
  CHECK_THAT(error_text([&] { secrets.get(std::string("a\0b", 3), "key"); }),
             Catch::Contains("\"a\\x00b\""));
}

TEST_CASE(
    "keys starting with a dot, like Kubernetes' .dockerconfigjson, resolve from file and env") {
  TempDir dir;
  dir.write("registry/.dockerconfigjson", "{\"auths\": {}}");
  const SecretsManager from_file(config_in(dir), false, env_from_map({}));
  CHECK(from_file.get_secrets_file("registry", ".dockerconfigjson") ==
        dir.path() / "registry" / ".dockerconfigjson");
  CHECK(from_file.get("registry", ".dockerconfigjson") == "{\"auths\": {}}");

  const SecretsManager from_env(config_in(dir), false,
                                env_from_map({{"_FSEC_REGISTRY_.DOCKERCONFIGJSON", "from-env"}}));
  CHECK(from_env.get_secrets_env_var("registry", ".dockerconfigjson") ==
        "_FSEC_REGISTRY_.DOCKERCONFIGJSON");
  CHECK(from_env.get("registry", ".dockerconfigjson") == "from-env");
}

TEST_CASE("secrets[\"group\"][\"key\"] is get(group, key)") {
  TempDir dir;
  dir.write("files/token", "file-token\n");
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_MY_SECRETS_API_KEY", "api-key-value"}}));
  CHECK(secrets["my_secrets"]["api_key"] == "api-key-value");
  CHECK(secrets["files"]["token"] == secrets.get("files", "token"));
  const auto group = secrets["files"];
  CHECK(group.group() == "files");
  CHECK_THROWS_AS(secrets["files"]["missing"], SecretsError);
}

TEST_CASE("check honours each mount requirement") {
  TempDir dir;
  dir.write("filegroup/key", "file-value");
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_ENVGROUP_KEY", "env-value"}}));
  const SecretRequest env_any{
      .group = "envgroup", .key = "key", .mount_requirement = MountType::ANY};
  const SecretRequest env_env{
      .group = "envgroup", .key = "key", .mount_requirement = MountType::ENV_VAR};
  const SecretRequest env_file{
      .group = "envgroup", .key = "key", .mount_requirement = MountType::FILE};
  const SecretRequest file_any{
      .group = "filegroup", .key = "key", .mount_requirement = MountType::ANY};
  const SecretRequest file_env{
      .group = "filegroup", .key = "key", .mount_requirement = MountType::ENV_VAR};
  const SecretRequest file_file{
      .group = "filegroup", .key = "key", .mount_requirement = MountType::FILE};
  const SecretRequest none_any{
      .group = "nogroup", .key = "key", .mount_requirement = MountType::ANY};

  CHECK(secrets.find_missing({env_any, env_env, file_any, file_file}).empty());

  auto missing = secrets.find_missing({env_file});
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] ==
        "Secret(group=envgroup, key=key) (mount_requirement FILE): not found at "
        "FilePath: " +
            (dir.path() / "envgroup" / "key").string());

  missing = secrets.find_missing({file_env});
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] ==
        "Secret(group=filegroup, key=key) (mount_requirement ENV_VAR): not found "
        "in Env Var:_FSEC_FILEGROUP_KEY");

  missing = secrets.find_missing({none_any});
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0],
             Catch::Contains("not found in Env Var:_FSEC_NOGROUP_KEY nor at FilePath: " +
                             (dir.path() / "nogroup" / "key").string()));
}

TEST_CASE("check throws one error listing every missing or invalid secret") {
  TempDir dir;
  SecretsManager secrets(config_in(dir), false, env_from_map({{"_FSEC_G_OK", "fine-value"}}));
  const std::vector<SecretRequest> requests = {
      {.group = "g", .key = "ok"},
      {.group = "g", .key = "missing_one", .mount_requirement = MountType::ENV_VAR},
      {.group = "g", .key = "missing_two", .mount_requirement = MountType::FILE},
      {.group = "../g", .key = "bad"},
      {.group = "g", .key = "ok", .mount_requirement = MountType::ENV_VAR, .env_var = "lower_case"},
  };
  const auto text = error_text([&] { secrets.check(requests); });
  CHECK_THAT(text, Catch::StartsWith("4 of the task's 5 declared secret(s) cannot be resolved"));
  CHECK_THAT(text, Catch::Contains("\n  - Secret(group=g, key=missing_one) (mount_requirement "
                                   "ENV_VAR): not found in Env Var:_FSEC_G_MISSING_ONE"));
  CHECK_THAT(text, Catch::Contains("\n  - Secret(group=g, key=missing_two) (mount_requirement "
                                   "FILE): not found at FilePath: "));
  CHECK_THAT(text, Catch::Contains("\n  - Invalid secret group \"../g\""));
  CHECK_THAT(text, Catch::Contains("\n  - Invalid env_var \"lower_case\""));
  CHECK_THAT(text, !Catch::Contains("fine-value"));
  CHECK_NOTHROW(secrets.check({requests[0]}));
  CHECK_NOTHROW(secrets.check({}));
}

TEST_CASE("a custom env_var satisfies check and get: the value for ENV_VAR, a path for FILE") {
  TempDir dir;
  const auto elsewhere = dir.write("elsewhere/token-file", "file-token-value\n");
  SecretsManager secrets(
      config_in(dir), false,
      env_from_map({{"MY_TOKEN", " env-token-value "}, {"MY_TOKEN_FILE", elsewhere.string()}}));
  const SecretRequest by_env{"group", "token", "", MountType::ENV_VAR, "MY_TOKEN"};
  const SecretRequest by_file{"group", "tokenfile", "", MountType::FILE, "MY_TOKEN_FILE"};
  const SecretRequest by_any{"group", "anytoken", "", MountType::ANY, "MY_TOKEN"};
  const SecretRequest missing_file{"group", "gone", "", MountType::FILE, "NOT_SET"};

  // Before check() declares them, get only knows the standard names.
  CHECK_THROWS_AS(secrets.get("group", "token"), SecretsError);

  auto missing = secrets.find_missing({by_env, by_file, by_any, missing_file});
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0], Catch::Contains("or the file named by Env Var:NOT_SET (unset)"));

  secrets.check({by_env, by_file, by_any});
  CHECK(secrets.get("group", "token") == "env-token-value");
  CHECK(secrets.get("group", "anytoken") == "env-token-value");
  CHECK(secrets.get("group", "tokenfile") == "file-token-value");
  CHECK(secrets.get_bytes("group", "tokenfile") == "file-token-value\n");
}

TEST_CASE("check registers a custom env_var's value (or its file's) for masking (issue 13.3)") {
  clear_sensitive_values_for_testing();
  TempDir dir;
  const auto elsewhere = dir.write("elsewhere/token-file", "custom-file-token-42\n");
  SecretsManager secrets(
      config_in(dir), false,
      env_from_map({{"MY_TOKEN", " custom-env-token-42 "}, {"MY_TOKEN_FILE", elsewhere.string()}}));
  // The task reads the variable itself (getenv) and never asks the manager.
  secrets.check({{"group", "token", "", MountType::ENV_VAR, "MY_TOKEN"},
                 {"group", "tokenfile", "", MountType::FILE, "MY_TOKEN_FILE"}});
  CHECK(redact("env custom-env-token-42, file custom-file-token-42.") ==
        "env [redacted], file [redacted].");
  // The path itself is not a secret.
  CHECK(redact(elsewhere.string()) == elsewhere.string());
  clear_sensitive_values_for_testing();
}

TEST_CASE("values are cached after the first read, failed lookups are not") {
  TempDir dir;
  const SecretsManager secrets(config_in(dir), false, env_from_map({}));
  CHECK_THROWS_AS(secrets.get("group", "key"), SecretsError);
  dir.write("group/key", "first-value");
  CHECK(secrets.get("group", "key") == "first-value");
  dir.write("group/key", "rotated-value");
  CHECK(secrets.get("group", "key") == "first-value");
  std::filesystem::remove(dir.path() / "group" / "key");
  CHECK(secrets.get("group", "key") == "first-value");
}

TEST_CASE("a secret path that is not a regular file is an error naming it") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "group" / "key");
  const SecretsManager secrets(config_in(dir), false, env_from_map({}));
  CHECK_THROWS_WITH(secrets.get("group", "key"),
                    Catch::Contains((dir.path() / "group" / "key").string()) &&
                        Catch::Contains("not a regular file"));
}

TEST_CASE("secret values never appear in errors and are masked by redact") {
  clear_sensitive_values_for_testing();
  TempDir dir;
  dir.write("group/file_key", "  file-secret-9876\n");
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_GROUP_ENV_KEY", "env-secret-1234"}}));
  CHECK(secrets.get("group", "env_key") == "env-secret-1234");
  CHECK(secrets.get("group", "file_key") == "file-secret-9876");

  const auto missing = error_text([&] { secrets.get("group", "other_key"); });
  const auto invalid = error_text([&] { secrets.get("group", "../file_key"); });
  for (const auto& text : {missing, invalid}) {
    CHECK_THAT(text, !Catch::Contains("env-secret-1234") && !Catch::Contains("file-secret-9876"));
  }
  CHECK(redact("token env-secret-1234 and file-secret-9876.") ==
        "token [redacted] and [redacted].");
  // The value as the task sees it is masked; the white space around it stays.
  CHECK(redact("raw:  file-secret-9876\n") == "raw:  [redacted]\n");
  clear_sensitive_values_for_testing();
}

TEST_CASE("concurrent lookups of one secret all see the same value") {
  TempDir dir;
  dir.write("group/key", "shared-value");
  const SecretsManager secrets(config_in(dir), false, env_from_map({}));
  std::atomic<int> matches{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        if (secrets.get("group", "key") == "shared-value") ++matches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(matches == 8 * 50);
}

TEST_CASE("the manager strips its settings and never resolves files against the current dir") {
  SecretsConfig config;
  config.env_prefix = " PFX_ ";
  config.default_dir = "";
  config.file_prefix = "\tpre_\n";
  const SecretsManager secrets(config, false, env_from_map({}));
  CHECK(secrets.get_secrets_env_var("g", "k") == "PFX_G_K");
  CHECK(secrets.get_secrets_file("g", "k") == std::filesystem::path("/etc/secrets/g/pre_k"));
}

TEST_CASE("check reports a secret path that is not a file for FILE and ANY, not for ENV_VAR") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "group" / "key");
  const SecretsManager secrets(config_in(dir), false,
                               env_from_map({{"_FSEC_GROUP_KEY", "env-value-5678"}}));
  const auto missing = secrets.find_missing(
      {{.group = "group", .key = "key", .mount_requirement = MountType::FILE}});
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0], Catch::Contains("not a regular file"));
  CHECK(
      secrets
          .find_missing({{.group = "group", .key = "key", .mount_requirement = MountType::ANY},
                         {.group = "group", .key = "key", .mount_requirement = MountType::ENV_VAR}})
          .empty());

  const SecretsManager no_env(config_in(dir), false, env_from_map({}));
  const auto any_missing = no_env.find_missing({{.group = "group", .key = "key"}});
  REQUIRE(any_missing.size() == 1);
  CHECK_THAT(any_missing[0], Catch::Contains("not a regular file"));
}
