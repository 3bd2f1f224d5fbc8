//===- Json.cpp - a small JSON reader ---------------------------*- C++ -*-===//

#include "tfm/formats/Json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

using namespace tfm::json;

const Value *Value::find(std::string_view key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (const auto &[k, v] : *object)
    if (k == key)
      return &v;
  return nullptr;
}

std::string Value::kindName() const {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Number:
    return isInteger ? "an integer" : "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "a value";
}

namespace {
class Parser {
public:
  Parser(std::string_view text, unsigned maxDepth)
      : text(text), maxDepth(maxDepth) {}

  bool parseDocument(Value &result, std::string &error) {
    skipSpace();
    if (!parseValue(result, 0))
      return fail(error);
    skipSpace();
    if (pos != text.size()) {
      this->error("unexpected text after the JSON value");
      return fail(error);
    }
    return true;
  }

private:
  bool fail(std::string &error) {
    error = "line " + std::to_string(errLine) + ", column " +
            std::to_string(errColumn) + ": " + message;
    return false;
  }

  bool error(const std::string &what) {
    if (message.empty()) {
      message = what;
      errLine = line;
      errColumn = pos - lineStart + 1;
    }
    return false;
  }

  void advance() {
    if (text[pos] == '\n') {
      ++line;
      lineStart = pos + 1;
    }
    ++pos;
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      advance();
  }

  bool literal(std::string_view word) {
    if (text.substr(pos, word.size()) != word)
      return error("expected a JSON value");
    for (size_t i = 0; i < word.size(); ++i)
      advance();
    return true;
  }

  bool parseValue(Value &v, unsigned depth) {
    if (depth > maxDepth)
      return error("nesting deeper than " + std::to_string(maxDepth));
    v.line = line;
    v.column = pos - lineStart + 1;
    if (pos >= text.size())
      return error("unexpected end of input, expected a JSON value");
    char c = text[pos];
    switch (c) {
    case '{':
      return parseObject(v, depth);
    case '[':
      return parseArray(v, depth);
    case '"':
      v.kind = Value::Kind::String;
      return parseString(v.string);
    case 't':
      v.kind = Value::Kind::Bool;
      v.boolean = true;
      return literal("true");
    case 'f':
      v.kind = Value::Kind::Bool;
      return literal("false");
    case 'n':
      return literal("null");
    default:
      if (c == '-' || (c >= '0' && c <= '9'))
        return parseNumber(v);
      return error(std::string("unexpected character '") + c +
                   "', expected a JSON value");
    }
  }

  bool parseObject(Value &v, unsigned depth) {
    v.kind = Value::Kind::Object;
    v.object = std::make_shared<Object>();
    advance(); // {
    skipSpace();
    if (pos < text.size() && text[pos] == '}') {
      advance();
      return true;
    }
    while (true) {
      skipSpace();
      if (pos >= text.size() || text[pos] != '"')
        return error("expected a string key in an object");
      std::string key;
      if (!parseString(key))
        return false;
      for (const auto &entry : *v.object)
        if (entry.first == key)
          return error("duplicate key \"" + key + "\"");
      skipSpace();
      if (pos >= text.size() || text[pos] != ':')
        return error("expected ':' after an object key");
      advance();
      skipSpace();
      Value item;
      if (!parseValue(item, depth + 1))
        return false;
      v.object->emplace_back(std::move(key), std::move(item));
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        advance();
        continue;
      }
      if (pos < text.size() && text[pos] == '}') {
        advance();
        return true;
      }
      return error("expected ',' or '}' in an object");
    }
  }

  bool parseArray(Value &v, unsigned depth) {
    v.kind = Value::Kind::Array;
    v.array = std::make_shared<Array>();
    advance(); // [
    skipSpace();
    if (pos < text.size() && text[pos] == ']') {
      advance();
      return true;
    }
    while (true) {
      skipSpace();
      Value item;
      if (!parseValue(item, depth + 1))
        return false;
      v.array->push_back(std::move(item));
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        advance();
        continue;
      }
      if (pos < text.size() && text[pos] == ']') {
        advance();
        return true;
      }
      return error("expected ',' or ']' in an array");
    }
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t &out) {
    if (pos + 4 > text.size())
      return error("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text[pos];
      out <<= 4;
      if (c >= '0' && c <= '9')
        out |= c - '0';
      else if (c >= 'a' && c <= 'f')
        out |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        out |= c - 'A' + 10;
      else
        return error("invalid hex digit in a \\u escape");
      advance();
    }
    return true;
  }

  bool parseString(std::string &out) {
    advance(); // "
    while (true) {
      if (pos >= text.size())
        return error("unterminated string");
      char c = text[pos];
      if (c == '"') {
        advance();
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return error("control character in a string");
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      if (pos >= text.size())
        return error("unterminated escape in a string");
      char e = text[pos];
      advance();
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp))
          return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (text.substr(pos, 2) != "\\u")
            return error("unpaired surrogate in a \\u escape");
          advance();
          advance();
          if (!hex4(low))
            return false;
          if (low < 0xDC00 || low > 0xDFFF)
            return error("invalid low surrogate in a \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        return error(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  bool parseNumber(Value &v) {
    size_t start = pos;
    bool integer = true;
    if (text[pos] == '-')
      advance();
    auto digits = [&] {
      size_t first = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        advance();
      return pos > first;
    };
    if (!digits())
      return error("expected digits in a number");
    if (pos < text.size() && text[pos] == '.') {
      integer = false;
      advance();
      if (!digits())
        return error("expected digits after '.' in a number");
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
      integer = false;
      advance();
      if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
        advance();
      if (!digits())
        return error("expected digits in a number's exponent");
    }
    std::string literal(text.substr(start, pos - start));
    v.kind = Value::Kind::Number;
    v.number = std::strtod(literal.c_str(), nullptr);
    if (integer) {
      errno = 0;
      char *end = nullptr;
      long long parsed = std::strtoll(literal.c_str(), &end, 10);
      // Integers beyond int64 are kept as (inexact) numbers only.
      v.isInteger = errno == 0;
      v.integer = parsed;
    }
    return true;
  }

  std::string_view text;
  unsigned maxDepth;
  size_t pos = 0, lineStart = 0;
  unsigned line = 1;
  std::string message;
  unsigned errLine = 0;
  size_t errColumn = 0;
};
} // namespace

bool tfm::json::parse(std::string_view text, Value &result, std::string &error,
                      unsigned maxDepth) {
  result = Value();
  return Parser(text, maxDepth).parseDocument(result, error);
}
