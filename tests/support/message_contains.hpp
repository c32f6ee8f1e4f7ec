#pragma once

// Catch2 v2's Message() matcher compares the whole text; error messages here
// are checked for the facts they must name instead.

#include <catch2/catch.hpp>
#include <exception>
#include <string>
#include <vector>

namespace flyte::testing {

class MessageContainsMatcher : public Catch::MatcherBase<std::exception> {
 public:
  explicit MessageContainsMatcher(std::vector<std::string> parts) : parts_(std::move(parts)) {}
  bool match(const std::exception& e) const override {
    std::string message = e.what();
    for (const auto& part : parts_) {
      if (message.find(part) == std::string::npos) return false;
    }
    return true;
  }
  std::string describe() const override {
    std::string text = "message contains all of:";
    for (const auto& part : parts_) text += " \"" + part + "\"";
    return text;
  }

 private:
  std::vector<std::string> parts_;
};

inline MessageContainsMatcher MessageContains(std::vector<std::string> parts) {
  return MessageContainsMatcher(std::move(parts));
}

}  // namespace flyte::testing
