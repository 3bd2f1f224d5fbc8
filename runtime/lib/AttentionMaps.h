//===- AttentionMaps.h - attention maps as an HTML page ---------*- C++ -*-===//
//
// --dump-attention FILE.html: one heatmap per layer and head, rows the
// queries and columns the keys, labelled with tokens. Each cell carries its
// weight in `data-w` so that tests (and people) can read the numbers back.
// Self-contained: inline SVG and CSS, no script, no network.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_ATTENTIONMAPS_H
#define TFM_RUNTIME_LIB_ATTENTIONMAPS_H

#include "Invocation.h"

#include <string>
#include <vector>

namespace tfm::runtime {

/// One attention of one layer: weights [B, H, Sq, Skv].
struct AttentionMap {
  std::string kind; // "encoder self-attention", "decoder cross-attention", ...
  int layer = 0;
  const InputTensor *weights = nullptr;
};

/// The tokens of one batch row, as labels, for queries and for keys (their
/// counts are the real, unpadded lengths).
struct MapLabels {
  std::vector<std::string> queries, keys;
};

/// Writes the page; `labels[kindIndex][b]` gives row b's labels for maps of
/// that kind (kinds are matched by name through `labelsFor`).
class AttentionPage {
public:
  explicit AttentionPage(std::string title) : title(std::move(title)) {}

  /// Adds the maps of one kind for every batch row.
  void add(const AttentionMap &map, const std::vector<MapLabels> &rows);

  /// Writes the page to `path` (through a temporary file, renamed into
  /// place). Throws Error naming the path.
  void write(const std::string &path) const;

private:
  std::string title;
  std::string body;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_ATTENTIONMAPS_H
