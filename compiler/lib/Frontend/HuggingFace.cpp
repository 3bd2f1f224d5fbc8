//===- HuggingFace.cpp - Hugging Face checkpoint directories --------------===//
//
// A checkpoint directory holds config.json (its `model_type` names the
// architecture, whose file reads the rest), the weights (model.safetensors,
// or shards listed by model.safetensors.index.json) and optionally
// generation_config.json (bos and eos ids). Keys that do not change what the
// model computes (`architectures`, save for BERT's tensor names,
// `torch_dtype`, `use_cache`, ...) are not read; a value tfmc cannot honour is an error naming its key.
//
//===----------------------------------------------------------------------===//

#include "tfmc/Frontend/Architecture.h"
#include "tfmc/ModelConfig.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tfm;
using JsonValue = ::tfm::json::Value;

bool mlir::tfm::isCheckpointDirectory(StringRef path) {
  SmallString<256> config(path);
  llvm::sys::path::append(config, "config.json");
  return llvm::sys::fs::is_directory(path) && llvm::sys::fs::exists(config);
}

/// Parses the JSON object in `path`; on failure sets `error`.
static bool readJsonObject(StringRef path, JsonValue &root,
                           std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = (path + ": cannot read: " + buffer.getError().message()).str();
    return false;
  }
  StringRef text = (*buffer)->getBuffer();
  std::string jsonError;
  if (!::tfm::json::parse(std::string_view(text.data(), text.size()), root,
                          jsonError)) {
    error = (path + ": invalid JSON: " + jsonError).str();
    return false;
  }
  if (root.kind != JsonValue::Kind::Object) {
    error = (path + ": expected a JSON object, found " + root.kindName()).str();
    return false;
  }
  return true;
}

/// An id or a list of ids (eos_token_id); empty for null or absent.
static std::vector<int64_t> readIds(ConfigReader &keys, StringRef key,
                                    int64_t vocab) {
  std::vector<int64_t> ids;
  const JsonValue *v = keys.get(key, false);
  if (!v || v->kind == JsonValue::Kind::Null)
    return ids;
  auto add = [&](const JsonValue &id) {
    if (id.kind != JsonValue::Kind::Number || !id.isInteger || id.integer < 0 ||
        id.integer >= vocab) {
      keys.fail(key, "expected token ids in [0, " + Twine(vocab) + ")");
      return;
    }
    ids.push_back(id.integer);
  };
  if (v->kind == JsonValue::Kind::Array) {
    for (const JsonValue &id : *v->array)
      add(id);
    if (v->array->empty())
      keys.fail(key, "expected at least one id");
  } else {
    add(*v);
  }
  return ids;
}

/// The weights' files: model.safetensors, or the shards the index lists
/// (each once, in order of first use).
static bool findWeights(StringRef dir, ModelConfig &c, std::string &error) {
  SmallString<256> single(dir), index(dir);
  llvm::sys::path::append(single, "model.safetensors");
  llvm::sys::path::append(index, "model.safetensors.index.json");
  if (llvm::sys::fs::exists(single)) {
    c.weightsPath = single.str().str();
    return true;
  }
  if (!llvm::sys::fs::exists(index)) {
    error = (dir + ": no model.safetensors or model.safetensors.index.json "
                   "(tfmc reads safetensors weights, not pytorch_model.bin)")
                .str();
    return false;
  }
  JsonValue root;
  if (!readJsonObject(index, root, error))
    return false;
  const JsonValue *map = root.find("weight_map");
  if (!map || map->kind != JsonValue::Kind::Object || map->object->empty()) {
    error = (index + ": weight_map: expected an object of tensor names").str();
    return false;
  }
  llvm::StringSet<> seen;
  for (const auto &[tensor, file] : *map->object) {
    if (file.kind != JsonValue::Kind::String || file.string.empty() ||
        StringRef(file.string).contains('/') || file.string == "..") {
      error = (index + ": weight_map: " + tensor +
               ": expected a file name in the directory")
                  .str();
      return false;
    }
    if (!seen.insert(file.string).second)
      continue;
    SmallString<256> shard(dir);
    llvm::sys::path::append(shard, file.string);
    if (!llvm::sys::fs::exists(shard)) {
      error = (index + ": weight_map: " + tensor + ": shard " + shard +
               " does not exist")
                  .str();
      return false;
    }
    c.weightShards.push_back(shard.str().str());
  }
  c.weightsPath = c.weightShards.front();
  return true;
}

FailureOr<ModelConfig> mlir::tfm::loadCheckpoint(StringRef dirPath,
                                                 std::string &error) {
  SmallString<256> dir(dirPath);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  SmallString<256> configPath(dir);
  llvm::sys::path::append(configPath, "config.json");
  JsonValue root;
  if (!readJsonObject(configPath, root, error))
    return failure();

  ConfigReader keys(root, configPath);
  ModelConfig c;
  c.huggingFace = true;
  std::string type = keys.string("model_type", true);
  const ArchitectureSpec *spec =
      keys.ok() ? lookupArchitecture(type, /*huggingFace=*/true) : nullptr;
  if (keys.ok() && !spec) {
    std::string list;
    for (StringRef name : architectureNames(/*huggingFace=*/true))
      list += (list.empty() ? "\"" : ", \"") + name.str() + "\"";
    keys.fail("model_type", "unsupported model type \"" + type +
                                "\" (tfmc compiles " + list + ")");
  }
  if (!keys.ok()) {
    error = keys.message();
    return failure();
  }
  c.architecture = type;
  c.kind = spec->kind();
  spec->readKeys(keys, c);
  int64_t vocab = c.hasDecoder() ? c.tgtVocabSize : c.srcVocabSize;
  std::vector<int64_t> bos = readIds(keys, "bos_token_id", vocab);
  std::vector<int64_t> eos = readIds(keys, "eos_token_id", vocab);
  if (!keys.ok()) {
    error = keys.message();
    return failure();
  }

  // generation_config.json, when present, has the last word on bos and eos
  // (as transformers' generate() reads it).
  SmallString<256> generationPath(dir);
  llvm::sys::path::append(generationPath, "generation_config.json");
  if (llvm::sys::fs::exists(generationPath)) {
    JsonValue generation;
    if (!readJsonObject(generationPath, generation, error))
      return failure();
    ConfigReader genKeys(generation, generationPath);
    std::vector<int64_t> genBos = readIds(genKeys, "bos_token_id", vocab);
    std::vector<int64_t> genEos = readIds(genKeys, "eos_token_id", vocab);
    if (!genKeys.ok()) {
      error = genKeys.message();
      return failure();
    }
    if (!genBos.empty())
      bos = genBos;
    if (!genEos.empty())
      eos = genEos;
  }
  // Hugging Face language models reserve no padding id; batches are padded
  // with vocab_size, outside the vocabulary, so that no real token (an eos
  // inside a chat prompt, say) is ever taken for padding. Encoders (BERT)
  // mask their pad_token_id, which their architecture reads, as their
  // tokenizers' attention_mask does.
  if (c.hasDecoder())
    c.padId = vocab;
  c.bosId = bos.empty() ? 0 : bos.front();
  if (eos.empty()) {
    // No end of sequence: generation stops at --max-new-tokens or the
    // longest sequence; eos_id points at the padding id, never generated.
    c.eosId = c.padId;
  } else {
    c.eosId = eos.front();
    c.extraEosIds.assign(eos.begin() + 1, eos.end());
  }

  if (!findWeights(dir, c, error))
    return failure();
  return c;
}
