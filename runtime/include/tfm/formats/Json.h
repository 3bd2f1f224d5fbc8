//===- Json.h - a small JSON reader -----------------------------*- C++ -*-===//
//
// Enough JSON for safetensors headers and model descriptions, with no
// dependency beyond the C++ standard library so that the runtime, tfmc and
// the fuzzers share one parser. Errors carry line and column.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_JSON_H
#define TFM_FORMATS_JSON_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tfm::json {

struct Value;
using Object = std::vector<std::pair<std::string, Value>>; // keeps key order
using Array = std::vector<Value>;

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool isInteger = false; // written without fraction or exponent
  int64_t integer = 0;    // valid when isInteger
  std::string string;
  std::shared_ptr<Array> array;
  std::shared_ptr<Object> object;
  unsigned line = 0, column = 0; // where the value starts

  const Value *find(std::string_view key) const;
  std::string kindName() const;
};

/// Parses `text`; on failure returns false and sets `error` to
/// "line L, column C: what was expected". Nesting is limited to `maxDepth`.
bool parse(std::string_view text, Value &result, std::string &error,
           unsigned maxDepth = 64);

} // namespace tfm::json

#endif // TFM_FORMATS_JSON_H
