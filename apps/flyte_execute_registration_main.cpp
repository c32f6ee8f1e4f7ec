// flyte-execute-registration: what `flyte-execute package`, `validate` and
// `--list --format json` exec (flyte/registration/package.hpp says why it is
// a separate executable). argv[1] names the command; the rest are its args.
#include <iostream>
#include <string>
#include <vector>

#include "flyte/registration/package.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (command == "package") return flyte::run_package(rest, std::cout, std::cerr);
  if (command == "validate") return flyte::run_validate(rest, std::cout, std::cerr);
  if (command == "list-json" && rest.size() == 1) {
    return flyte::list_tasks_json(rest[0], std::cout, std::cerr);
  }
  std::cerr << "flyte-execute-registration: run through flyte-execute (package, validate, "
               "--list LIB.so --format json)\n";
  return 2;
}
