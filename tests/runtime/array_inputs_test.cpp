#include "flyte/runtime/array_inputs.hpp"

#include <google/protobuf/text_format.h>
#include <catch2/catch.hpp>

#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"

using namespace flyte;

namespace {

template <typename Message>
Message from_text(const std::string& text) {
  Message message;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &message));
  return message;
}

}  // namespace

TEST_CASE("array element selection picks mapped inputs' element and passes bound inputs whole") {
  // x: mapped integers; scale: bound integer; ys: declared list<int>, mapped as list of lists;
  // zs: declared list<int>, bound (same depth as declared).
  const auto inputs = from_text<flyteidl::core::LiteralMap>(R"pb(
    literals {
      key: "x"
      value {
        collection {
          literals { scalar { primitive { integer: 10 } } }
          literals { scalar { primitive { integer: 11 } } }
        }
      }
    }
    literals {
      key: "scale"
      value { scalar { primitive { integer: 3 } } }
    }
    literals {
      key: "ys"
      value {
        collection {
          literals { collection { literals { scalar { primitive { integer: 1 } } } } }
          literals { collection { literals { scalar { primitive { integer: 2 } } } } }
        }
      }
    }
    literals {
      key: "zs"
      value { collection { literals { scalar { primitive { integer: 7 } } } } }
    }
  )pb");
  const auto integer = from_text<flyteidl::core::LiteralType>("simple: INTEGER");
  const auto list = from_text<flyteidl::core::LiteralType>("collection_type { simple: INTEGER }");
  const std::map<std::string, flyteidl::core::LiteralType> types{
      {"x", integer}, {"scale", integer}, {"ys", list}, {"zs", list}};

  auto element = select_array_element(inputs, types, 1);
  CHECK(element.literals().at("x").scalar().primitive().integer() == 11);
  CHECK(element.literals().at("scale").scalar().primitive().integer() == 3);
  CHECK(element.literals().at("ys").collection().literals(0).scalar().primitive().integer() == 2);
  CHECK(element.literals().at("zs").collection().literals_size() == 1);

  CHECK_THROWS_WITH(select_array_element(inputs, types, 2),
                    Catch::Contains("index 2 is out of range for mapped input") &&
                        Catch::Contains("2 element(s)"));
}
