// flyte-execute: the container entrypoint for native Flyte tasks. This file
// only parses the command line; everything it resolves is handed to the
// runtime library.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"flyte-execute: run a native (C, C++, Rust...) Flyte task", "flyte-execute"};
  app.set_version_flag("--version", std::string("flyte-execute ") + FLYTE_EXECUTE_VERSION);
  CLI11_PARSE(app, argc, argv);
  std::cout << app.help();
  return 0;
}
