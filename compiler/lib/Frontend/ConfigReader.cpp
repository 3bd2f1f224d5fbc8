//===- ConfigReader.cpp - typed keys of a JSON model description ----------===//

#include "tfmc/Frontend/ConfigReader.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;
using JsonValue = ConfigReader::JsonValue;

void ConfigReader::fail(StringRef key, const Twine &what) {
  if (!error.empty())
    return;
  error = (file + ": " + key + ": " + what).str();
  errorKey = key.str();
}

const JsonValue *ConfigReader::get(StringRef key, bool required) {
  seen.insert(key);
  known.insert(key);
  const JsonValue *v = root.find(std::string_view(key.data(), key.size()));
  if (!v && required)
    fail(key, "missing required key");
  return v;
}

int64_t ConfigReader::integer(StringRef key, bool required, int64_t min,
                              int64_t max, int64_t defaultValue) {
  const JsonValue *v = get(key, required);
  if (!v)
    return defaultValue;
  if (v->kind != JsonValue::Kind::Number || !v->isInteger) {
    fail(key, "expected an integer, found " + v->kindName());
    return defaultValue;
  }
  if (v->integer < min || v->integer > max) {
    fail(key, Twine(v->integer) + " is out of range (expected " + Twine(min) +
                  " to " + Twine(max) + ")");
    return defaultValue;
  }
  return v->integer;
}

bool ConfigReader::boolean(StringRef key, bool required, bool defaultValue) {
  const JsonValue *v = get(key, required);
  if (!v)
    return defaultValue;
  if (v->kind != JsonValue::Kind::Bool) {
    fail(key, "expected true or false, found " + v->kindName());
    return defaultValue;
  }
  return v->boolean;
}

std::string ConfigReader::string(StringRef key, bool required) {
  const JsonValue *v = get(key, required);
  if (!v)
    return "";
  if (v->kind != JsonValue::Kind::String) {
    fail(key, "expected a string, found " + v->kindName());
    return "";
  }
  return v->string;
}

unsigned ConfigReader::choice(StringRef key, ArrayRef<StringRef> choices) {
  std::string s = string(key, true);
  for (auto [i, c] : llvm::enumerate(choices))
    if (s == c)
      return i;
  if (ok()) {
    std::string list;
    for (auto [i, c] : llvm::enumerate(choices))
      list += (i ? ", \"" : "\"") + c.str() + "\"";
    fail(key, "unknown value \"" + s + "\" (expected one of " + list + ")");
  }
  return 0;
}

double ConfigReader::number(StringRef key, bool required, double low,
                            double high, double defaultValue) {
  const JsonValue *v = get(key, required);
  if (!v)
    return defaultValue;
  if (v->kind != JsonValue::Kind::Number || !std::isfinite(v->number) ||
      v->number <= low || v->number >= high) {
    std::string found = v->kind == JsonValue::Kind::Number
                            ? std::to_string(v->number)
                            : v->kindName();
    fail(key, "expected a number above " + std::to_string(low) + " and below " +
                  std::to_string(high) + ", found " + found);
    return defaultValue;
  }
  return v->number;
}

std::string ConfigReader::path(StringRef key, bool required) {
  std::string rel = string(key, required);
  if (rel.empty()) {
    if (ok() && get(key, false))
      fail(key, "expected a non-empty path");
    return "";
  }
  SmallString<256> full(rel);
  if (!llvm::sys::path::is_absolute(full)) {
    full = file;
    llvm::sys::path::remove_filename(full);
    llvm::sys::path::append(full, rel);
  }
  llvm::sys::fs::make_absolute(full);
  llvm::sys::path::remove_dots(full, /*remove_dot_dot=*/true);
  if (ok() && !llvm::sys::fs::exists(full))
    fail(key, "file " + full + " does not exist");
  return full.str().str();
}

void ConfigReader::rejectUnknownKeys() {
  for (const auto &[key, value] : *root.object) {
    if (seen.contains(key))
      continue;
    std::string what = "unknown key", closest = closestKnownKey(key);
    if (!closest.empty()) {
      what += "; did you mean '" + closest + "'?";
      // A misspelt required key was reported missing first, but the
      // misspelling is what to fix.
      if (errorKey == closest &&
          !root.find(std::string_view(closest.data(), closest.size())))
        error.clear();
    }
    fail(key, what);
  }
}

void ConfigReader::forbid(StringRef key, StringRef architecture) {
  seen.insert(key);
  if (root.find(std::string_view(key.data(), key.size())))
    fail(key, "not used by the " + architecture + " architecture");
}

/// The key of this architecture nearest to `key` (a typo or a wrong
/// case), or "" when none is within a third of its length in edits.
std::string ConfigReader::closestKnownKey(StringRef key) const {
  unsigned limit = (key.size() + 2) / 3, best = limit + 1;
  std::string closest;
  for (const auto &entry : known) {
    StringRef candidate = entry.getKey();
    unsigned distance = key.edit_distance(candidate, /*AllowReplacements=*/true,
                                          /*MaxEditDistance=*/limit);
    // Ties go to the first name in order, not to the set's hash order.
    if (distance < best || (distance == best && candidate < closest)) {
      best = distance;
      closest = candidate.str();
    }
  }
  return best <= limit ? closest : "";
}
