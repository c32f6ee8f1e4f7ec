#pragma once

/// flyte-execute from argv to exit code: parse, resolve the plan, run the task
/// in a supervised child (or in process), publish exactly one of outputs.pb
/// or the error file (plus deck.html), and choose the exit code (CONTRACT §2).

#include <iosfwd>
#include <string>
#include <vector>

#include "flyte/context/env_lookup.hpp"

namespace flyte {

/// Runs flyte-execute with `args` (without the program name). Output for the
/// user (help, --list, local outputs as JSON) goes to `out`; problems to
/// `err` and the logs.
int run_flyte_execute(const std::vector<std::string>& args, const EnvLookup& env, std::ostream& out,
                      std::ostream& err);

}  // namespace flyte
