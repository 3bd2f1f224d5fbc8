//===- ModelConfig.cpp - model.json, validated ------------------*- C++ -*-===//

#include "tfmc/ModelConfig.h"
#include "tfmc/Frontend/Architecture.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "tfm/formats/Json.h"

#include <cmath>
#include <cstdio>
#include <sstream>

using namespace mlir;
using namespace mlir::tfm;
using JsonValue = ::tfm::json::Value;

StringRef ModelConfig::kindName() const {
  switch (kind) {
  case ModelKind::Encoder:
    return "encoder";
  case ModelKind::Decoder:
    return "decoder";
  case ModelKind::EncoderDecoder:
    return "encoder-decoder";
  }
  return "";
}

bool mlir::tfm::isModelDescription(StringRef text) {
  text = text.ltrim();
  return text.starts_with("{") && !text.starts_with("{-#");
}

FailureOr<ModelConfig> mlir::tfm::loadModelConfig(StringRef path,
                                                  std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = (path + ": cannot read: " + buffer.getError().message()).str();
    return failure();
  }
  return loadModelConfig(path, (*buffer)->getBuffer(), error);
}

FailureOr<ModelConfig>
mlir::tfm::loadModelConfig(StringRef path, StringRef text, std::string &error) {
  JsonValue root;
  std::string jsonError;
  if (!::tfm::json::parse(std::string_view(text.data(), text.size()), root,
                          jsonError)) {
    error = (path + ": invalid JSON: " + jsonError).str();
    return failure();
  }
  if (root.kind != JsonValue::Kind::Object) {
    error = (path + ": expected a JSON object, found " + root.kindName()).str();
    return failure();
  }

  ConfigReader keys(root, path);
  ModelConfig c;
  std::string format = keys.string("format", true);
  if (keys.ok() && format != "tfm-model-v1")
    keys.fail("format",
              "unknown format \"" + format + "\" (expected \"tfm-model-v1\")");
  SmallVector<StringRef> names = architectureNames();
  c.architecture = names[keys.choice("architecture", names)];
  if (!keys.ok()) {
    error = keys.message();
    return failure();
  }
  const ArchitectureSpec *spec = lookupArchitecture(c.architecture);
  c.kind = spec->kind();

  c.dModel = keys.integer("d_model", true, 1, kMaxDim);
  c.numHeads = keys.integer("num_heads", true, 1, kMaxDim);
  c.dFF = keys.integer("d_ff", true, 1, kMaxDim);
  c.maxSeqLen = keys.integer("max_seq_len", true, 1, kMaxDim);
  spec->readKeys(keys, c);
  c.learnedPositions =
      keys.choice("positional_encoding", {"sinusoidal", "learned"}) == 1;
  c.activation = static_cast<Activation>(
      keys.choice("activation", {"relu", "gelu", "gelu_tanh"}));
  c.normFirst = keys.boolean("norm_first", true);
  c.embeddingScale = keys.boolean("embedding_scale", true);
  c.finalNorm = keys.boolean("final_norm", false);
  int64_t maxId = std::max(c.srcVocabSize, c.tgtVocabSize) - 1;
  c.padId = keys.integer("pad_id", true, 0, std::max<int64_t>(maxId, 0));
  c.bosId = keys.integer("bos_id", true, 0, std::max<int64_t>(maxId, 0));
  c.eosId = keys.integer("eos_id", true, 0, std::max<int64_t>(maxId, 0));

  if (const JsonValue *eps = keys.get("layer_norm_eps", false)) {
    if (eps->kind != JsonValue::Kind::Number || !std::isfinite(eps->number) ||
        eps->number <= 0 || eps->number >= 1)
      keys.fail("layer_norm_eps", "expected a positive number below 1");
    else
      c.layerNormEps = eps->number;
  }

  c.weightsPath = keys.path("weights", true);
  if (!c.srcVocabKey.empty())
    c.srcVocabPath = keys.path(c.srcVocabKey, false);
  if (!c.tgtVocabKey.empty())
    c.tgtVocabPath = keys.path(c.tgtVocabKey, false);
  keys.rejectUnknownKeys();

  // Relations between keys, once each key is valid on its own.
  if (keys.ok() && c.dModel % c.numHeads != 0)
    keys.fail("num_heads", Twine(c.numHeads) + " does not divide d_model " +
                               Twine(c.dModel));
  if (keys.ok() && !c.learnedPositions && c.dModel % 2 != 0)
    keys.fail("d_model", Twine(c.dModel) +
                             " must be even for sinusoidal positional "
                             "encoding");
  auto checkId = [&](StringRef key, int64_t id) {
    int64_t vocab = c.hasDecoder() ? c.tgtVocabSize : c.srcVocabSize;
    if (keys.ok() && id >= vocab)
      keys.fail(key, Twine(id) + " is outside the vocabulary of " +
                         Twine(vocab) + " tokens");
  };
  checkId("bos_id", c.bosId);
  checkId("eos_id", c.eosId);
  if (keys.ok() && c.kind == ModelKind::EncoderDecoder &&
      c.padId >= std::min(c.srcVocabSize, c.tgtVocabSize))
    keys.fail("pad_id",
              Twine(c.padId) + " must be a valid id of both vocabularies");
  checkId("pad_id", c.padId);

  // Vocabularies are read now: a wrong file is a compile-time error, and
  // executables carry the tokens instead of depending on the files.
  auto readVocabulary = [&](StringRef key, const std::string &path,
                            int64_t size, std::vector<std::string> &tokens) {
    if (!keys.ok() || path.empty())
      return;
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buffer) {
      keys.fail(key,
                "cannot read " + path + ": " + buffer.getError().message());
      return;
    }
    SmallVector<StringRef> lines;
    StringRef text = (*buffer)->getBuffer();
    if (text.ends_with("\n"))
      text = text.drop_back();
    text.split(lines, '\n');
    for (StringRef line : lines)
      tokens.push_back(line.rtrim('\r').str());
    if (static_cast<int64_t>(tokens.size()) != size)
      keys.fail(key, path + " has " + Twine(tokens.size()) +
                         " tokens, the vocabulary size is " + Twine(size));
  };
  readVocabulary(c.srcVocabKey, c.srcVocabPath, c.srcVocabSize, c.srcTokens);
  readVocabulary(c.tgtVocabKey, c.tgtVocabPath, c.tgtVocabSize, c.tgtTokens);

  if (!keys.ok()) {
    error = keys.message();
    return failure();
  }
  return c;
}

/// A JSON string literal (UTF-8 passes through; control characters are
/// escaped).
static std::string jsonString(StringRef s) {
  std::string out = "\"";
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string ModelConfig::toRuntimeJson() const {
  std::ostringstream os;
  auto tokens = [&](const std::vector<std::string> &list) {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i)
      out += (i ? ", " : "") + jsonString(list[i]);
    return out + "]";
  };
  os << "{\"architecture\": " << jsonString(kindName())
     << ", \"d_model\": " << dModel << ", \"src_vocab_size\": " << srcVocabSize
     << ", \"tgt_vocab_size\": " << tgtVocabSize
     << ", \"type_vocab_size\": " << typeVocabSize
     << ", \"max_seq_len\": " << maxSeqLen << ", \"pad_id\": " << padId
     << ", \"bos_id\": " << bosId << ", \"eos_id\": " << eosId
     << ", \"eos_ids\": [";
  for (size_t i = 0; i < extraEosIds.size(); ++i)
    os << (i ? ", " : "") << extraEosIds[i];
  os << "]"
     << ", \"src_tokens\": " << tokens(srcTokens)
     << ", \"tgt_tokens\": " << tokens(tgtTokens) << "}";
  return os.str();
}

std::vector<WeightSpec> mlir::tfm::expectedWeights(const ModelConfig &c) {
  return lookupArchitecture(c.architecture, c.huggingFace)->weights(c);
}
