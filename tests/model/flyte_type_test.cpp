#include "flyte/model/flyte_type.hpp"

#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace flyte;
using flyteidl::core::BlobType;
using flyteidl::core::LiteralType;
using google::protobuf::util::MessageDifferencer;

TEST_CASE("Simple type names parse to flyteidl simple types") {
  CHECK(parse_flyte_type("integer").simple() == flyteidl::core::INTEGER);
  CHECK(parse_flyte_type("float").simple() == flyteidl::core::FLOAT);
  CHECK(parse_flyte_type("string").simple() == flyteidl::core::STRING);
  CHECK(parse_flyte_type("boolean").simple() == flyteidl::core::BOOLEAN);
  CHECK(parse_flyte_type("datetime").simple() == flyteidl::core::DATETIME);
  CHECK(parse_flyte_type("duration").simple() == flyteidl::core::DURATION);
  CHECK(parse_flyte_type("binary").simple() == flyteidl::core::BINARY);
  const LiteralType none = parse_flyte_type("none");
  CHECK(none.type_case() == LiteralType::kSimple);
  CHECK(none.simple() == flyteidl::core::NONE);
}

TEST_CASE("File and directory types are blob types with flytekit's dimensionality") {
  const LiteralType file = parse_flyte_type("file");
  REQUIRE(file.has_blob());
  CHECK(file.blob().dimensionality() == BlobType::SINGLE);
  CHECK(file.blob().format().empty());

  const LiteralType csv = parse_flyte_type("file[csv]");
  CHECK(csv.blob().dimensionality() == BlobType::SINGLE);
  CHECK(csv.blob().format() == "csv");

  const LiteralType dir = parse_flyte_type("directory");
  REQUIRE(dir.has_blob());
  CHECK(dir.blob().dimensionality() == BlobType::MULTIPART);
}

TEST_CASE("dict carries flytekit's msgpack annotation and struct does not") {
  const LiteralType dict = parse_flyte_type("dict");
  CHECK(dict.simple() == flyteidl::core::STRUCT);
  REQUIRE(dict.has_annotation());
  const auto& fields = dict.annotation().annotations().fields();
  REQUIRE(fields.count("cache-key-metadata") == 1);
  CHECK(fields.at("cache-key-metadata")
            .struct_value()
            .fields()
            .at("serialization-format")
            .string_value() == "msgpack");
  CHECK(is_msgpack_dict_type(dict));

  const LiteralType plain = parse_flyte_type("struct");
  CHECK(plain.simple() == flyteidl::core::STRUCT);
  CHECK_FALSE(plain.has_annotation());
  CHECK_FALSE(is_msgpack_dict_type(plain));
}

TEST_CASE("Containers, unions and structured datasets nest as flyteidl expects") {
  const LiteralType nested = parse_flyte_type("list<map<float>>");
  REQUIRE(nested.has_collection_type());
  REQUIRE(nested.collection_type().has_map_value_type());
  CHECK(nested.collection_type().map_value_type().simple() == flyteidl::core::FLOAT);

  const LiteralType u = parse_flyte_type("union<integer, list<string>, file[csv]>");
  REQUIRE(u.has_union_type());
  REQUIRE(u.union_type().variants_size() == 3);
  CHECK(u.union_type().variants(0).simple() == flyteidl::core::INTEGER);
  // Variants carry flytekit's transformer names as tags (UnionTransformer.get_literal_type).
  CHECK(u.union_type().variants(0).structure().tag() == "int");
  CHECK(u.union_type().variants(1).structure().tag() == "Typed List");
  CHECK(u.union_type().variants(2).structure().tag() == "FlyteFilePath");

  const LiteralType opt = parse_flyte_type("optional<datetime>");
  REQUIRE(opt.union_type().variants_size() == 2);
  CHECK(opt.union_type().variants(0).simple() == flyteidl::core::DATETIME);
  CHECK(opt.union_type().variants(1).simple() == flyteidl::core::NONE);
  CHECK(opt.union_type().variants(1).structure().tag() == "none");
  CHECK(MessageDifferencer::Equals(opt, parse_flyte_type("union<datetime, none>")));

  const LiteralType sd = parse_flyte_type("structured_dataset[parquet]");
  REQUIRE(sd.has_structured_dataset_type());
  CHECK(sd.structured_dataset_type().format() == "parquet");
  CHECK(parse_flyte_type("structured_dataset").structured_dataset_type().format().empty());
}

TEST_CASE("Every type string round trips through its LiteralType") {
  const std::vector<std::string> canonical = {
      "integer",
      "float",
      "string",
      "boolean",
      "datetime",
      "duration",
      "none",
      "file",
      "file[csv]",
      "directory",
      "directory[parquet]",
      "dict",
      "struct",
      "binary",
      "structured_dataset",
      "structured_dataset[parquet]",
      "list<integer>",
      "map<string>",
      "list<map<list<dict>>>",
      "union<integer, string>",
      "union<list<float>, map<file[csv]>, none, struct>",
      "optional<integer>",
      "union<integer, string, none>",
      "map<optional<structured_dataset[parquet]>>",
  };
  for (const std::string& text : canonical) {
    INFO(text);
    const LiteralType type = parse_flyte_type(text);
    CHECK(flyte_type_to_string(type) == text);
    CHECK(MessageDifferencer::Equals(parse_flyte_type(flyte_type_to_string(type)), type));
  }
}

TEST_CASE("Type strings ignore white space and print in canonical form") {
  CHECK(flyte_type_to_string(parse_flyte_type("  list < map<  float >>  ")) == "list<map<float>>");
  CHECK(flyte_type_to_string(parse_flyte_type("union<integer,none>")) == "optional<integer>");
  CHECK(flyte_type_to_string(parse_flyte_type("file [ csv ]")) == "file[csv]");
  CHECK(flyte_type_to_string(parse_flyte_type("union< integer ,string >")) ==
        "union<integer, string>");
}

TEST_CASE("Type parse errors point at the column and say what was expected") {
  CHECK_THROWS_AS(parse_flyte_type("list<integr>"), ModelError);
  CHECK_THROWS_WITH(parse_flyte_type("list<integr>"),
                    Catch::Contains("at column 6") && Catch::Contains("expected a type name") &&
                        Catch::Contains("found \"integr\"") && Catch::Contains("list<integr>"));
  CHECK_THROWS_WITH(parse_flyte_type("list<integer"), Catch::Contains("at column 13") &&
                                                          Catch::Contains("\">\"") &&
                                                          Catch::Contains("found end of text"));
  CHECK_THROWS_WITH(parse_flyte_type("Integer"), Catch::Contains("at column 1") &&
                                                     Catch::Contains("lower-case") &&
                                                     Catch::Contains("\"integer\""));
  CHECK_THROWS_WITH(parse_flyte_type("union<integer,>"),
                    Catch::Contains("at column 15") && Catch::Contains("expected a type name") &&
                        Catch::Contains("found \">\""));
  CHECK_THROWS_WITH(parse_flyte_type("file[]"),
                    Catch::Contains("at column 6") && Catch::Contains("a format name"));
  CHECK_THROWS_WITH(parse_flyte_type("integer x"),
                    Catch::Contains("at column 9") && Catch::Contains("expected end of the type"));
  CHECK_THROWS_WITH(parse_flyte_type(""),
                    Catch::Contains("at column 1") && Catch::Contains("found end of text"));
  CHECK_THROWS_WITH(parse_flyte_type("optional<integer, string>"),
                    Catch::Contains("at column 17") && Catch::Contains("closing the optional"));
  CHECK_THROWS_WITH(parse_flyte_type("list integer"),
                    Catch::Contains("at column 6") && Catch::Contains("\"<\""));
}

TEST_CASE("Union variants are tagged exactly as flytekit 1.16 tags them") {
  // Each pair: our type, the tag flytekit's TypeEngine gives the same Python type
  // inside a Union (computed with flytekit 1.16.31: the transformer's name).
  const std::pair<const char*, const char*> expected[] = {
      {"integer", "int"},
      {"float", "float"},
      {"string", "str"},
      {"boolean", "bool"},
      {"datetime", "datetime"},
      {"duration", "timedelta"},
      {"none", "none"},
      {"list<integer>", "Typed List"},
      {"list<optional<string>>", "Typed List"},
      {"map<float>", "Typed Dict"},
      {"map<list<integer>>", "Typed Dict"},
      {"dict", "Typed Dict"},
      {"struct", "Typed Dict"},
      {"file", "FlyteFilePath"},
      {"file[csv]", "FlyteFilePath"},
      {"directory", "FlyteDirectory"},
      {"directory[csv]", "FlyteDirectory"},
      {"structured_dataset", "StructuredDataset Transformer"},
      {"structured_dataset[parquet]", "StructuredDataset Transformer"},
  };
  for (const auto& [type, tag] : expected) {
    INFO(type);
    // (binary is in no pair: union<T, T> would collapse to T, as in typing)
    const LiteralType u = parse_flyte_type(std::string("union<") + type + ", binary>");
    CHECK(u.union_type().variants(0).structure().tag() == tag);
    CHECK(flytekit_variant_tag(parse_flyte_type(type)) == tag);
  }
  // Nested unions are tagged at every level, as flytekit tags each Union it types.
  const LiteralType nested = parse_flyte_type("optional<list<optional<integer>>>");
  const LiteralType& inner = nested.union_type().variants(0).collection_type();
  CHECK(inner.union_type().variants(0).structure().tag() == "int");
  CHECK(inner.union_type().variants(1).structure().tag() == "none");
  // The element type itself is not tagged (flytekit tags only union variants).
  CHECK_FALSE(nested.union_type().variants(0).collection_type().has_structure());
}

// Found by the flytekit interop suite (tests/interop/python/test_types.py):
// flytekit types Optional[Union[int, str]] as one flat union (Python's typing
// flattens it to Union[int, str, None]) and we declared a union nested in a
// union, which flytekit's literals for it did not fit.
TEST_CASE("Nested and repeated union variants flatten as Python's typing.Union does") {
  const auto same = [](const char* a, const char* b) {
    INFO(a << " vs " << b);
    CHECK(MessageDifferencer::Equals(parse_flyte_type(a), parse_flyte_type(b)));
  };
  same("optional<union<integer, string>>", "union<integer, string, none>");
  same("union<union<integer, string>, float>", "union<integer, string, float>");
  same("union<integer, union<string, integer>>", "union<integer, string>");
  same("optional<optional<integer>>", "optional<integer>");
  same("union<integer, integer>", "integer");
  same("optional<none>", "none");
  // Tags are flytekit's for every flattened variant.
  const LiteralType flat = parse_flyte_type("optional<union<integer, list<string>>>");
  REQUIRE(flat.union_type().variants_size() == 3);
  CHECK(flat.union_type().variants(0).structure().tag() == "int");
  CHECK(flat.union_type().variants(1).structure().tag() == "Typed List");
  CHECK(flat.union_type().variants(2).structure().tag() == "none");
  // Inside a container the union stays where it is.
  CHECK(flyte_type_to_string(parse_flyte_type("optional<list<union<integer, string>>>")) ==
        "optional<list<union<integer, string>>>");
}

TEST_CASE("types_compatible compares shape and ignores union tags") {
  LiteralType tagged_by_flytekit;
  tagged_by_flytekit.set_simple(flyteidl::core::INTEGER);
  tagged_by_flytekit.mutable_structure()->set_tag("int");
  CHECK(types_compatible(parse_flyte_type("integer"), tagged_by_flytekit));
  CHECK_FALSE(types_compatible(parse_flyte_type("float"), tagged_by_flytekit));
  CHECK(types_compatible(parse_flyte_type("file"), parse_flyte_type("file[csv]")));
  CHECK_FALSE(types_compatible(parse_flyte_type("file[json]"), parse_flyte_type("file[csv]")));
  CHECK_FALSE(types_compatible(parse_flyte_type("file"), parse_flyte_type("directory")));
  CHECK(types_compatible(parse_flyte_type("list<optional<integer>>"),
                         parse_flyte_type("list<union<integer, none>>")));
  CHECK_FALSE(
      types_compatible(parse_flyte_type("list<integer>"), parse_flyte_type("map<integer>")));
  CHECK(types_compatible(parse_flyte_type("dict"), parse_flyte_type("struct")));
}

TEST_CASE("flyte_type_to_string describes types outside the grammar without throwing") {
  LiteralType color;
  color.mutable_enum_type()->add_values("red");
  color.mutable_enum_type()->add_values("green");
  CHECK(flyte_type_to_string(color) == "enum{red, green}");
  CHECK(flyte_type_to_string(LiteralType()) == "<no type>");
  LiteralType sd = parse_flyte_type("structured_dataset[parquet]");
  auto* column = sd.mutable_structured_dataset_type()->add_columns();
  column->set_name("age");
  column->mutable_literal_type()->set_simple(flyteidl::core::INTEGER);
  CHECK(flyte_type_to_string(sd) == "structured_dataset[parquet]{age: integer}");
}
