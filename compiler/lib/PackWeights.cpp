//===- PackWeights.cpp - weights in the entry points' layout ----*- C++ -*-===//

#include "tfmc/PackWeights.h"

#include "tfm/Runtime.h"
#include "tfm/formats/Safetensors.h"

#include "llvm/Support/MemoryBuffer.h"

#include <utility>
#include <vector>

using namespace mlir;
using namespace mlir::tfm;
namespace st = ::tfm::safetensors;

std::string mlir::tfm::transposedName(StringRef name) {
  return (name + "^T").str();
}

std::string mlir::tfm::panelsName(StringRef name) {
  return (name + "^P").str();
}

namespace {
/// A JSON string literal.
std::string quoted(StringRef s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      q += '\\';
    q += c;
  }
  return q + "\"";
}

/// How a tensor of the output is made from its source.
enum class Packing { None, Transpose, Panels };

/// One tensor of the output: where its bytes come from.
struct Entry {
  std::string name, dtype;
  std::vector<int64_t> shape;
  const st::TensorInfo *source;
  size_t file; // the shard that holds the source
  Packing packing;
  uint64_t bytes;
  /// The source holds the [in, out] matrix of an [out, in] weight.
  bool sourceTransposed = false;
};
} // namespace

LogicalResult mlir::tfm::writePackedWeights(ArrayRef<std::string> files,
                                            const WeightLayout &layout,
                                            llvm::raw_ostream &out,
                                            uint64_t &size,
                                            std::string &error) {
  // Every shard, mapped; entries point into them.
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers;
  std::vector<st::Header> headers(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    auto file = llvm::MemoryBuffer::getFile(files[i], /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!file) {
      error = files[i] + ": " + file.getError().message();
      return failure();
    }
    buffers.push_back(std::move(*file));
    const auto *base =
        reinterpret_cast<const uint8_t *>(buffers.back()->getBufferStart());
    if (!st::parseHeader(base, buffers.back()->getBufferSize(), headers[i],
                         error)) {
      error = files[i] + ": " + error;
      return failure();
    }
  }

  std::vector<Entry> entries;
  for (size_t f = 0; f < files.size(); ++f)
    for (const st::TensorInfo &t : headers[f].tensors) {
      bool plain = layout.plain.count(t.name);
      bool transpose = layout.transposed.count(t.name);
      bool panels = layout.panels.count(t.name);
      bool flipped = layout.storedTransposed.count(t.name);
      if (!flipped && plain)
        entries.push_back(
            {t.name, t.dtype, t.shape, &t, f, Packing::None, t.end - t.begin});
      if (!transpose && !panels && !(flipped && plain))
        continue;
      if (t.shape.size() != 2) {
        error = files[f] + ": " + t.name + ": expected a matrix";
        return failure();
      }
      // The [out, in] matrix's rows and columns.
      int64_t rows = t.shape[flipped ? 1 : 0], cols = t.shape[flipped ? 0 : 1];
      uint64_t bytes = 4 * static_cast<uint64_t>(rows) * cols;
      if (flipped && plain)
        entries.push_back({t.name, "F32", {rows, cols}, &t, f,
                           Packing::Transpose, bytes});
      // A stored [in, out] matrix is already the transposed copy.
      if (transpose && flipped)
        entries.push_back({transposedName(t.name), t.dtype, t.shape, &t, f,
                           Packing::None, t.end - t.begin});
      else if (transpose)
        entries.push_back({transposedName(t.name), "F32", {cols, rows}, &t, f,
                           Packing::Transpose, bytes});
      if (panels) {
        std::vector<int64_t> shape = st::panelShape(rows, cols);
        entries.push_back(
            {panelsName(t.name), "F32", shape, &t, f, Packing::Panels,
             4 * static_cast<uint64_t>(shape[0]) * cols * TFM_PANEL_COLUMNS,
             flipped});
      }
    }

  // The header, padded with spaces so that the data stays 8-byte aligned.
  std::string json = "{";
  uint64_t offset = 0;
  for (const Entry &e : entries) {
    if (json.size() > 1)
      json += ",";
    json += quoted(e.name) + ":{\"dtype\":" + quoted(e.dtype) + ",\"shape\":[";
    for (size_t i = 0; i < e.shape.size(); ++i)
      json += (i ? "," : "") + std::to_string(e.shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + e.bytes) + "]}";
    offset += e.bytes;
  }
  json += "}";
  json.append((8 - json.size() % 8) % 8, ' ');
  char length[8];
  for (int i = 0; i < 8; ++i)
    length[i] =
        static_cast<char>(static_cast<uint64_t>(json.size()) >> (8 * i));
  out.write(length, 8);
  out << json;
  size += 8 + json.size();

  std::vector<float> matrix, packed, flipped;
  for (const Entry &e : entries) {
    const uint8_t *data =
        reinterpret_cast<const uint8_t *>(buffers[e.file]->getBufferStart()) +
        headers[e.file].dataStart + e.source->begin;
    if (e.packing == Packing::None) {
      out.write(reinterpret_cast<const char *>(data), e.bytes);
    } else {
      int64_t rows = e.source->shape[0], cols = e.source->shape[1];
      matrix.resize(static_cast<size_t>(rows) * cols);
      packed.resize(e.bytes / sizeof(float));
      st::toFloats(data, e.source->dtype, matrix.size(), matrix.data());
      if (e.sourceTransposed) {
        // [in, out] to [out, in] first (panels of a Conv1D weight).
        flipped.resize(matrix.size());
        st::transposeFloats(matrix.data(), rows, cols, flipped.data());
        matrix.swap(flipped);
        std::swap(rows, cols);
      }
      if (e.packing == Packing::Transpose)
        st::transposeFloats(matrix.data(), rows, cols, packed.data());
      else
        st::packPanels(matrix.data(), rows, cols, packed.data());
      out.write(reinterpret_cast<const char *>(packed.data()), e.bytes);
    }
    size += e.bytes;
  }
  return success();
}
