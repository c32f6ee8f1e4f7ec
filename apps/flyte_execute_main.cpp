// flyte-execute: the container entrypoint for native Flyte tasks. All of the
// work is in the runtime library; main only hands it argv and the environment.
#include <iostream>
#include <string>
#include <vector>

#include "flyte/runtime/runner.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return flyte::run_flyte_execute(args, flyte::process_env(), std::cout, std::cerr);
}
