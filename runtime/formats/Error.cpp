//===- Error.cpp - the one-line errors of a compiled program --------------===//

#include "tfm/formats/Error.h"

#include <cstdio>
#include <cstring>

using namespace tfm::runtime;

/// File names and header text come from the user: escape control
/// characters so that the message stays on one line.
static std::string oneLine(const std::string &text) {
  std::string result;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      result += c;
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
    result += escaped;
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
