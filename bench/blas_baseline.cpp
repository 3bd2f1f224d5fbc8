// The OpenBLAS peer: attention, nn.MultiheadAttention (self-attention), a
// post-LN nn.TransformerEncoderLayer and the tfm_reference encoder model,
// written as cblas_sgemm calls plus simple loops (OpenMP over heads and
// rows). Inputs are the same .npy files the tfmc executable reads, in the
// same order; the result is written as .npy for the harness to check.
//
//   blas_baseline attention [--causal] Q K V
//   blas_baseline mha X IN_W IN_B OUT_W OUT_B --heads H
//   blas_baseline layer X IN_W IN_B OUT_W OUT_B W1 B1 W2 B2 G1 BE1 G2 BE2
//                 --heads H [--gelu]
//   blas_baseline model IDS EMBED (13 layer tensors) x N --heads H [--gelu]
//   common: --threads N --repeat N -o OUT.npy
// Prints "time: median X ms, N runs" on stderr (the first run included).
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> f;   // float32 data
  std::vector<int64_t> i; // int64 data (ids)
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

[[noreturn]] void fail(const std::string &msg) {
  std::fprintf(stderr, "blas_baseline: %s\n", msg.c_str());
  std::exit(2);
}

// NumPy .npy v1/v2, little-endian <f4 or <i8, C order.
Tensor readNpy(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path + ": cannot open");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    fail(path + ": not a .npy file");
  uint32_t hlen = 0;
  if (magic[6] == 1) {
    uint8_t b[2];
    in.read(reinterpret_cast<char *>(b), 2);
    hlen = b[0] | (b[1] << 8);
  } else {
    uint8_t b[4];
    in.read(reinterpret_cast<char *>(b), 4);
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  }
  std::string header(hlen, '\0');
  in.read(header.data(), hlen);
  bool isFloat = header.find("'<f4'") != std::string::npos;
  bool isInt = header.find("'<i8'") != std::string::npos;
  if ((!isFloat && !isInt) ||
      header.find("'fortran_order': False") == std::string::npos)
    fail(path + ": expected little-endian float32 or int64 in C order");
  Tensor t;
  size_t open = header.find('(', header.find("'shape'"));
  size_t close = header.find(')', open);
  std::string dims = header.substr(open + 1, close - open - 1);
  for (size_t pos = 0; pos < dims.size();) {
    size_t comma = dims.find(',', pos);
    std::string d = dims.substr(pos, comma == std::string::npos ? std::string::npos
                                                                : comma - pos);
    if (d.find_first_of("0123456789") != std::string::npos)
      t.shape.push_back(std::stoll(d));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  if (isFloat) {
    t.f.resize(t.numel());
    in.read(reinterpret_cast<char *>(t.f.data()), t.numel() * 4);
  } else {
    t.i.resize(t.numel());
    in.read(reinterpret_cast<char *>(t.i.data()), t.numel() * 8);
  }
  if (!in)
    fail(path + ": truncated data");
  return t;
}

void writeNpy(const std::string &path, const std::vector<int64_t> &shape,
              const float *data) {
  std::string dims;
  int64_t n = 1;
  for (int64_t d : shape) {
    dims += std::to_string(d) + ", ";
    n *= d;
  }
  if (shape.size() > 1)
    dims.resize(dims.size() - 1);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       dims + "), }";
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t hlen = header.size();
  out.write(reinterpret_cast<const char *>(&hlen), 2);
  out << header;
  out.write(reinterpret_cast<const char *>(data), n * 4);
  if (!out)
    fail(path + ": cannot write");
}

int gThreads = 1;

// C[M,N] = A[M,K] * B[N,K]^T (+ bias per column), row-major; what nn.Linear
// computes.
void linear(const float *a, int m, int k, const float *w, const float *bias,
            int n, float *c) {
  openblas_set_num_threads(gThreads);
  if (bias)
    for (int i = 0; i < m; ++i)
      std::memcpy(c + int64_t(i) * n, bias, n * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, k, w,
              k, bias ? 1.0f : 0.0f, c, n);
}

// One head: O[S,D] = softmax(Q K^T / sqrt(D), causal) V with row strides.
void attendHead(const float *q, const float *k, const float *v, int64_t ld,
                int s, int d, bool causal, float *scores, float *o,
                int64_t ldo) {
  float scale = 1.0f / std::sqrt(float(d));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s, s, d, scale, q, ld,
              k, ld, 0.0f, scores, s);
  for (int i = 0; i < s; ++i) {
    float *row = scores + int64_t(i) * s;
    int n = causal ? i + 1 : s;
    float mx = row[0];
    for (int j = 1; j < n; ++j)
      mx = std::max(mx, row[j]);
    float sum = 0;
    for (int j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < n; ++j)
      row[j] *= inv;
    for (int j = n; j < s; ++j)
      row[j] = 0.0f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s, d, s, 1.0f, scores,
              s, v, ld, 0.0f, o, ldo);
}

// Heads in parallel (one thread per head at a time, single-threaded sgemm).
struct Workspace {
  std::vector<float> scores; // one S x S block per thread
  void reserve(int s) {
    scores.resize(size_t(gThreads) * s * s);
  }
};

// Self-attention on a packed [S, 3d] qkv buffer into ctx [S, d].
void attendPacked(const float *qkv, int s, int dm, int heads, float *ctx,
                  Workspace &ws) {
  int d = dm / heads;
  openblas_set_num_threads(1);
#pragma omp parallel for num_threads(gThreads) schedule(static)
  for (int h = 0; h < heads; ++h) {
    float *scores = ws.scores.data() + size_t(omp_get_thread_num()) * s * s;
    attendHead(qkv + h * d, qkv + dm + h * d, qkv + 2 * dm + h * d, 3 * dm, s,
               d, false, scores, ctx + h * d, dm);
  }
}

void layerNorm(float *x, int s, int d, const float *g, const float *b) {
#pragma omp parallel for num_threads(gThreads) schedule(static)
  for (int i = 0; i < s; ++i) {
    float *row = x + int64_t(i) * d;
    float mean = 0, var = 0;
    for (int j = 0; j < d; ++j)
      mean += row[j];
    mean /= d;
    for (int j = 0; j < d; ++j)
      var += (row[j] - mean) * (row[j] - mean);
    float inv = 1.0f / std::sqrt(var / d + 1e-5f);
    for (int j = 0; j < d; ++j)
      row[j] = (row[j] - mean) * inv * g[j] + b[j];
  }
}

struct Layer {
  const Tensor *t[12]; // in_w in_b out_w out_b w1 b1 w2 b2 g1 be1 g2 be2
};

// Post-LN nn.TransformerEncoderLayer on x [S, d], in place.
struct LayerBuffers {
  std::vector<float> qkv, ctx, sa, ff;
  Workspace ws;
};

void encoderLayer(float *x, int s, int dm, int heads, bool gelu,
                  const Layer &l, LayerBuffers &buf) {
  int ff = l.t[4]->shape[0];
  buf.qkv.resize(size_t(s) * 3 * dm);
  buf.ctx.resize(size_t(s) * dm);
  buf.sa.resize(size_t(s) * dm);
  buf.ff.resize(size_t(s) * ff);
  buf.ws.reserve(s);
  linear(x, s, dm, l.t[0]->f.data(), l.t[1]->f.data(), 3 * dm, buf.qkv.data());
  attendPacked(buf.qkv.data(), s, dm, heads, buf.ctx.data(), buf.ws);
  linear(buf.ctx.data(), s, dm, l.t[2]->f.data(), l.t[3]->f.data(), dm,
         buf.sa.data());
  for (int64_t i = 0, n = int64_t(s) * dm; i < n; ++i)
    x[i] += buf.sa[i];
  layerNorm(x, s, dm, l.t[8]->f.data(), l.t[9]->f.data());
  linear(x, s, dm, l.t[4]->f.data(), l.t[5]->f.data(), ff, buf.ff.data());
  float *f = buf.ff.data();
#pragma omp parallel for num_threads(gThreads) schedule(static)
  for (int64_t i = 0; i < int64_t(s) * ff; ++i)
    f[i] = gelu ? 0.5f * f[i] * (1.0f + std::erf(f[i] * float(M_SQRT1_2)))
                : std::max(f[i], 0.0f);
  linear(buf.ff.data(), s, ff, l.t[6]->f.data(), l.t[7]->f.data(), dm,
         buf.sa.data());
  for (int64_t i = 0, n = int64_t(s) * dm; i < n; ++i)
    x[i] += buf.sa[i];
  layerNorm(x, s, dm, l.t[10]->f.data(), l.t[11]->f.data());
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    fail("usage: blas_baseline attention|mha|layer|model INPUTS... "
         "[--causal] [--gelu] [--heads H] [--threads N] [--repeat N] "
         "[-o OUT.npy]");
  std::string kind = argv[1];
  std::vector<std::string> files;
  bool causal = false, gelu = false;
  int heads = 1, repeat = 1;
  std::string outPath;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        fail(a + ": missing value");
      return argv[++i];
    };
    if (a == "--causal")
      causal = true;
    else if (a == "--gelu")
      gelu = true;
    else if (a == "--heads")
      heads = std::atoi(value().c_str());
    else if (a == "--threads")
      gThreads = std::atoi(value().c_str());
    else if (a == "--repeat")
      repeat = std::atoi(value().c_str());
    else if (a == "-o")
      outPath = value();
    else if (!a.empty() && a[0] == '-')
      fail(a + ": unknown option");
    else
      files.push_back(a);
  }
  if (heads < 1 || gThreads < 1 || repeat < 1)
    fail("--heads, --threads and --repeat take positive integers");
  std::vector<Tensor> in;
  for (const std::string &f : files)
    in.push_back(readNpy(f));

  std::vector<float> out;
  std::vector<int64_t> outShape;
  std::function<void()> run;
  Workspace ws;
  LayerBuffers buf;
  std::vector<Layer> layers;
  auto takeLayers = [&](size_t first) {
    if ((in.size() - first) % 12 != 0 || in.size() == first)
      fail("expected 12 tensors per layer");
    for (size_t i = first; i < in.size(); i += 12) {
      Layer l;
      for (int j = 0; j < 12; ++j)
        l.t[j] = &in[i + j];
      layers.push_back(l);
    }
  };

  if (kind == "attention") {
    if (in.size() != 3 || in[0].shape.size() != 4)
      fail("attention: expected Q K V of shape [B, H, S, D]");
    int64_t bh = in[0].shape[0] * in[0].shape[1];
    int s = in[0].shape[2], d = in[0].shape[3];
    outShape = in[0].shape;
    out.resize(in[0].numel());
    ws.reserve(s);
    run = [&, bh, s, d] {
      openblas_set_num_threads(1);
#pragma omp parallel for num_threads(gThreads) schedule(static)
      for (int64_t h = 0; h < bh; ++h) {
        float *scores =
            ws.scores.data() + size_t(omp_get_thread_num()) * s * s;
        int64_t off = h * s * d;
        attendHead(in[0].f.data() + off, in[1].f.data() + off,
                   in[2].f.data() + off, d, s, d, causal, scores,
                   out.data() + off, d);
      }
    };
  } else if (kind == "mha" || kind == "layer") {
    if (in.empty() || in[0].shape.size() != 3 || in[0].shape[0] != 1)
      fail(kind + ": expected X of shape [1, S, d] first");
    int s = in[0].shape[1], dm = in[0].shape[2];
    outShape = in[0].shape;
    out.resize(in[0].numel());
    if (kind == "mha") {
      if (in.size() != 5)
        fail("mha: expected X IN_W IN_B OUT_W OUT_B");
      buf.qkv.resize(size_t(s) * 3 * dm);
      buf.ctx.resize(size_t(s) * dm);
      ws.reserve(s);
      run = [&, s, dm] {
        linear(in[0].f.data(), s, dm, in[1].f.data(), in[2].f.data(), 3 * dm,
               buf.qkv.data());
        attendPacked(buf.qkv.data(), s, dm, heads, buf.ctx.data(), ws);
        linear(buf.ctx.data(), s, dm, in[3].f.data(), in[4].f.data(), dm,
               out.data());
      };
    } else {
      takeLayers(1);
      run = [&, s, dm] {
        std::memcpy(out.data(), in[0].f.data(), out.size() * sizeof(float));
        encoderLayer(out.data(), s, dm, heads, gelu, layers[0], buf);
      };
    }
  } else if (kind == "model") {
    // tfm_reference's encoder: embedding * sqrt(d) + sinusoidal positions,
    // post-LN layers; batch 1 without padding.
    if (in.size() < 2 || in[0].i.empty() || in[1].shape.size() != 2)
      fail("model: expected IDS (int64 [1, S]) EMBED [V, d] then layers");
    int s = in[0].numel(), dm = in[1].shape[1];
    takeLayers(2);
    outShape = {1, s, dm};
    out.resize(size_t(s) * dm);
    std::vector<float> pe(size_t(s) * dm);
    for (int p = 0; p < s; ++p)
      for (int j = 0; j < dm; j += 2) {
        double angle = p * std::exp(-std::log(10000.0) * j / dm);
        pe[size_t(p) * dm + j] = float(std::sin(angle));
        if (j + 1 < dm)
          pe[size_t(p) * dm + j + 1] = float(std::cos(angle));
      }
    float scale = std::sqrt(float(dm));
    run = [&, s, dm, scale, pe] {
      for (int p = 0; p < s; ++p) {
        const float *e = in[1].f.data() + in[0].i[p] * dm;
        for (int j = 0; j < dm; ++j)
          out[size_t(p) * dm + j] = e[j] * scale + pe[size_t(p) * dm + j];
      }
      for (const Layer &l : layers)
        encoderLayer(out.data(), s, dm, heads, gelu, l, buf);
    };
  } else {
    fail(kind + ": unknown kind");
  }

  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  std::sort(times.begin(), times.end());
  std::fprintf(stderr, "time: min %.3f ms, median %.3f ms, %d runs\n",
               times.front(), times[times.size() / 2], repeat);
  if (!outPath.empty())
    writeNpy(outPath, outShape, out.data());
  return 0;
}
