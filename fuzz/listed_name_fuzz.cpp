// Fuzzes the folder-download rule (flyte/io/storage_backend.hpp): whatever
// name a storage listing holds, local_path_for_listed_name either refuses it
// with UnsafeObjectKeyError or returns a path that stays inside the folder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flyte/io/storage_backend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  static const std::filesystem::path dir = "/fuzz/target";
  try {
    const auto path = flyte::local_path_for_listed_name(dir, name, "s3://bucket/prefix");
    if (!path) {
      if (name.empty() || name.back() != '/') std::abort();  // only folder markers are skipped
      return 0;
    }
    const auto normal = path->lexically_normal();
    const auto relative = normal.lexically_relative(dir);
    // Inside: a relative path that neither is empty nor climbs out, and one
    // the join did not shorten (nothing was squashed away).
    if (relative.empty() || *relative.begin() == ".." || relative.is_absolute()) std::abort();
    if (normal != *path) std::abort();
  } catch (const flyte::UnsafeObjectKeyError&) {
  }
  return 0;
}
