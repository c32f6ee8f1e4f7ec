#include "flyte/model/flyte_type.hpp"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace flyte {

using flyteidl::core::BlobType;
using flyteidl::core::LiteralType;
using flyteidl::core::SimpleType;

namespace {

constexpr std::string_view kTypeNames =
    "integer, float, string, boolean, datetime, duration, none, file, directory, dict, "
    "struct, binary, structured_dataset, list<T>, map<T>, union<T, ...>, optional<T>";

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Formats are file extensions or mime-ish names: "csv", "parquet", "jpeg", "text/plain".
bool is_format_char(char c) {
  return is_name_char(c) || c == '.' || c == '-' || c == '+' || c == '/';
}

class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  LiteralType parse() {
    LiteralType type = parse_type();
    skip_ws();
    if (pos_ != text_.size()) fail("end of the type", found_token());
    return type;
  }

 private:
  void skip_ws() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string found_token() const {
    if (pos_ >= text_.size()) return "end of text";
    std::size_t end = pos_;
    while (end < text_.size() && is_name_char(text_[end])) ++end;
    if (end == pos_) end = pos_ + 1;
    std::string token = "\"";  // appended piecewise: GCC 12 -Wrestrict misfires on "x" + string
    token.append(text_.substr(pos_, end - pos_));
    token += '"';
    return token;
  }

  [[noreturn]] void fail(std::string_view expected, std::string_view found) const {
    throw ModelError("bad type \"" + std::string(text_) + "\" at column " +
                     std::to_string(pos_ + 1) + ": expected " + std::string(expected) + ", found " +
                     std::string(found));
  }

  void expect(char c, std::string_view what) {
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return;
    }
    fail(what, found_token());
  }

  bool accept(char c) {
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // "[" format "]" after file, directory or structured_dataset; "" when absent.
  std::string parse_optional_format() {
    if (!accept('[')) return "";
    skip_ws();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_format_char(text_[pos_])) ++pos_;
    if (pos_ == start) fail("a format name such as csv or parquet", found_token());
    std::string format(text_.substr(start, pos_ - start));
    expect(']', "\"]\" closing the format");
    return format;
  }

  LiteralType parse_inner() {
    expect('<', "\"<\" opening the element type");
    LiteralType inner = parse_type();
    expect('>', "\">\" closing the element type");
    return inner;
  }

  LiteralType parse_type() {
    skip_ws();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty()) {
      fail("a type name (" + std::string(kTypeNames) + ")", found_token());
    }
    LiteralType type;
    if (name == "integer") {
      type.set_simple(flyteidl::core::INTEGER);
    } else if (name == "float") {
      type.set_simple(flyteidl::core::FLOAT);
    } else if (name == "string") {
      type.set_simple(flyteidl::core::STRING);
    } else if (name == "boolean") {
      type.set_simple(flyteidl::core::BOOLEAN);
    } else if (name == "datetime") {
      type.set_simple(flyteidl::core::DATETIME);
    } else if (name == "duration") {
      type.set_simple(flyteidl::core::DURATION);
    } else if (name == "none") {
      type.set_simple(flyteidl::core::NONE);
    } else if (name == "binary") {
      type.set_simple(flyteidl::core::BINARY);
    } else if (name == "struct") {
      type.set_simple(flyteidl::core::STRUCT);
    } else if (name == "dict") {
      type.set_simple(flyteidl::core::STRUCT);
      google::protobuf::Struct format;
      (*format.mutable_fields())[std::string(SERIALIZATION_FORMAT)].set_string_value(
          std::string(MESSAGEPACK));
      auto& fields = *type.mutable_annotation()->mutable_annotations()->mutable_fields();
      *fields[std::string(CACHE_KEY_METADATA)].mutable_struct_value() = std::move(format);
    } else if (name == "file" || name == "directory") {
      BlobType* blob = type.mutable_blob();
      blob->set_dimensionality(name == "file" ? BlobType::SINGLE : BlobType::MULTIPART);
      blob->set_format(parse_optional_format());
    } else if (name == "structured_dataset") {
      type.mutable_structured_dataset_type()->set_format(parse_optional_format());
    } else if (name == "list") {
      *type.mutable_collection_type() = parse_inner();
    } else if (name == "map") {
      *type.mutable_map_value_type() = parse_inner();
    } else if (name == "optional" || name == "union") {
      expect('<', "\"<\" opening the variant types");
      auto* variants = type.mutable_union_type()->mutable_variants();
      // As Python's typing.Union, which gives flytekit its union types: a
      // nested union is spliced into the outer one (Optional[Union[int, str]]
      // is Union[int, str, None]), a repeated variant is dropped, and a union
      // left with one variant is that variant.
      const auto add_variant = [variants](LiteralType variant) {
        variant.clear_structure();
        for (const LiteralType& seen : *variants) {
          if (google::protobuf::util::MessageDifferencer::Equals(seen, variant)) return;
        }
        *variants->Add() = std::move(variant);
      };
      do {
        LiteralType variant = parse_type();
        if (variant.has_union_type()) {
          for (const LiteralType& inner : variant.union_type().variants()) add_variant(inner);
        } else {
          add_variant(std::move(variant));
        }
      } while (name == "union" && accept(','));
      expect('>', name == "union" ? "\",\" or \">\" closing the variant types"
                                  : "\">\" closing the optional type");
      if (name == "optional") {
        LiteralType none;
        none.set_simple(flyteidl::core::NONE);
        add_variant(std::move(none));
      }
      if (variants->size() == 1) {
        LiteralType only = std::move((*variants)[0]);
        return only;
      }
      for (LiteralType& variant : *variants) {
        std::string tag = flytekit_variant_tag(variant);
        variant.mutable_structure()->set_tag(std::move(tag));
      }
    } else {
      pos_ = start;
      std::string lower(name);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower != name) {
        fail("a lower-case type name (write \"" + lower + "\")", found_token());
      }
      fail("a type name (" + std::string(kTypeNames) + ")", found_token());
    }
    return type;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string with_format(std::string name, const std::string& format) {
  if (!format.empty()) name += "[" + format + "]";
  return name;
}

}  // namespace

LiteralType parse_flyte_type(std::string_view text) {
  return TypeParser(text).parse();
}

bool is_msgpack_dict_type(const LiteralType& type) {
  if (type.type_case() != LiteralType::kSimple || type.simple() != flyteidl::core::STRUCT ||
      !type.has_annotation()) {
    return false;
  }
  const auto& fields = type.annotation().annotations().fields();
  const auto meta = fields.find(std::string(CACHE_KEY_METADATA));
  if (meta == fields.end() || !meta->second.has_struct_value()) return false;
  const auto& inner = meta->second.struct_value().fields();
  const auto format = inner.find(std::string(SERIALIZATION_FORMAT));
  return format != inner.end() && format->second.string_value() == MESSAGEPACK;
}

std::string flyte_type_to_string(const LiteralType& type) {
  switch (type.type_case()) {
    case LiteralType::kSimple:
      switch (type.simple()) {
        case flyteidl::core::NONE:
          return "none";
        case flyteidl::core::INTEGER:
          return "integer";
        case flyteidl::core::FLOAT:
          return "float";
        case flyteidl::core::STRING:
          return "string";
        case flyteidl::core::BOOLEAN:
          return "boolean";
        case flyteidl::core::DATETIME:
          return "datetime";
        case flyteidl::core::DURATION:
          return "duration";
        case flyteidl::core::BINARY:
          return "binary";
        case flyteidl::core::ERROR:
          return "error";
        case flyteidl::core::STRUCT:
          return is_msgpack_dict_type(type) ? "dict" : "struct";
        default:
          return "simple(" + std::to_string(static_cast<int>(type.simple())) + ")";
      }
    case LiteralType::kBlob:
      return with_format(type.blob().dimensionality() == BlobType::MULTIPART ? "directory" : "file",
                         type.blob().format());
    case LiteralType::kCollectionType:
      return "list<" + flyte_type_to_string(type.collection_type()) + ">";
    case LiteralType::kMapValueType:
      return "map<" + flyte_type_to_string(type.map_value_type()) + ">";
    case LiteralType::kUnionType: {
      const auto& variants = type.union_type().variants();
      if (variants.size() == 2 && variants[1].type_case() == LiteralType::kSimple &&
          variants[1].simple() == flyteidl::core::NONE) {
        return "optional<" + flyte_type_to_string(variants[0]) + ">";
      }
      std::string out = "union<";
      for (int i = 0; i < variants.size(); ++i) {
        if (i > 0) out += ", ";
        out += flyte_type_to_string(variants[i]);
      }
      return out + ">";
    }
    case LiteralType::kStructuredDatasetType: {
      const auto& sd = type.structured_dataset_type();
      std::string out = with_format("structured_dataset", sd.format());
      if (sd.columns_size() > 0) {
        out += "{";
        for (int i = 0; i < sd.columns_size(); ++i) {
          if (i > 0) out += ", ";
          out += sd.columns(i).name() + ": " + flyte_type_to_string(sd.columns(i).literal_type());
        }
        out += "}";
      }
      return out;
    }
    case LiteralType::kEnumType: {
      std::string out = "enum{";
      for (int i = 0; i < type.enum_type().values_size(); ++i) {
        if (i > 0) out += ", ";
        out += type.enum_type().values(i);
      }
      return out + "}";
    }
    case LiteralType::kSchema:
      return "schema";
    case LiteralType::TYPE_NOT_SET:
      break;
  }
  return "<no type>";
}

std::string flytekit_variant_tag(const LiteralType& type) {
  switch (type.type_case()) {
    case LiteralType::kSimple:
      switch (type.simple()) {
        case flyteidl::core::NONE:
          return "none";
        case flyteidl::core::INTEGER:
          return "int";
        case flyteidl::core::FLOAT:
          return "float";
        case flyteidl::core::STRING:
          return "str";
        case flyteidl::core::BOOLEAN:
          return "bool";
        case flyteidl::core::DATETIME:
          return "datetime";
        case flyteidl::core::DURATION:
          return "timedelta";
        case flyteidl::core::STRUCT:
          // flytekit's DictTransformer types both an untyped dict (msgpack) and,
          // before 1.14, a generic Struct: a Python union reads either under this tag.
          return "Typed Dict";
        case flyteidl::core::BINARY:
          return "binary";
        case flyteidl::core::ERROR:
          return "error";
        default:
          return flyte_type_to_string(type);
      }
    case LiteralType::kBlob:
      return type.blob().dimensionality() == BlobType::MULTIPART ? "FlyteDirectory"
                                                                 : "FlyteFilePath";
    case LiteralType::kCollectionType:
      return "Typed List";
    case LiteralType::kMapValueType:
      return "Typed Dict";
    case LiteralType::kUnionType:
      return "Typed Union";
    case LiteralType::kStructuredDatasetType:
      return "StructuredDataset Transformer";
    case LiteralType::kEnumType:
      return "DefaultEnumTransformer";
    case LiteralType::kSchema:
      return "FlyteSchema Transformer";
    case LiteralType::TYPE_NOT_SET:
      break;
  }
  return flyte_type_to_string(type);
}

bool types_compatible(const LiteralType& expected, const LiteralType& found) {
  if (expected.type_case() != found.type_case()) return false;
  const auto formats_agree = [](const std::string& a, const std::string& b) {
    return a.empty() || b.empty() || a == b;
  };
  switch (expected.type_case()) {
    case LiteralType::kSimple:
      return expected.simple() == found.simple();
    case LiteralType::kBlob:
      return expected.blob().dimensionality() == found.blob().dimensionality() &&
             formats_agree(expected.blob().format(), found.blob().format());
    case LiteralType::kCollectionType:
      return types_compatible(expected.collection_type(), found.collection_type());
    case LiteralType::kMapValueType:
      return types_compatible(expected.map_value_type(), found.map_value_type());
    case LiteralType::kUnionType: {
      const auto& a = expected.union_type().variants();
      const auto& b = found.union_type().variants();
      if (a.size() != b.size()) return false;
      for (int i = 0; i < a.size(); ++i) {
        if (!types_compatible(a[i], b[i])) return false;
      }
      return true;
    }
    case LiteralType::kStructuredDatasetType:
      return formats_agree(expected.structured_dataset_type().format(),
                           found.structured_dataset_type().format());
    case LiteralType::kEnumType: {
      const auto& a = expected.enum_type().values();
      const auto& b = found.enum_type().values();
      return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
    case LiteralType::kSchema:
    case LiteralType::TYPE_NOT_SET:
      return true;
  }
  return false;
}

}  // namespace flyte
