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
  std::size_t longest_single_line = 0;
  std::atomic<bool> any{false};
  std::atomic<SensitiveValueListener> listener{nullptr};
};

Registry& registry() {
  static Registry instance;
  return instance;
}

constexpr std::size_t kMinimumLength = 4;

std::string_view strip(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  return text.substr(first, last - first + 1);
}

void add_locked(Registry& reg, std::string_view value) {
  if (value.size() < kMinimumLength) return;
  if (std::find(reg.values.begin(), reg.values.end(), value) != reg.values.end()) return;
  reg.values.emplace_back(value);
  std::stable_sort(reg.values.begin(), reg.values.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  if (value.find('\n') == std::string_view::npos) {
    reg.longest_single_line = std::max(reg.longest_single_line, value.size());
  }
  if (auto listener = reg.listener.load(std::memory_order_acquire)) listener(value);
}

// Masks text[0, end) and returns the position up to which text was consumed
// (at least `end`, more when a match that starts before `end` runs past it).
// Caller holds the registry's lock.
std::size_t mask_into(const Registry& reg, std::string_view text, std::size_t end,
                      std::string& out) {
  const auto& values = reg.values;
  // The next occurrence of each value at or after `pos`; npos when none.
  std::vector<std::size_t> next(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) next[i] = text.find(values[i]);
  std::size_t pos = 0;
  while (true) {
    std::size_t best = std::string_view::npos;
    std::size_t best_index = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (next[i] < pos) next[i] = text.find(values[i], pos);
      // Strictly less: among matches at one position the first (longest) wins.
      if (next[i] < best) {
        best = next[i];
        best_index = i;
      }
    }
    if (best == std::string_view::npos || best >= end) break;
    out.append(text.substr(pos, best - pos));
    out.append(kRedactedMarker);
    pos = best + values[best_index].size();
  }
  if (pos < end) {
    out.append(text.substr(pos, end - pos));
    pos = end;
  }
  return pos;
}

}  // namespace

void register_sensitive_value(std::string_view value) {
  auto& reg = registry();
  std::unique_lock lock(reg.mutex);
  const std::string_view whole = strip(value);
  add_locked(reg, whole);
  if (whole.find('\n') != std::string_view::npos) {
    std::size_t start = 0;
    while (start <= whole.size()) {
      const auto newline = whole.find('\n', start);
      const auto line = whole.substr(
          start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
      add_locked(reg, strip(line));
      if (newline == std::string_view::npos) break;
      start = newline + 1;
    }
  }
  reg.any.store(!reg.values.empty(), std::memory_order_release);
}

std::string redact(std::string_view text) {
  auto& reg = registry();
  if (!reg.any.load(std::memory_order_acquire)) return std::string(text);
  std::shared_lock lock(reg.mutex);
  std::string out;
  out.reserve(text.size());
  mask_into(reg, text, text.size(), out);
  return out;
}

void set_sensitive_value_listener(SensitiveValueListener listener) {
  registry().listener.store(listener, std::memory_order_release);
}

std::string StreamRedactor::feed(std::string_view chunk) {
  auto& reg = registry();
  if (!reg.any.load(std::memory_order_acquire)) {
    std::string out = std::move(held_);
    held_.clear();
    out.append(chunk);
    return out;
  }
  held_.append(chunk);
  std::shared_lock lock(reg.mutex);
  // Bytes before `safe` cannot begin a value that the next chunk completes:
  // either a whole single-line value fits between them and the end, or a
  // newline after them ends every single-line value.
  const std::size_t hold = reg.longest_single_line > 0 ? reg.longest_single_line - 1 : 0;
  std::size_t safe = held_.size() > hold ? held_.size() - hold : 0;
  const auto newline = held_.rfind('\n');
  if (newline != std::string::npos) safe = std::max(safe, newline + 1);
  std::string out;
  out.reserve(safe);
  const std::size_t consumed = mask_into(reg, held_, safe, out);
  held_.erase(0, consumed);
  return out;
}

std::string StreamRedactor::finish() {
  std::string out = redact(held_);
  held_.clear();
  return out;
}

void clear_sensitive_values_for_testing() {
  auto& reg = registry();
  std::unique_lock lock(reg.mutex);
  reg.values.clear();
  reg.longest_single_line = 0;
  reg.any.store(false, std::memory_order_release);
}

}  // namespace flyte
