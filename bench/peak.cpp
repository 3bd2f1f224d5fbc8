// fp32 peak of this machine: T threads, each running 16 independent FMA
// chains on full-width vectors (zmm with AVX-512, ymm otherwise), so that
// FMA latency is hidden and the loop runs at the FMA ports' throughput.
// Build with -O3 -march=native (at -O2 gcc keeps the accumulators in memory).
// Prints "peak: T threads, best B GFLOP/s, median M GFLOP/s".
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#if defined(__AVX512F__)
using Vec = __m512;
static Vec splat(float x) { return _mm512_set1_ps(x); }
static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
static float sum(Vec v) { return _mm512_reduce_add_ps(v); }
#else
using Vec = __m256;
static Vec splat(float x) { return _mm256_set1_ps(x); }
static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
static float sum(Vec v) {
  alignas(32) float f[8];
  _mm256_store_ps(f, v);
  float s = 0;
  for (float x : f)
    s += x;
  return s;
}
#endif
constexpr int kLanes = sizeof(Vec) / sizeof(float);
constexpr int kChains = 16;

static volatile float gSink;

static void chains(long iterations, float seed) {
  Vec acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = splat(seed * float(i));
  Vec a = splat(0.999999f), b = splat(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i)
      acc[i] = fma(acc[i], a, b);
  float s = 0;
  for (int i = 0; i < kChains; ++i)
    s += sum(acc[i]);
  gSink = s;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  long iterations = argc > 3 ? std::atol(argv[3]) : 20000000;
  if (threads < 1 || rounds < 1 || iterations < 1) {
    std::fprintf(stderr, "usage: peak [THREADS [ROUNDS [ITERATIONS]]]\n");
    return 2;
  }
  std::vector<double> rates;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back(chains, iterations, 1.0f + float(t));
    for (auto &th : pool)
      th.join();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start)
                   .count();
    rates.push_back(2.0 * kLanes * kChains * double(iterations) * threads /
                    s / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("peak: %d threads, best %.1f GFLOP/s, median %.1f GFLOP/s\n",
              threads, rates.back(), rates[rates.size() / 2]);
  return 0;
}
