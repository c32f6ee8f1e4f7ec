#include "flyte/context/secret_request.hpp"

#include <catch2/catch.hpp>

#include "flyte/context/secrets_error.hpp"
#include "flyte/model/model_error.hpp"
#include "flyteidl/core/security.pb.h"

using namespace flyte;

TEST_CASE("MountType numbers and names match flyteidl's Secret.MountType") {
  CHECK(static_cast<int>(MountType::ANY) == flyteidl::core::Secret::ANY);
  CHECK(static_cast<int>(MountType::ENV_VAR) == flyteidl::core::Secret::ENV_VAR);
  CHECK(static_cast<int>(MountType::FILE) == flyteidl::core::Secret::FILE);
  CHECK(to_string(MountType::ENV_VAR) ==
        flyteidl::core::Secret::MountType_Name(flyteidl::core::Secret::ENV_VAR));
  CHECK(to_string(MountType::FILE) == "FILE");
  CHECK(to_string(MountType::ANY) == "ANY");
}

TEST_CASE("SecretRequest env_var must match ^[A-Z_][A-Z0-9_]*$") {
  SecretRequest request{"group", "key", "", MountType::ENV_VAR, std::nullopt};
  CHECK_NOTHROW(request.validate());
  for (const char* good : {"MY_SECRET", "_X", "A1_2", "_"}) {
    request.env_var = good;
    CHECK_NOTHROW(request.validate());
  }
  for (const char* bad : {"", "my_secret", "1ABC", "MY-SECRET", "MY SECRET", "MY.SECRET", "É"}) {
    request.env_var = bad;
    INFO(bad);
    CHECK_THROWS_AS(request.validate(), SecretsError);
  }
  request.env_var = "bad-name";
  CHECK_THROWS_WITH(request.validate(), Catch::Contains("\"bad-name\"") &&
                                            Catch::Contains("^[A-Z_][A-Z0-9_]*$") &&
                                            Catch::Contains("group \"group\" key \"key\""));
}

TEST_CASE("SecretRequest validate names the bad group, key or group_version") {
  CHECK_THROWS_WITH((SecretRequest{.group = "", .key = "key"}.validate()),
                    Catch::Contains("secret group \"\"") && Catch::Contains("empty"));
  CHECK_THROWS_WITH((SecretRequest{.group = "group", .key = ""}.validate()),
                    Catch::Contains("secret key \"\""));
  CHECK_THROWS_WITH(
      (SecretRequest{.group = "group", .key = "key", .group_version = "../v"}.validate()),
      Catch::Contains("secret group_version \"../v\""));
  CHECK_NOTHROW(
      (SecretRequest{.group = "arn:aws:secretsmanager:us-east-2:1234:secret", .key = "my-key_1"}
           .validate()));
}

TEST_CASE("SecretRequest round-trips through flyteidl.core.Secret with its field numbers") {
  const SecretRequest request{"user-info", "user_secret", "v2", MountType::FILE, "MY_SECRET_FILE"};
  const auto message = request.to_flyte_idl();
  CHECK(message.group() == "user-info");
  CHECK(message.key() == "user_secret");
  CHECK(message.group_version() == "v2");
  CHECK(message.mount_requirement() == flyteidl::core::Secret::FILE);
  CHECK(message.env_var() == "MY_SECRET_FILE");
  CHECK(SecretRequest::from_flyte_idl(message) == request);

  // Through bytes, as the request arrives inside a TaskTemplate.
  flyteidl::core::Secret parsed;
  REQUIRE(parsed.ParseFromString(message.SerializeAsString()));
  CHECK(SecretRequest::from_flyte_idl(parsed) == request);

  // Field numbers: group=1, group_version=2, key=3, mount_requirement=4, env_var=5.
  const auto* descriptor = flyteidl::core::Secret::descriptor();
  CHECK(descriptor->FindFieldByNumber(1)->name() == "group");
  CHECK(descriptor->FindFieldByNumber(2)->name() == "group_version");
  CHECK(descriptor->FindFieldByNumber(3)->name() == "key");
  CHECK(descriptor->FindFieldByNumber(4)->name() == "mount_requirement");
  CHECK(descriptor->FindFieldByNumber(5)->name() == "env_var");
}

TEST_CASE("SecretRequest maps flyteidl's empty env_var to none and back") {
  flyteidl::core::Secret message;
  message.set_group("g");
  message.set_key("k");
  const auto request = SecretRequest::from_flyte_idl(message);
  CHECK_FALSE(request.env_var.has_value());
  CHECK(request.mount_requirement == MountType::ANY);
  CHECK(request.group_version.empty());
  CHECK(request.to_flyte_idl().SerializeAsString() == message.SerializeAsString());
}

TEST_CASE("SecretRequest from_flyte_idl rejects a mount requirement flyteidl does not define") {
  flyteidl::core::Secret message;
  message.set_group("g");
  message.set_key("k");
  message.set_mount_requirement(static_cast<flyteidl::core::Secret::MountType>(7));
  CHECK_THROWS_AS(SecretRequest::from_flyte_idl(message), ModelError);
  CHECK_THROWS_WITH(SecretRequest::from_flyte_idl(message),
                    Catch::Contains("mount_requirement is 7") && Catch::Contains("ENV_VAR (1)"));
}
