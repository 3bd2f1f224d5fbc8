//===- RotaryFrequencies.cpp - tfm.rotary_embedding's inv_freq --*- C++ -*-===//
//
// The frequencies of a rotary embedding, as Hugging Face transformers'
// modeling_rope_utils.py computes them: every step is one float32 operation
// in the order PyTorch performs it (`c / t` on a tensor is
// `t.reciprocal() * c`, scalars are rounded to float32 first), so that the
// angles `position * inv_freq`, which reach thousands of radians, are the
// same float32 numbers as the reference's. Each step is a statement of its
// own so that no compiler contracts two of them into one rounding.
//
//===----------------------------------------------------------------------===//

#include "tfm/IR/TfmOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;

/// `base ** exponent` in float32, correctly rounded. (PyTorch's CPU kernels
/// use SLEEF's or libm's powf, which are within one ulp of it.)
static float roundedPowF32(float base, float exponent) {
  return static_cast<float>(
      std::pow(static_cast<double>(base), static_cast<double>(exponent)));
}

/// _compute_default_rope_parameters:
/// 1 / base ** (arange(0, dim, 2).float() / dim).
static SmallVector<float> defaultFrequencies(double theta, int64_t dim) {
  float base = static_cast<float>(theta);
  SmallVector<float> invFreq;
  for (int64_t i = 0; i < dim; i += 2) {
    float exponent = static_cast<float>(i) / static_cast<float>(dim);
    float power = roundedPowF32(base, exponent);
    invFreq.push_back(1.0f / power);
  }
  return invFreq;
}

/// _compute_llama3_parameters: low frequencies (long wavelengths) divided by
/// `factor`, high ones kept, the ones between interpolated.
static void applyLlama3Scaling(MutableArrayRef<float> invFreq, double factor,
                               double lowFreqFactor, double highFreqFactor,
                               int64_t originalMaxPositions) {
  double oldContext = static_cast<double>(originalMaxPositions);
  float lowFreqWavelen = static_cast<float>(oldContext / lowFreqFactor);
  float highFreqWavelen = static_cast<float>(oldContext / highFreqFactor);
  float twoPi = static_cast<float>(2.0 * M_PI);
  float factor32 = static_cast<float>(factor);
  float low32 = static_cast<float>(lowFreqFactor);
  float range32 = static_cast<float>(highFreqFactor - lowFreqFactor);
  float oldContext32 = static_cast<float>(oldContext);
  for (float &freq : invFreq) {
    // wavelen = 2 * math.pi / inv_freq
    float reciprocal = 1.0f / freq;
    float wavelen = reciprocal * twoPi;
    // torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    float llama = wavelen > lowFreqWavelen ? freq / factor32 : freq;
    // (old_context_len / wavelen - low_freq_factor) / (high - low)
    float inverseWavelen = 1.0f / wavelen;
    float ratio = inverseWavelen * oldContext32;
    float shifted = ratio - low32;
    float smooth = shifted / range32;
    // (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
    float keep = 1.0f - smooth;
    float scaledPart = keep * llama;
    float scaled = scaledPart / factor32;
    float kept = smooth * llama;
    float smoothed = scaled + kept;
    bool medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
    freq = medium ? smoothed : llama;
  }
}

SmallVector<float> RotaryEmbeddingOp::getInverseFrequencies() {
  SmallVector<float> invFreq =
      defaultFrequencies(getTheta().convertToDouble(), getRotaryDim());
  switch (getScaling()) {
  case RopeScaling::none:
    break;
  case RopeScaling::linear: {
    // _compute_linear_scaling_rope_parameters: inv_freq /= factor.
    float factor = static_cast<float>(getFactor()->convertToDouble());
    for (float &freq : invFreq)
      freq = freq / factor;
    break;
  }
  case RopeScaling::llama3:
    applyLlama3Scaling(invFreq, getFactor()->convertToDouble(),
                       getLowFreqFactor()->convertToDouble(),
                       getHighFreqFactor()->convertToDouble(),
                       *getOriginalMaxPositionEmbeddings());
    break;
  }
  return invFreq;
}
