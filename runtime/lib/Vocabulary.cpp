//===- Vocabulary.cpp - word-level vocabularies -----------------*- C++ -*-===//

#include "Vocabulary.h"

#include "tfm/formats/Error.h"

#include <sstream>

using namespace tfm::runtime;

Vocabulary::Vocabulary(std::vector<std::string> list)
    : tokens(std::move(list)) {
  // The first spelling of a token wins, as a tokenizer would see it.
  for (size_t i = 0; i < tokens.size(); ++i)
    ids.emplace(tokens[i], static_cast<int64_t>(i));
}

std::vector<int64_t> Vocabulary::encode(const std::string &text,
                                        const std::string &flag) const {
  std::istringstream words(text);
  std::vector<int64_t> result;
  std::string word;
  while (words >> word) {
    auto it = ids.find(word);
    if (it == ids.end())
      throw Error(flag, "unknown word " + quote(word) +
                            " (not in the model's vocabulary)");
    result.push_back(it->second);
  }
  return result;
}

std::string Vocabulary::decode(const std::vector<int64_t> &ids) const {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i)
      text += ' ';
    int64_t id = ids[i];
    text += id >= 0 && id < static_cast<int64_t>(tokens.size())
                ? tokens[id]
                : "<" + std::to_string(id) + ">";
  }
  return text;
}
