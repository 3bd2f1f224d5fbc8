//===- CommandLine.cpp - one parser for every compiled executable ---------===//

#include "CommandLine.h"

#include "tfm/formats/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

using namespace tfm::runtime;

std::string tfm::runtime::programName(int argc, char **argv) {
  if (argc < 1 || !argv[0] || !*argv[0])
    return "tfm-program";
  const char *slash = std::strrchr(argv[0], '/');
  return slash ? slash + 1 : argv[0];
}

/// Programs: a decimal integer in [1, INT32_MAX]; nothing else, not even
/// spaces.
static int64_t parseCount(const std::string &flag, const std::string &value) {
  int64_t result = 0;
  bool valid = !value.empty();
  for (char c : value) {
    if (c < '0' || c > '9') {
      valid = false;
      break;
    }
    result = result * 10 + (c - '0');
    if (result > INT32_MAX)
      throw Error(flag, "value " + quote(value) + " is too large");
  }
  if (!valid)
    throw Error(flag, "expected a positive integer, got " + quote(value));
  if (result < 1)
    throw Error(flag, "must be at least 1, got " + quote(value));
  return result;
}

/// Models: an integer as strtoll reads it, in [spec.min, spec.max].
static int64_t parseInteger(const std::string &flag, const FlagSpec &spec,
                            const std::string &value) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE)
    throw Error(flag, "expected an integer, got " + quote(value));
  if (v < spec.min)
    throw Error(flag, "must be at least " + std::to_string(spec.min) +
                          ", got " + quote(value));
  if (v > spec.max)
    throw Error(flag, "value " + std::to_string(v) + " is too large");
  return v;
}

/// The row for `spelling` among the flags of `kinds`.
static const FlagSpec *lookUp(const std::string &spelling, unsigned kinds) {
  for (const FlagSpec &spec : flagTable())
    if ((spec.kinds & kinds) &&
        (spelling == spec.name || (spec.alias && spelling == spec.alias)))
      return &spec;
  return nullptr;
}

CommandLine tfm::runtime::parseCommandLine(int argc, char **argv,
                                           unsigned kinds) {
  CommandLine result;
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    const FlagSpec *spec = lookUp(argv[i], kinds);
    if (spec && spec->answersAlone) {
      result.given[CommandLine::index(spec->flag)] = true;
      return result;
    }
  }

  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (onlyPositional || arg.size() < 2 || arg[0] != '-') {
      if (!(kinds & kProgram))
        throw Error(arg, "unexpected argument; token ids go in --ids, "
                         "--input or --text (see --help)");
      result.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyPositional = true;
      continue;
    }

    std::string flag = arg;
    std::optional<std::string> value;
    size_t equals = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && equals != std::string::npos) {
      flag = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    const FlagSpec *spec = lookUp(flag, kinds);
    if (!spec)
      throw Error(flag, "unknown option (see --help)");
    size_t at = CommandLine::index(spec->flag);
    result.given[at] = true;
    if (spec->value == FlagValue::None) {
      if (value)
        throw Error(flag, "takes no value");
      continue;
    }

    if (!value) {
      if (i + 1 >= argc)
        throw Error(flag, "missing value");
      value = argv[++i];
    }
    switch (spec->value) {
    case FlagValue::String:
      if (value->empty())
        throw Error(flag, "empty value");
      break;
    case FlagValue::Count:
      result.numbers[at] = parseCount(flag, *value);
      break;
    case FlagValue::Integer:
      result.numbers[at] = parseInteger(flag, *spec, *value);
      break;
    case FlagValue::None:
    case FlagValue::Text:
      break;
    }
    result.values[at] = *value;
  }
  return result;
}

void tfm::runtime::rejectFlagsOfOtherKinds(const CommandLine &commandLine,
                                           unsigned kind,
                                           const std::string &kindName) {
  for (const FlagSpec &spec : flagTable()) {
    if (!commandLine.has(spec.flag) || findFlag(spec.flag, kind))
      continue;
    std::string problem = "not used by " + kindName + " models";
    if (spec.instead)
      problem += std::string(" (") + spec.instead + ")";
    throw Error(spec.name, problem);
  }
}

/// `text` with every "{field}" of `fields` replaced by its value.
static std::string expandFields(std::string text,
                                const std::map<std::string, std::string> &fields) {
  for (const auto &[name, value] : fields) {
    std::string key = "{" + name + "}";
    for (size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

void tfm::runtime::printFlagHelp(
    std::FILE *out, unsigned kind, size_t column,
    const std::map<std::string, std::string> &fields,
    const std::vector<Flag> &hidden) {
  for (const FlagSpec &spec : flagTable()) {
    if (!(spec.kinds & kind) ||
        std::find(hidden.begin(), hidden.end(), spec.flag) != hidden.end())
      continue;
    std::string label = spec.alias ? std::string(spec.alias) + ", " : "";
    label += spec.name;
    if (*spec.valueName)
      label += std::string(" ") + spec.valueName;
    std::string line = "  " + label;
    line.append(std::max<size_t>(2, column - std::min(column, line.size())),
                ' ');
    std::string help = expandFields(spec.help, fields);
    for (size_t start = 0;;) {
      size_t newline = help.find('\n', start);
      line += help.substr(start, newline - start);
      std::fprintf(out, "%s\n", line.c_str());
      if (newline == std::string::npos)
        break;
      start = newline + 1;
      line.assign(column, ' ');
    }
  }
}
