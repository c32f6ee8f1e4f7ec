#include "flyte/context/injected_secrets.hpp"

#include <catch2/catch.hpp>

#include "flyte/context/redaction.hpp"
#include "support/scoped_temp_dir.hpp"

using namespace flyte;
using flyte::testing::ScopedTempDir;
using flyte::testing::write_text;

TEST_CASE("register_injected_secrets masks env secrets under the prefix and only those") {
  clear_sensitive_values_for_testing();
  SecretsConfig config;
  config.default_dir = "/nonexistent-secrets-dir";
  const auto count = register_injected_secrets(
      config, {"_FSEC_DB_PASSWORD=hunter2-long", "PATH=/usr/bin", "NOEQUALS", "_FSEC_EMPTY="});
  CHECK(count == 2);
  CHECK(redact("pw hunter2-long") == "pw [redacted]");
  CHECK(redact("/usr/bin") == "/usr/bin");
  clear_sensitive_values_for_testing();
}

TEST_CASE("register_injected_secrets masks mounted secret files and skips large ones") {
  clear_sensitive_values_for_testing();
  ScopedTempDir dir("flyte-injected");
  write_text(dir / "db" / "password", "file-secret-123\n");
  write_text(dir / "blob" / "big", std::string(64, 'z'));
  SecretsConfig config;
  config.env_prefix = "_MY_";
  config.default_dir = dir.path();
  CHECK(register_injected_secrets(config, {"_FSEC_X=not-under-this-prefix"}, 32) == 1);
  CHECK(redact("got file-secret-123") == "got [redacted]");
  CHECK(redact(std::string(64, 'z')) == std::string(64, 'z'));
  CHECK(redact("not-under-this-prefix") == "not-under-this-prefix");
  clear_sensitive_values_for_testing();
}

TEST_CASE("register_injected_secrets follows a group folder that is a symlink (issue 14.3)") {
  clear_sensitive_values_for_testing();
  ScopedTempDir dir("flyte-injected");
  write_text(dir / "elsewhere" / "token", "linked-secret-456\n");
  std::filesystem::create_directories(dir / "secrets");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "secrets" / "group");
  // A loop must not hang the scan.
  std::filesystem::create_directory_symlink(dir / "secrets", dir / "elsewhere" / "loop");
  SecretsConfig config;
  config.env_prefix = "_FSEC_";
  config.default_dir = dir / "secrets";
  CHECK(register_injected_secrets(config, {}) >= 1);
  CHECK(redact("got linked-secret-456") == "got [redacted]");
  clear_sensitive_values_for_testing();
}
