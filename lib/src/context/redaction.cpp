#include "flyte/context/redaction.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace flyte {
namespace {

struct Registry {
  std::shared_mutex mutex;
  std::vector<std::string> values;  // longest first, so a value containing another wins
  std::atomic<bool> any{false};
};

Registry& registry() {
  static Registry instance;
  return instance;
}

void add_locked(Registry& reg, std::string_view value) {
  if (value.size() < 4) return;
  if (std::find(reg.values.begin(), reg.values.end(), value) != reg.values.end()) return;
  reg.values.emplace_back(value);
  std::sort(reg.values.begin(), reg.values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string_view strip(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  return text.substr(first, last - first + 1);
}

}  // namespace

void register_sensitive_value(std::string_view value) {
  auto& reg = registry();
  std::unique_lock lock(reg.mutex);
  add_locked(reg, value);
  add_locked(reg, strip(value));
  reg.any.store(!reg.values.empty(), std::memory_order_release);
}

std::string redact(std::string_view text) {
  auto& reg = registry();
  if (!reg.any.load(std::memory_order_acquire)) return std::string(text);
  std::shared_lock lock(reg.mutex);
  std::string out(text);
  for (const auto& value : reg.values) {
    std::size_t pos = 0;
    while ((pos = out.find(value, pos)) != std::string::npos) {
      out.replace(pos, value.size(), kRedactedMarker);
      pos += kRedactedMarker.size();
    }
  }
  return out;
}

void clear_sensitive_values_for_testing() {
  auto& reg = registry();
  std::unique_lock lock(reg.mutex);
  reg.values.clear();
  reg.any.store(false, std::memory_order_release);
}

}  // namespace flyte
