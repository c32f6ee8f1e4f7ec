#include "flyte/model/value.hpp"

namespace flyte {

std::string_view Value::type_name() const {
  return std::visit([](const auto& held) { return kind_name<std::decay_t<decltype(held)>>(); },
                    storage_);
}

bool operator==(const Value& a, const Value& b) {
  return a.storage_ == b.storage_;
}

}  // namespace flyte
