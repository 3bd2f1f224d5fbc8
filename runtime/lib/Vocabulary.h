//===- Vocabulary.h - word-level vocabularies -------------------*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_VOCABULARY_H
#define TFM_RUNTIME_LIB_VOCABULARY_H

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfm::runtime {

/// A text file with one token per line; line i is the token of id i.
class Vocabulary {
public:
  Vocabulary() = default;
  /// Line i of the vocabulary file is `tokens[i]`.
  explicit Vocabulary(std::vector<std::string> tokens);

  bool empty() const { return tokens.empty(); }

  /// Whitespace tokenization; an unknown word is an Error.
  std::vector<int64_t> encode(const std::string &text,
                              const std::string &flag) const;
  /// Tokens joined by single spaces.
  std::string decode(const std::vector<int64_t> &ids) const;

private:
  std::vector<std::string> tokens;
  std::unordered_map<std::string, int64_t> ids;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_VOCABULARY_H
