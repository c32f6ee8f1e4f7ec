#pragma once

/// Array (map) tasks: each mapped input arrives as a collection holding one
/// element per array index; "bound" inputs are passed whole (CONTRACT §4).
/// Which is which follows from the task's declared interface: an input whose
/// literal has one more level of collection than its declared type is mapped.

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>

#include "flyte/model/literal_converter.hpp"

namespace flyteidl::core {
class LiteralMap;
class LiteralType;
}  // namespace flyteidl::core

namespace flyte {

/// An index outside a mapped input; names the input, the index and its size.
class ArrayElementError : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

/// The inputs for array element `index`. Inputs absent from `declared_types`
/// are passed whole. An offloaded input (the big lists that feed map tasks are
/// what gets offloaded) is fetched with `fetch` first, because whether it is
/// mapped, and its element, can only be seen in the literal it points to; an
/// offloaded input without `fetch`, or whose fetch fails, throws
/// std::runtime_error naming the input and the URI.
flyteidl::core::LiteralMap select_array_element(
    const flyteidl::core::LiteralMap& inputs,
    const std::map<std::string, flyteidl::core::LiteralType>& declared_types, std::size_t index,
    const LiteralFetcher& fetch = {});

}  // namespace flyte
