//===- ModelRunner.cpp - calling a compiled model's entry points -*- C++
//-*-===//

#include "ModelRunner.h"

using namespace tfm::runtime;

InputTensor tfm::runtime::idTensor(const IdBatch &batch) {
  InputTensor t;
  t.dtype = TFM_DTYPE_I64;
  t.shape = {batch.rows, batch.cols};
  t.data = AlignedBuffer(batch.ids.size() * sizeof(int64_t));
  std::memcpy(t.data.get(), batch.ids.data(),
              batch.ids.size() * sizeof(int64_t));
  return t;
}

InputTensor tfm::runtime::tokenTypeTensor(const IdBatch &batch) {
  IdBatch types;
  types.rows = batch.rows;
  types.cols = batch.cols;
  types.ids = batch.tokenTypes;
  types.ids.resize(batch.rows * batch.cols, 0);
  return idTensor(types);
}

/// A contiguous float copy of a [d0, d1, d2] result.
InputTensor tfm::runtime::copyResult(const StridedView &view) {
  InputTensor t;
  t.dtype = TFM_DTYPE_F32;
  t.shape = view.sizes;
  t.data = AlignedBuffer(view.numElements() * sizeof(float));
  float *out = static_cast<float *>(t.data.get());
  forEachElement(view, [&](const char *element) {
    std::memcpy(out++, element, sizeof(float));
  });
  return t;
}
