// Vectors computed by flytekit 1.16.31 itself (flytekit.utils.pbhash.compute_hash_string
// on each literal parsed from the same text format; protobuf 7 Python):
//   lit = text_format.Parse(text, literals_pb2.Literal())
//   json.dumps(MessageToDict(lit), sort_keys=True, separators=(",", ":")), compute_hash_string(lit)
#include "flyte/model/pbhash.hpp"

#include <google/protobuf/text_format.h>
#include <catch2/catch.hpp>

#include <string>

#include "flyte/model/model_error.hpp"
#include "flyteidl/core/literals.pb.h"

using namespace flyte;

namespace {

struct Vector {
  const char* text;
  const char* json;
  const char* hash;
};

const Vector kFlytekitVectors[] = {
    {R"pb(scalar { primitive { integer: 42 } })pb",
     R"json({"scalar":{"primitive":{"integer":"42"}}})json",
     "cwIrMFjskRIqsjCnl11lv1QSVEpGmho84PAlVQOjI3s="},
    {R"pb(scalar {
            primitive {
              string_value: "h\303\251llo \342\206\222 \344\270\226\347\225\214 \360\237\230\200 \n\t\"\\ \177 \001 /"
            }
          })pb",
     R"json({"scalar":{"primitive":{"stringValue":"h\u00e9llo \u2192 \u4e16\u754c \ud83d\ude00 \n\t\"\\ \u007f \u0001 /"}}})json",
     "FP9kd+ioPHYzmbShfGvjNxU1i/GurwBDTccQGGyRJ+4="},
    {R"pb(collection {
            literals { scalar { primitive { float_value: 1.0 } } }
            literals { scalar { primitive { float_value: 0.1 } } }
            literals { scalar { primitive { float_value: 1e-05 } } }
            literals { scalar { primitive { float_value: 0.0001 } } }
            literals { scalar { primitive { float_value: 1e16 } } }
            literals { scalar { primitive { float_value: 1e15 } } }
            literals { scalar { primitive { float_value: 1.5e300 } } }
            literals { scalar { primitive { float_value: -0.0 } } }
            literals { scalar { primitive { float_value: nan } } }
            literals { scalar { primitive { float_value: -inf } } }
            literals { scalar { primitive { float_value: 123456.789 } } }
            literals { scalar { primitive { float_value: 5e-324 } } }
          })pb",
     R"json({"collection":{"literals":[{"scalar":{"primitive":{"floatValue":1.0}}},{"scalar":{"primitive":{"floatValue":0.1}}},{"scalar":{"primitive":{"floatValue":1e-05}}},{"scalar":{"primitive":{"floatValue":0.0001}}},{"scalar":{"primitive":{"floatValue":1e+16}}},{"scalar":{"primitive":{"floatValue":1000000000000000.0}}},{"scalar":{"primitive":{"floatValue":1.5e+300}}},{"scalar":{"primitive":{"floatValue":-0.0}}},{"scalar":{"primitive":{"floatValue":"NaN"}}},{"scalar":{"primitive":{"floatValue":"-Infinity"}}},{"scalar":{"primitive":{"floatValue":123456.789}}},{"scalar":{"primitive":{"floatValue":5e-324}}}]}})json",
     "QkvzWtYVzU8hyVEatoyXnUXZoE1W3zMFOCLqV4IpTeo="},
    {R"pb(map {
            literals {
              key: "t"
              value { scalar { primitive { datetime { seconds: 1714564800 nanos: 500000000 } } } }
            }
            literals {
              key: "t2"
              value { scalar { primitive { datetime { seconds: -86401 nanos: 123456789 } } } }
            }
            literals {
              key: "d"
              value { scalar { primitive { duration { seconds: -3 nanos: -100000000 } } } }
            }
            literals {
              key: "d2"
              value { scalar { primitive { duration { seconds: 1 nanos: 1000 } } } }
            }
            literals {
              key: "b"
              value { scalar { primitive { boolean: true } } }
            }
            literals {
              key: "\303\251"
              value { scalar { none_type {} } }
            }
            literals {
              key: "Z"
              value { scalar { primitive { integer: -9007199254740993 } } }
            }
          })pb",
     R"json({"map":{"literals":{"Z":{"scalar":{"primitive":{"integer":"-9007199254740993"}}},"b":{"scalar":{"primitive":{"boolean":true}}},"d":{"scalar":{"primitive":{"duration":"-3.100s"}}},"d2":{"scalar":{"primitive":{"duration":"1.000001s"}}},"t":{"scalar":{"primitive":{"datetime":"2024-05-01T12:00:00.500Z"}}},"t2":{"scalar":{"primitive":{"datetime":"1969-12-30T23:59:59.123456789Z"}}},"\u00e9":{"scalar":{"noneType":{}}}}}})json",
     "qTKb3vyHU9CpSVG9/AgKwsIKeAR0WUdTfcJydYmvhaU="},
    {R"pb(scalar {
            generic {
              fields {
                key: "a"
                value { number_value: 2 }
              }
              fields {
                key: "b"
                value {
                  list_value {
                    values { null_value: NULL_VALUE }
                    values { bool_value: false }
                    values { string_value: "x\303\251" }
                    values { number_value: 0.5 }
                  }
                }
              }
              fields {
                key: "c"
                value {
                  struct_value {
                    fields {
                      key: "z"
                      value { number_value: 1e100 }
                    }
                  }
                }
              }
              fields {
                key: "e"
                value {}
              }
            }
          })pb",
     R"json({"scalar":{"generic":{"a":2.0,"b":[null,false,"x\u00e9",0.5],"c":{"z":1e+100},"e":null}}})json",
     "rVmRCp6Y2u8XK55WIP2EFJGyhS/VnOa04MabRZENvLc="},
    {R"pb(scalar {
            blob {
              metadata { type { format: "csv" dimensionality: MULTIPART } }
              uri: "s3://bucket/dir"
            }
          }
          metadata { key: "source" value: "emit" }
          metadata { key: "_uap" value: "abc" })pb",
     R"json({"metadata":{"_uap":"abc","source":"emit"},"scalar":{"blob":{"metadata":{"type":{"dimensionality":"MULTIPART","format":"csv"}},"uri":"s3://bucket/dir"}}})json",
     "C3HQDPyQ42UhrZ5ivFwQaf0e/rHuRLg929ZqhqF8x48="},
    {R"pb(scalar {
            union {
              value { scalar { primitive { integer: 8 } } }
              type {
                simple: INTEGER
                structure { tag: "int" }
              }
            }
          })pb",
     R"json({"scalar":{"union":{"type":{"simple":"INTEGER","structure":{"tag":"int"}},"value":{"scalar":{"primitive":{"integer":"8"}}}}}})json",
     "Tw2PxTJ2oKq18P+HH89HHjrcPCbK0G46DcpbtC6vL0U="},
    {R"pb(scalar { binary { value: "\000\001\002\377hello" tag: "msgpack" } })pb",
     R"json({"scalar":{"binary":{"tag":"msgpack","value":"AAEC/2hlbGxv"}}})json",
     "egeaSaRFnZc+Cg7lt6Uvtng1zP/CF7lAFEHWTYLe5dQ="},
    {R"pb(scalar {
            structured_dataset {
              uri: "s3://b/df"
              metadata {
                structured_dataset_type {
                  format: "parquet"
                  columns {
                    name: "a"
                    literal_type { simple: INTEGER }
                  }
                }
              }
            }
          })pb",
     R"json({"scalar":{"structuredDataset":{"metadata":{"structuredDatasetType":{"columns":[{"literalType":{"simple":"INTEGER"},"name":"a"}],"format":"parquet"}},"uri":"s3://b/df"}}})json",
     "QghaKc0XCUxaC2R65IARxELQodvs2igm8LndOWhdjns="},
    {R"pb(collection {
            literals {
              map {
                literals {
                  key: "k"
                  value { collection {} }
                }
              }
            }
            literals { scalar { error { failed_node_id: "n0" message: "boom" } } }
          })pb",
     R"json({"collection":{"literals":[{"map":{"literals":{"k":{"collection":{}}}}},{"scalar":{"error":{"failedNodeId":"n0","message":"boom"}}}]}})json",
     "MGJlj31FwIPTm1LnbvFMp8J0QOt6uR17y11kYZVmZAU="},
    {R"pb(scalar { primitive { string_value: "" } })pb",
     R"json({"scalar":{"primitive":{"stringValue":""}}})json",
     "U6EV8S8mloE/LncTNIuwMgeg+I14Kn5H6wWt7OdPEro="},
    {R"pb(scalar { primitive { float_value: 0 } }
          hash: "ignored-by-json")pb",
     R"json({"hash":"ignored-by-json","scalar":{"primitive":{"floatValue":0.0}}})json",
     "0bnWHwvzoUGPq6KZ1wSIt8y/Ef142VkGoKrRcZCMLkY="},
    {R"pb(scalar {
            schema {
              uri: "s3://s"
              type { columns { name: "c" type: DATETIME } }
            }
          })pb",
     R"json({"scalar":{"schema":{"type":{"columns":[{"name":"c","type":"DATETIME"}]},"uri":"s3://s"}}})json",
     "0o3lNAJY0LPUhqqEo08N9TlNTsUiFxW4ML3YAAHhc9o="},
};

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

TEST_CASE("compute_hash_string gives flytekit's hash for every kind of literal") {
  for (const Vector& v : kFlytekitVectors) {
    INFO(v.text);
    flyteidl::core::Literal literal;
    REQUIRE(google::protobuf::TextFormat::ParseFromString(v.text, &literal));
    CHECK(proto_hash_json(literal) == v.json);
    CHECK(compute_hash_string(literal) == v.hash);
  }
}

TEST_CASE("sha256 matches the FIPS 180-4 examples") {
  CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(sha256(std::string(1000000, 'a'))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("a Value number that JSON cannot hold fails the hash, as MessageToDict raises") {
  flyteidl::core::Literal literal;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(R"pb(scalar {
                                                               generic {
                                                                 fields {
                                                                   key: "x"
                                                                   value { number_value: inf }
                                                                 }
                                                               }
                                                             })pb",
                                                        &literal));
  CHECK_THROWS_AS(compute_hash_string(literal), ModelError);
}
