//===- Flags.cpp - the flags of every compiled executable -----------------===//

#include "Flags.h"

using namespace tfm::runtime;

const std::vector<FlagSpec> &tfm::runtime::flagTable() {
  using V = FlagValue;
  static const std::vector<FlagSpec> table = {
      // Programs compiled from tfm IR.
      {Flag::Entry, "--entry", nullptr, V::String, "NAME", kProgram,
       "the entry point to run; required when there are\nseveral"},
      {Flag::Output, "-o", nullptr, V::String, "OUT.npy", kProgram,
       "write the result (one-result entries only)"},
      {Flag::OutputDir, "--output-dir", nullptr, V::String, "DIR", kProgram,
       "write DIR/result0.npy, DIR/result1.npy, ...; DIR\nmust exist"},
      {Flag::Repeat, "--repeat", nullptr, V::Count, "N", kProgram,
       "run N times, print min and median time on stderr"},
      {Flag::Threads, "--threads", nullptr, V::Count, "N", kProgram,
       "threads the compiled code may use (default: the\n"
       "online CPUs, {threads} here)"},

      // Models: what goes in.
      {Flag::Ids, "--ids", nullptr, V::Text, "\"ID ...\"", kAnyModel,
       "one sequence of token ids"},
      {Flag::Input, "--input", nullptr, V::String, "IDS.npy", kAnyModel,
       "int32/int64 ids [B, S] or [S], padded with trailing pad_id "
       "({pad_id})"},
      {Flag::Text, "--text", nullptr, V::Text, "\"...\"", kAnyModel,
       "whitespace-separated words of the model's vocabulary"},
      // Encoders with token types (BERT's segments).
      {Flag::TokenTypeIds, "--token-type-ids", nullptr, V::Text, "\"ID ...\"",
       kEncoderModel,
       "token types of --ids, in [0, {type_vocab_size}) (default: all 0)"},
      {Flag::TokenTypeInput, "--token-type-input", nullptr, V::String, "T.npy",
       kEncoderModel, "int32/int64 token types of --input, the same shape"},
      // What comes out, by architecture.
      {Flag::HiddenStates, "--output", nullptr, V::String, "H.npy",
       kEncoderModel,
       "write the final hidden states, float32 [B, S, {d_model}] (zero at "
       "padding)",
       0, INT64_MAX, "use --logits"},
      {Flag::Logits, "--logits", nullptr, V::String, "L.npy", kDecoderModel,
       "write float32 logits [B, S, {tgt_vocab_size}] for the input", 0,
       INT64_MAX, "use --output"},
      {Flag::Logits, "--logits", nullptr, V::String, "L.npy",
       kEncoderDecoderModel,
       "write float32 logits [B, T, {tgt_vocab_size}] for "
       "--target-ids/--target-input",
       0, INT64_MAX, "use --output"},
      // Generation.
      {Flag::MaxNewTokens, "--max-new-tokens", nullptr, V::Integer, "N",
       kGeneratingModels,
       "generate up to N tokens (default: up to max_seq_len)", 0},
      {Flag::Temperature, "--temperature", nullptr, V::String, "T",
       kGeneratingModels, "sample at temperature T > 0 (default 0: greedy)"},
      {Flag::TopK, "--top-k", nullptr, V::String, "K", kGeneratingModels,
       "sample among the K most likely tokens"},
      {Flag::TopP, "--top-p", nullptr, V::String, "P", kGeneratingModels,
       "sample among the most likely tokens whose probability reaches P, in "
       "(0, 1]"},
      {Flag::Seed, "--seed", nullptr, V::String, "N", kGeneratingModels,
       "seed of the sampler (default 0; same seed, same tokens)"},
      {Flag::Stats, "--stats", nullptr, V::None, "", kGeneratingModels,
       "print prompt length, tokens generated and timings on stderr"},
      {Flag::NoCache, "--no-cache", nullptr, V::None, "", kGeneratingModels,
       "recompute every earlier position at each step (no key/value cache)"},
      // Encoder-decoder models: teacher forcing and text.
      {Flag::TargetIds, "--target-ids", nullptr, V::Text, "\"...\"",
       kEncoderDecoderModel,
       "teacher-forced target ids (usually starting with bos_id {bos_id})"},
      {Flag::TargetInput, "--target-input", nullptr, V::String, "T.npy",
       kEncoderDecoderModel, "the same from a .npy file"},
      {Flag::PrintIds, "--print-ids", nullptr, V::None, "",
       kEncoderDecoderModel, "print generated ids as well as the text"},
      // Every model.
      {Flag::DumpAttention, "--dump-attention", nullptr, V::String, "F.html",
       kAnyModel,
       "write the attention maps of every layer and head as an HTML page"},
      {Flag::Threads, "--threads", nullptr, V::Integer, "N", kAnyModel,
       "threads to use", 1, 1 << 16},
      {Flag::Repeat, "--repeat", nullptr, V::Integer, "N", kAnyModel,
       "run N times; print timings on stderr", 1},
      {Flag::Weights, "--weights", nullptr, V::String, "FILE", kAnyModel,
       "use this safetensors file for the weights"},

      // Every executable. Flags that answer alone and exit come last.
      {Flag::Help, "--help", "-h", V::None, "", kAnyKind, "print this help",
       0, INT64_MAX, nullptr, /*answersAlone=*/true},
      {Flag::Version, "--version", nullptr, V::None, "", kAnyKind,
       "print the version of tfmc that compiled this executable", 0,
       INT64_MAX, nullptr, /*answersAlone=*/true},
  };
  return table;
}

const FlagSpec *tfm::runtime::findFlag(Flag flag, unsigned kind) {
  for (const FlagSpec &spec : flagTable())
    if (spec.flag == flag && (spec.kinds & kind))
      return &spec;
  return nullptr;
}

const char *tfm::runtime::flagName(Flag flag) {
  return findFlag(flag, kAnyKind)->name;
}
