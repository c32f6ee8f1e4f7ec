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

flyteidl::core::Literal fetch_input(const std::string& name, const flyteidl::core::Literal& pointer,
                                    const LiteralFetcher& fetch) {
  const auto& meta = pointer.offloaded_metadata();
  const std::string what = fmt::format("mapped input '{}' is offloaded to {} ({} bytes)", name,
                                       meta.uri(), meta.size_bytes());
  if (!fetch) throw std::runtime_error(what + " and no fetch callback was given");
  flyteidl::core::Literal fetched;
  try {
    fetched = fetch(meta.uri());
  } catch (const std::exception& e) {
    throw std::runtime_error(what + " and fetching it failed: " + e.what());
  }
  if (is_offloaded(fetched)) {
    throw std::runtime_error(what + ", which holds another offloaded literal (" +
                             fetched.offloaded_metadata().uri() +
                             "); nested offloading is not supported");
  }
  return fetched;
}

}  // namespace

flyteidl::core::LiteralMap select_array_element(
    const flyteidl::core::LiteralMap& inputs,
    const std::map<std::string, flyteidl::core::LiteralType>& declared_types, std::size_t index,
    const LiteralFetcher& fetch) {
  flyteidl::core::LiteralMap selected;
  for (const auto& [name, stored] : inputs.literals()) {
    auto declared = declared_types.find(name);
    if (declared == declared_types.end()) {
      (*selected.mutable_literals())[name] = stored;
      continue;
    }
    // Fetched once here; the selected element (or the whole bound value) is
    // then an ordinary literal for the decoder.
    const flyteidl::core::Literal literal =
        is_offloaded(stored) ? fetch_input(name, stored, fetch) : stored;
    if (!is_mapped(literal, declared->second)) {
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
