#include "flyte/runtime/array_inputs.hpp"

#include <fmt/format.h>

#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"

namespace flyte {
namespace {

// How many collection levels a type and a literal have at the top.
int type_depth(const flyteidl::core::LiteralType& type) {
  return type.has_collection_type() ? 1 + type_depth(type.collection_type()) : 0;
}

int literal_depth(const flyteidl::core::Literal& literal) {
  if (!literal.has_collection()) return 0;
  if (literal.collection().literals_size() == 0) return 1;
  return 1 + literal_depth(literal.collection().literals(0));
}

bool is_mapped(const flyteidl::core::Literal& literal, const flyteidl::core::LiteralType& type) {
  if (!literal.has_collection()) return false;
  const int declared = type_depth(type);
  // An empty collection cannot show its depth; it is mapped exactly when the
  // declared type is not a collection at all.
  if (literal.collection().literals_size() == 0) return declared == 0;
  return literal_depth(literal) > declared;
}

}  // namespace

flyteidl::core::LiteralMap select_array_element(
    const flyteidl::core::LiteralMap& inputs,
    const std::map<std::string, flyteidl::core::LiteralType>& declared_types, std::size_t index) {
  flyteidl::core::LiteralMap selected;
  for (const auto& [name, literal] : inputs.literals()) {
    auto declared = declared_types.find(name);
    if (declared == declared_types.end() || !is_mapped(literal, declared->second)) {
      (*selected.mutable_literals())[name] = literal;
      continue;
    }
    const auto& elements = literal.collection().literals();
    if (index >= static_cast<std::size_t>(elements.size())) {
      throw ArrayElementError(fmt::format(
          "array job index {} is out of range for mapped input '{}', which has {} element(s)",
          index, name, elements.size()));
    }
    (*selected.mutable_literals())[name] = elements[static_cast<int>(index)];
  }
  return selected;
}

}  // namespace flyte
