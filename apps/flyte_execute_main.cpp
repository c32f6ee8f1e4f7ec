// flyte-execute: the container entrypoint for native Flyte tasks. All of the
// work is in the runtime library; main only hands it argv and the environment.
#include <iostream>
#include <string>
#include <vector>

#include "flyte/runtime/runner.hpp"

#if defined(__SANITIZE_ADDRESS__)
// ASan builds only: LeakSanitizer crashes at exit once a dlopened library has
// used a thread_local (google/sanitizers#1322); task libraries do.
extern "C" const char* __asan_default_options() {
  return "intercept_tls_get_addr=0";
}
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return flyte::run_flyte_execute(args, flyte::process_env(), std::cout, std::cerr);
}
