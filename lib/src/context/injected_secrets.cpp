#include "flyte/context/injected_secrets.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flyte/context/redaction.hpp"

namespace flyte {

namespace fs = std::filesystem;

namespace {
// <dir>/<group>/<version>/<key> plus Kubernetes' ..data indirection.
constexpr int kMaxSecretsDepth = 4;
}  // namespace

std::size_t register_injected_secrets(const SecretsConfig& config,
                                      const std::vector<std::string>& environment,
                                      std::size_t max_file_size) {
  std::size_t registered = 0;
  if (!config.env_prefix.empty()) {
    for (const auto& entry : environment) {
      const auto equals = entry.find('=');
      if (equals == std::string::npos || entry.rfind(config.env_prefix, 0) != 0) continue;
      register_sensitive_value(std::string_view(entry).substr(equals + 1));
      ++registered;
    }
  }
  std::error_code ec;
  if (config.default_dir.empty() || !fs::is_directory(config.default_dir, ec)) return registered;
  // Group folders may be symlinks (Kubernetes mounts are, and so are
  // hand-made layouts): follow them, with a depth bound against loops.
  fs::recursive_directory_iterator it(config.default_dir,
                                      fs::directory_options::skip_permission_denied |
                                          fs::directory_options::follow_directory_symlink,
                                      ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() >= kMaxSecretsDepth) it.disable_recursion_pending();
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || it->file_size(file_ec) > max_file_size || file_ec) {
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) continue;
    std::ostringstream content;
    content << in.rdbuf();
    register_sensitive_value(content.str());
    ++registered;
  }
  return registered;
}

std::vector<std::string> process_environment() {
  std::vector<std::string> entries;
  for (char** entry = ::environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

}  // namespace flyte
