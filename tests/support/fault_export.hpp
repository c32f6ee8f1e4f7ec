// Hands what a fault-matrix row published to the engine-side interop suite.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace flyte::testing {

/// When FLYTE_FAULT_EXPORT_DIR is set, copies error.pb / outputs.pb from
/// `output_prefix` into <dir>/<row as a file name>/ next to expect.txt: the
/// exit code the run ended with and what the README's failure table promises
/// for the row (`document` outputs, error or none; for an error its code,
/// kind RECOVERABLE / NON_RECOVERABLE and origin USER / SYSTEM).
/// tests/interop/go/fault_matrix_test.go reads every exported row with
/// flyteplugins' output reader (or, after a non-zero exit, the pod-failure
/// classification), so each row is judged by the engine's own code as well as
/// by ours. A no-op when the variable is unset.
inline void export_fault_row(const std::string& row, const std::filesystem::path& output_prefix,
                             int exit_code, const std::string& document,
                             const std::string& code = "", const std::string& kind = "",
                             const std::string& origin = "") {
  namespace fs = std::filesystem;
  const char* root = std::getenv("FLYTE_FAULT_EXPORT_DIR");
  if (root == nullptr || *root == '\0') return;
  std::string name;
  for (const char c : row) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name += plain ? c : '_';
  }
  // A row run more than once (a loop over variants) keeps every run.
  fs::path target = fs::path(root) / name;
  for (int n = 2; fs::exists(target); ++n)
    target = fs::path(root) / (name + "_" + std::to_string(n));
  fs::create_directories(target);
  for (const char* file : {"outputs.pb", "error.pb"}) {
    if (fs::exists(output_prefix / file)) fs::copy_file(output_prefix / file, target / file);
  }
  std::ofstream expect(target / "expect.txt");
  expect << "row=" << row << "\nexit_code=" << exit_code << "\ndocument=" << document
         << "\ncode=" << code << "\nkind=" << kind << "\norigin=" << origin << "\n";
}

}  // namespace flyte::testing
