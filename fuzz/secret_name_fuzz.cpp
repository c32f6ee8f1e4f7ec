// Fuzzes secret name validation and lookup: arbitrary group / key /
// group_version triples against a SecretsManager whose secrets dir is a temp
// dir created once, next to files that live outside it (a sibling file, a
// sibling dir whose name starts like the secrets dir's, a file one level up).
//
// Input: byte 0 = flags (local execution, which call, mount requirement),
// byte 1 = group length, byte 2 = key length, then group, key, and the rest is
// group_version (lengths are taken modulo what is left).
//
// Properties:
//  - only SecretsError may escape (it is the documented error of every call);
//  - a part containing '/', '\\', "..", NUL (or any other character the
//    validation rejects), or an empty group/key, is rejected with SecretsError;
//  - get_secrets_file stays inside the secrets dir: exactly group/[version/]key
//    below it, no ".." component;
//  - a successful get/get_bytes returns a value that lives inside: the content
//    of a file under the secrets dir or a prefixed env var, never the content
//    of a file outside.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "flyte/context/env_lookup.hpp"
#include "flyte/context/secret_request.hpp"
#include "flyte/context/secrets_manager.hpp"

namespace {
namespace fs = std::filesystem;

struct Fixture {
  fs::path root;
  fs::path secrets_dir;
  std::map<std::string, std::string> env;
  std::set<std::string> inside_values;   // what a successful read may return
  std::set<std::string> outside_values;  // what it must never return
};

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

void remove_fixture();

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    out.root = fs::temp_directory_path() / ("flyte-secret-fuzz-" + std::to_string(::getpid()));
    out.secrets_dir = out.root / "secrets";
    const std::pair<const char*, const char*> inside[] = {
        {"group/key", "inside-group-key"},
        {"group/v1/key", "inside-group-v1-key"},
        {"group/Key", "inside-upper-never-reached"},  // names are lower-cased
        {"a/b", "inside-a-b"},
        {"my-group/api_key", "inside-my-group-api-key"},
        {"group/ws", "  inside-with-space \n"},
    };
    for (const auto& [relative, content] : inside) {
      write_file(out.secrets_dir / relative, content);
      out.inside_values.insert(content);
    }
    const std::pair<const char*, const char*> outside[] = {
        {"passwd", "OUTSIDE-passwd"},
        {"key", "OUTSIDE-root-key"},
        {"secrets-other/key", "OUTSIDE-sibling-dir"},
        {"secrets-other/group/key", "OUTSIDE-sibling-group"},
    };
    for (const auto& [relative, content] : outside) {
      write_file(out.root / relative, content);
      out.outside_values.insert(content);
    }
    out.env = {{"_FSEC_GROUP_KEY", "env-group-key"},
               {"_FSEC_A_B", "env-a-b"},
               {"_FSEC_GROUP_V1_KEY", "env-group-v1-key"}};
    for (const auto& [name, value] : out.env) out.inside_values.insert(value);
    std::atexit(remove_fixture);
    return out;
  }();
  return f;
}

void remove_fixture() {
  std::error_code ignored;
  fs::remove_all(fixture().root, ignored);
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "secret_name_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// The rule of validate_secret_name_part, restated independently.
bool part_is_invalid(std::string_view part, bool required) {
  if (part.empty()) return required;
  if (part == ".") return true;  // the folder itself; a leading '.' (.dockerconfigjson) is fine
  if (part.find("..") != std::string_view::npos) return true;
  for (const char c : part) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || c == '=' || byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

std::string describe(std::string_view group, std::string_view key, std::string_view version) {
  std::string out = "group=";
  for (std::string_view part : {group, key, version}) {
    for (const char c : part) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    }
    out += part.data() == group.data() ? " key=" : part.data() == key.data() ? " version=" : "";
  }
  return out;
}

void check_file_path(const flyte::SecretsManager& manager, std::string_view group,
                     std::string_view key, std::string_view version) {
  const fs::path path = manager.get_secrets_file(group, key, version);
  const fs::path relative = path.lexically_relative(fixture().secrets_dir);
  std::size_t parts = 0;
  for (const auto& part : relative) {
    if (part == ".." || part == "." || part.empty()) {
      fail("secret file path leaves the secrets dir", path.string());
    }
    ++parts;
  }
  if (parts != (version.empty() ? 2U : 3U)) {
    fail("secret file path is not group/[version/]key below the secrets dir", path.string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const Fixture& f = fixture();
  const std::uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
  const std::size_t group_size = rest.empty() ? 0 : data[1] % (rest.size() + 1);
  const std::string_view group = rest.substr(0, group_size);
  rest.remove_prefix(group_size);
  const std::size_t key_size = rest.empty() ? 0 : data[2] % (rest.size() + 1);
  const std::string_view key = rest.substr(0, key_size);
  const std::string_view version = rest.substr(key_size);

  const bool invalid =
      part_is_invalid(group, true) || part_is_invalid(key, true) || part_is_invalid(version, false);

  flyte::SecretsConfig config;
  config.default_dir = f.secrets_dir;
  flyte::SecretsManager manager(config, (flags & 1) != 0, flyte::env_from_map(f.env));

  const int call = (flags >> 1) % 4;
  try {
    switch (call) {
      case 0:
      case 1: {
        const std::string value =
            call == 0 ? manager.get_bytes(group, key, version) : manager.get(group, key, version);
        if (invalid) fail("an invalid name was accepted by get", describe(group, key, version));
        bool inside = false;
        for (const auto& allowed : f.inside_values) {
          if (value == allowed || (call == 1 && value.size() < allowed.size() &&
                                   allowed.find(value) != std::string::npos)) {
            inside = true;
          }
        }
        if (!inside || f.outside_values.count(value) != 0) {
          fail("a secret value came from outside the secrets dir",
               describe(group, key, version) + " -> " + value);
        }
        break;
      }
      case 2:
        check_file_path(manager, group, key, version);
        (void)manager.get_secrets_env_var(group, key, version);
        if (invalid)
          fail("an invalid name was accepted by get_secrets_file", describe(group, key, version));
        break;
      default: {
        flyte::SecretRequest request;
        request.group = std::string(group);
        request.key = std::string(key);
        request.group_version = std::string(version);
        request.mount_requirement = static_cast<flyte::MountType>((flags >> 3) % 3);
        const auto missing = manager.find_missing({request});
        if (invalid && missing.empty()) {
          fail("an invalid request was reported resolvable", describe(group, key, version));
        }
        manager.check({request});
        if (invalid) fail("an invalid request passed check", describe(group, key, version));
        break;
      }
    }
  } catch (const flyte::SecretsError&) {
  }
  return 0;
}
