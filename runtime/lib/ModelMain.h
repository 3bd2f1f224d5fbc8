//===- ModelMain.h - the command line of compiled models --------*- C++ -*-===//

#ifndef TFM_RUNTIME_LIB_MODELMAIN_H
#define TFM_RUNTIME_LIB_MODELMAIN_H

#include "tfm/Runtime.h"

namespace tfm::runtime {

/// Runs an executable compiled from a model description (module has a
/// model_config): token ids or text in; hidden states, logits or greedily
/// generated tokens out. Throws Error for bad input.
int runModel(int argc, char **argv, const tfm_module &module);

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_MODELMAIN_H
