//===- AttentionMaps.cpp - attention maps as an HTML page -------*- C++ -*-===//

#include "AttentionMaps.h"

#include "tfm/formats/Error.h"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

using namespace tfm::runtime;

static std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// White (0) to deep blue (1).
static std::string colour(float w) {
  float t = w < 0 ? 0 : w > 1 ? 1 : w;
  int r = int(255 - t * (255 - 8)), g = int(255 - t * (255 - 48)),
      b = int(255 - t * (255 - 107));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "rgb(%d,%d,%d)", r, g, b);
  return buf;
}

void AttentionPage::add(const AttentionMap &map,
                        const std::vector<MapLabels> &rows) {
  const InputTensor &t = *map.weights;
  int64_t batch = t.shape[0], heads = t.shape[1], sq = t.shape[2],
          skv = t.shape[3];
  const float *w = static_cast<const float *>(t.ptr());
  constexpr int cell = 22, labelWidth = 100, labelHeight = 110;
  for (int64_t b = 0; b < batch; ++b) {
    const MapLabels &labels = rows[b];
    int64_t nq = std::min<int64_t>(labels.queries.size(), sq);
    int64_t nk = std::min<int64_t>(labels.keys.size(), skv);
    for (int64_t h = 0; h < heads; ++h) {
      // Key labels lean right as they rise: room for the last one.
      int width = labelWidth + int(nk) * cell + labelHeight / 2;
      int height = labelHeight + int(nq) * cell + 4;
      char header[256];
      std::snprintf(
          header, sizeof(header),
          "<figure class=\"map\" data-kind=\"%s\" data-layer=\"%d\" "
          "data-head=\"%lld\" data-row=\"%lld\">\n"
          "<figcaption>%s, layer %d, head %lld%s</figcaption>\n",
          escape(map.kind).c_str(), map.layer, (long long)h + 1, (long long)b,
          escape(map.kind).c_str(), map.layer, (long long)h + 1,
          batch > 1 ? (", sequence " + std::to_string(b + 1)).c_str() : "");
      body += header;
      body += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
              std::to_string(width) + "\" height=\"" + std::to_string(height) +
              "\">\n";
      for (int64_t j = 0; j < nk; ++j) {
        int x = labelWidth + int(j) * cell + cell / 2;
        body += "<text class=\"key\" transform=\"translate(" +
                std::to_string(x) + "," + std::to_string(labelHeight - 4) +
                ") rotate(-60)\">" + escape(labels.keys[j]) + "</text>\n";
      }
      for (int64_t i = 0; i < nq; ++i) {
        int y = labelHeight + int(i) * cell;
        body += "<text class=\"query\" x=\"" + std::to_string(labelWidth - 4) +
                "\" y=\"" + std::to_string(y + cell / 2 + 4) + "\">" +
                escape(labels.queries[i]) + "</text>\n";
        for (int64_t j = 0; j < nk; ++j) {
          float v = w[((b * heads + h) * sq + i) * skv + j];
          char rect[256];
          std::snprintf(rect, sizeof(rect),
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        "fill=\"%s\" data-q=\"%lld\" data-k=\"%lld\" "
                        "data-w=\"%.7f\"><title>%.4f</title></rect>\n",
                        labelWidth + int(j) * cell, y, cell - 1, cell - 1,
                        colour(v).c_str(), (long long)i, (long long)j, v, v);
          body += rect;
        }
      }
      body += "</svg>\n</figure>\n";
    }
  }
}

void AttentionPage::write(const std::string &path) const {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>" +
      escape(title) +
      "</title>\n<style>\n"
      "body{font-family:sans-serif,\"Noto Sans CJK KR\";margin:1.5em;"
      "color:#222}\n"
      "figure{display:inline-block;margin:0 1.5em 1.5em 0;vertical-align:top}\n"
      "figcaption{font-size:0.9em;margin-bottom:0.3em}\n"
      "text{font-size:11px}\ntext.query{text-anchor:end}\n"
      ".scale{display:flex;align-items:center;gap:0.5em;margin-bottom:1em}\n"
      ".bar{width:200px;height:12px;background:linear-gradient(to right,"
      "rgb(255,255,255),rgb(8,48,107));border:1px solid #999}\n"
      "</style>\n</head>\n<body>\n<h1>" +
      escape(title) +
      "</h1>\n<p>Rows are queries, columns are keys; each cell is the weight "
      "softmax gives that key (hover for the value).</p>\n"
      "<div class=\"scale\"><span>0</span><div class=\"bar\"></div>"
      "<span>1</span></div>\n" +
      body + "</body>\n</html>\n";

  std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::FILE *file = std::fopen(temp.c_str(), "wb");
  if (!file)
    throw Error(path, "cannot create: " + errnoMessage(errno));
  bool ok = std::fwrite(page.data(), 1, page.size(), file) == page.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(temp.c_str());
    throw Error(path, "cannot write: " + errnoMessage(err));
  }
}
