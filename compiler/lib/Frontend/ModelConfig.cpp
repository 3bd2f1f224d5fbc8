//===- ModelConfig.cpp - model.json, validated ------------------*- C++ -*-===//

#include "tfmc/ModelConfig.h"

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

StringRef ModelConfig::architectureName() const {
  switch (architecture) {
  case Architecture::Encoder:
    return "encoder";
  case Architecture::Decoder:
    return "decoder";
  case Architecture::EncoderDecoder:
    return "encoder-decoder";
  }
  return "";
}

namespace {
/// Reads typed keys of the top-level object, remembering the first error.
class KeyReader {
public:
  KeyReader(const JsonValue &root, StringRef file) : root(root), file(file) {}

  bool ok() const { return error.empty(); }
  const std::string &message() const { return error; }

  void fail(StringRef key, const Twine &what) {
    if (!error.empty())
      return;
    error = (file + ": " + key + ": " + what).str();
    errorKey = key.str();
  }

  const JsonValue *get(StringRef key, bool required) {
    seen.insert(key);
    known.insert(key);
    const JsonValue *v = root.find(std::string_view(key.data(), key.size()));
    if (!v && required)
      fail(key, "missing required key");
    return v;
  }

  int64_t integer(StringRef key, bool required, int64_t min, int64_t max,
                  int64_t defaultValue = 0) {
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

  bool boolean(StringRef key, bool required, bool defaultValue = false) {
    const JsonValue *v = get(key, required);
    if (!v)
      return defaultValue;
    if (v->kind != JsonValue::Kind::Bool) {
      fail(key, "expected true or false, found " + v->kindName());
      return defaultValue;
    }
    return v->boolean;
  }

  std::string string(StringRef key, bool required) {
    const JsonValue *v = get(key, required);
    if (!v)
      return "";
    if (v->kind != JsonValue::Kind::String) {
      fail(key, "expected a string, found " + v->kindName());
      return "";
    }
    return v->string;
  }

  /// One of `choices`; returns its index.
  unsigned choice(StringRef key, ArrayRef<StringRef> choices) {
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

  void rejectUnknownKeys() {
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

  /// Keys that do not belong to this architecture are errors, not ignored.
  void forbid(StringRef key, StringRef architecture) {
    seen.insert(key);
    if (root.find(std::string_view(key.data(), key.size())))
      fail(key, "not used by the " + architecture + " architecture");
  }

private:
  /// The key of this architecture nearest to `key` (a typo or a wrong
  /// case), or "" when none is within a third of its length in edits.
  std::string closestKnownKey(StringRef key) const {
    unsigned limit = (key.size() + 2) / 3, best = limit + 1;
    std::string closest;
    for (const auto &entry : known) {
      StringRef candidate = entry.getKey();
      unsigned distance = key.edit_distance(
          candidate, /*AllowReplacements=*/true, /*MaxEditDistance=*/limit);
      // Ties go to the first name in order, not to the set's hash order.
      if (distance < best || (distance == best && candidate < closest)) {
        best = distance;
        closest = candidate.str();
      }
    }
    return best <= limit ? closest : "";
  }

  const JsonValue &root;
  StringRef file;
  std::string error, errorKey;
  // Keys read so far; `known` leaves out those of other architectures.
  llvm::StringSet<> seen, known;
};
} // namespace

/// Limits that keep every product of sizes far from int64 overflow while
/// allowing any model that fits in memory.
static constexpr int64_t kMaxDim = 1 << 20, kMaxVocab = 1 << 24,
                         kMaxLayers = 1024;

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

  KeyReader keys(root, path);
  ModelConfig c;
  std::string format = keys.string("format", true);
  if (keys.ok() && format != "tfm-model-v1")
    keys.fail("format",
              "unknown format \"" + format + "\" (expected \"tfm-model-v1\")");
  c.architecture = static_cast<Architecture>(
      keys.choice("architecture", {"encoder", "decoder", "encoder-decoder"}));
  if (!keys.ok()) {
    error = keys.message();
    return failure();
  }
  StringRef arch = c.architectureName();

  c.dModel = keys.integer("d_model", true, 1, kMaxDim);
  c.numHeads = keys.integer("num_heads", true, 1, kMaxDim);
  c.dFF = keys.integer("d_ff", true, 1, kMaxDim);
  c.maxSeqLen = keys.integer("max_seq_len", true, 1, kMaxDim);
  if (c.architecture == Architecture::EncoderDecoder) {
    c.numEncoderLayers =
        keys.integer("num_encoder_layers", true, 1, kMaxLayers);
    c.numDecoderLayers =
        keys.integer("num_decoder_layers", true, 1, kMaxLayers);
    c.srcVocabSize = keys.integer("src_vocab_size", true, 1, kMaxVocab);
    c.tgtVocabSize = keys.integer("tgt_vocab_size", true, 1, kMaxVocab);
    keys.forbid("num_layers", arch);
    keys.forbid("vocab_size", arch);
    keys.forbid("vocab", arch);
    keys.forbid("tie_embeddings", arch);
  } else {
    int64_t layers = keys.integer("num_layers", true, 1, kMaxLayers);
    int64_t vocab = keys.integer("vocab_size", true, 1, kMaxVocab);
    if (c.architecture == Architecture::Encoder) {
      c.numEncoderLayers = layers;
      c.srcVocabSize = vocab;
      keys.forbid("tie_embeddings", arch);
    } else {
      c.numDecoderLayers = layers;
      c.tgtVocabSize = vocab;
      c.tieEmbeddings = keys.boolean("tie_embeddings", false);
    }
    for (StringRef key :
         {"num_encoder_layers", "num_decoder_layers", "src_vocab_size",
          "tgt_vocab_size", "src_vocab", "tgt_vocab"})
      keys.forbid(key, arch);
  }
  c.learnedPositions =
      keys.choice("positional_encoding", {"sinusoidal", "learned"}) == 1;
  c.gelu = keys.choice("activation", {"relu", "gelu"}) == 1;
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

  // Paths are relative to the description's folder.
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  auto resolve = [&](StringRef key, bool required) -> std::string {
    std::string rel = keys.string(key, required);
    if (rel.empty()) {
      if (keys.ok() && keys.get(key, false))
        keys.fail(key, "expected a non-empty path");
      return "";
    }
    SmallString<256> full(rel);
    if (!llvm::sys::path::is_absolute(full)) {
      full = dir;
      llvm::sys::path::append(full, rel);
    }
    llvm::sys::fs::make_absolute(full);
    llvm::sys::path::remove_dots(full, /*remove_dot_dot=*/true);
    if (keys.ok() && !llvm::sys::fs::exists(full))
      keys.fail(key, "file " + full + " does not exist");
    return full.str().str();
  };
  c.weightsPath = resolve("weights", true);
  if (c.architecture == Architecture::EncoderDecoder) {
    c.srcVocabPath = resolve("src_vocab", false);
    c.tgtVocabPath = resolve("tgt_vocab", false);
  } else if (c.architecture == Architecture::Encoder) {
    c.srcVocabPath = resolve("vocab", false);
  } else {
    c.tgtVocabPath = resolve("vocab", false);
  }
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
  if (keys.ok() && c.architecture == Architecture::EncoderDecoder &&
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
      keys.fail(key, "cannot read " + path + ": " +
                         buffer.getError().message());
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
  if (c.architecture == Architecture::EncoderDecoder) {
    readVocabulary("src_vocab", c.srcVocabPath, c.srcVocabSize, c.srcTokens);
    readVocabulary("tgt_vocab", c.tgtVocabPath, c.tgtVocabSize, c.tgtTokens);
  } else if (c.architecture == Architecture::Encoder) {
    readVocabulary("vocab", c.srcVocabPath, c.srcVocabSize, c.srcTokens);
  } else {
    readVocabulary("vocab", c.tgtVocabPath, c.tgtVocabSize, c.tgtTokens);
  }

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
  os << "{\"architecture\": " << jsonString(architectureName())
     << ", \"d_model\": " << dModel << ", \"src_vocab_size\": " << srcVocabSize
     << ", \"tgt_vocab_size\": " << tgtVocabSize
     << ", \"max_seq_len\": " << maxSeqLen << ", \"pad_id\": " << padId
     << ", \"bos_id\": " << bosId << ", \"eos_id\": " << eosId
     << ", \"src_tokens\": " << tokens(srcTokens)
     << ", \"tgt_tokens\": " << tokens(tgtTokens) << "}";
  return os.str();
}

std::vector<WeightSpec> mlir::tfm::expectedWeights(const ModelConfig &c) {
  std::vector<WeightSpec> specs;
  int64_t d = c.dModel, ff = c.dFF;
  auto add = [&](std::string name, std::vector<int64_t> shape,
                 bool optional = false) {
    specs.push_back({std::move(name), std::move(shape), optional});
  };
  auto attention = [&](const std::string &p) {
    add(p + ".in_proj_weight", {3 * d, d});
    add(p + ".in_proj_bias", {3 * d});
    add(p + ".out_proj.weight", {d, d});
    add(p + ".out_proj.bias", {d});
  };
  auto norm = [&](const std::string &p) {
    add(p + ".weight", {d});
    add(p + ".bias", {d});
  };
  auto feedForward = [&](const std::string &p) {
    add(p + ".linear1.weight", {ff, d});
    add(p + ".linear1.bias", {ff});
    add(p + ".linear2.weight", {d, ff});
    add(p + ".linear2.bias", {d});
  };
  auto encoderLayer = [&](const std::string &p) {
    attention(p + ".self_attn");
    feedForward(p);
    norm(p + ".norm1");
    norm(p + ".norm2");
  };
  auto decoderLayer = [&](const std::string &p) {
    attention(p + ".self_attn");
    attention(p + ".multihead_attn");
    feedForward(p);
    norm(p + ".norm1");
    norm(p + ".norm2");
    norm(p + ".norm3");
  };

  switch (c.architecture) {
  case Architecture::Encoder:
    add("embed.weight", {c.srcVocabSize, d});
    if (c.learnedPositions)
      add("pos.weight", {c.maxSeqLen, d});
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      encoderLayer("encoder.layers." + std::to_string(i));
    if (c.finalNorm)
      norm("encoder.norm");
    break;
  case Architecture::Decoder:
    add("embed.weight", {c.tgtVocabSize, d});
    if (c.learnedPositions)
      add("pos.weight", {c.maxSeqLen, d});
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      encoderLayer("layers." + std::to_string(i));
    if (c.finalNorm)
      norm("norm");
    if (!c.tieEmbeddings) {
      add("lm_head.weight", {c.tgtVocabSize, d});
      add("lm_head.bias", {c.tgtVocabSize}, /*optional=*/true);
    }
    break;
  case Architecture::EncoderDecoder:
    add("src_embed.weight", {c.srcVocabSize, d});
    if (c.learnedPositions)
      add("src_pos.weight", {c.maxSeqLen, d});
    for (int64_t i = 0; i < c.numEncoderLayers; ++i)
      encoderLayer("encoder.layers." + std::to_string(i));
    if (c.finalNorm)
      norm("encoder.norm");
    add("tgt_embed.weight", {c.tgtVocabSize, d});
    if (c.learnedPositions)
      add("tgt_pos.weight", {c.maxSeqLen, d});
    for (int64_t i = 0; i < c.numDecoderLayers; ++i)
      decoderLayer("decoder.layers." + std::to_string(i));
    if (c.finalNorm)
      norm("decoder.norm");
    add("generator.weight", {c.tgtVocabSize, d});
    add("generator.bias", {c.tgtVocabSize});
    break;
  }
  return specs;
}
