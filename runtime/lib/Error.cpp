//===- Error.cpp - the one-line errors of a compiled program --------------===//

#include "Error.h"

#include <cstring>

using namespace tfm::runtime;

/// File names and values come from the user: keep the message on one line.
static std::string oneLine(const std::string &text) {
  std::string result;
  for (char c : text) {
    if (c == '\n')
      result += "\\n";
    else if (c == '\r')
      result += "\\r";
    else
      result += c;
  }
  return result;
}

Error::Error(const std::string &subject, const std::string &problem)
    : std::runtime_error("error: " + oneLine(subject) + ": " +
                         oneLine(problem)) {}

std::string tfm::runtime::errnoMessage(int err) { return std::strerror(err); }

std::string tfm::runtime::quote(const std::string &text) {
  return "'" + text + "'";
}
