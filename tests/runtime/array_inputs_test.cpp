#include "flyte/runtime/array_inputs.hpp"

#include <google/protobuf/text_format.h>
#include <catch2/catch.hpp>

#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"

#include <stdexcept>
#include <string>
#include <vector>

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

TEST_CASE("an offloaded mapped input is fetched before its element is selected") {
  // The engine offloads the big list feeding a map task: inputs.pb holds only a pointer.
  const auto list = from_text<flyteidl::core::Literal>(R"pb(
    collection {
      literals { scalar { primitive { integer: 10 } } }
      literals { scalar { primitive { integer: 11 } } }
    }
  )pb");
  const auto inputs = from_text<flyteidl::core::LiteralMap>(R"pb(
    literals {
      key: "x"
      value {
        offloaded_metadata {
          uri: "s3://bucket/x_offloaded_metadata.pb"
          size_bytes: 20
          inferred_type { collection_type { simple: INTEGER } }
        }
      }
    }
    literals {
      key: "bound"
      value { offloaded_metadata { uri: "s3://bucket/bound.pb" size_bytes: 4 } }
    }
  )pb");
  const auto integer = from_text<flyteidl::core::LiteralType>("simple: INTEGER");
  const std::map<std::string, flyteidl::core::LiteralType> types{{"x", integer},
                                                                 {"bound", integer}};
  std::vector<std::string> fetched;
  const LiteralFetcher fetch = [&](const std::string& uri) {
    fetched.push_back(uri);
    if (uri == "s3://bucket/bound.pb") {
      return from_text<flyteidl::core::Literal>("scalar { primitive { integer: 3 } }");
    }
    return list;
  };
  const auto element = select_array_element(inputs, types, 1, fetch);
  CHECK(element.literals().at("x").scalar().primitive().integer() == 11);
  CHECK(element.literals().at("bound").scalar().primitive().integer() == 3);
  CHECK(fetched.size() == 2);

  CHECK_THROWS_WITH(select_array_element(inputs, types, 2, fetch),
                    Catch::Contains("index 2 is out of range for mapped input 'x'"));
  CHECK_THROWS_WITH(
      select_array_element(inputs, types, 0),
      Catch::Contains("is offloaded to s3://bucket/") && Catch::Contains("no fetch callback"));
  const LiteralFetcher failing = [](const std::string&) -> flyteidl::core::Literal {
    throw std::runtime_error("connection reset");
  };
  CHECK_THROWS_WITH(select_array_element(inputs, types, 0, failing),
                    Catch::Contains("fetching it failed: connection reset"));
}
