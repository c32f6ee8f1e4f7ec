// Your first native Flyte task library (README: "Your first C++ task").
// It needs only the installed SDK: find_package(flyte_execute) + flyte::task.
#include <flyte/task.hpp>

#include <map>
#include <sstream>
#include <string>

// A typed function is a task: inputs and outputs are named here, their Flyte
// types come from the signature (std::string -> string, int64_t -> integer).
std::string greet(std::string name) {
  return "Hello, " + name + "!";
}
FLYTE_TASK(greet, flyte::inputs("name"), flyte::outputs("greeting"));

// Collections map to Flyte lists and maps; the context gives flytekit's
// ExecutionParameters (ids, working directory, secrets, checkpoint, decks...).
std::map<std::string, int64_t> count_words(std::vector<std::string> lines) {
  std::map<std::string, int64_t> counts;
  for (const auto& line : lines) {
    std::istringstream words(line);
    for (std::string word; words >> word;) ++counts[word];
  }
  flyte::current_context().log().info("counted " + std::to_string(counts.size()) + " words");
  return counts;
}
FLYTE_TASK(count_words, flyte::inputs("lines"), flyte::outputs("counts"));

FLYTE_TASK_LIBRARY();
