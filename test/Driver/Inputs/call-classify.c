/* Calls the classify entry point of emit-levels.mlir through the C header
 * and static library written by `tfmc --emit=lib`, on the same inputs as
 * the executable, and prints the result descriptor and values. */
#include "m.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  float x[2][4] = {{1, 0, 0, 5}, {0, 0, 0, 0}};
  float w[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
  float b[3] = {0, 0, 0.69314718f};
  tfm_memref_float_2d mx = {&x[0][0], &x[0][0], 0, {2, 4}, {4, 1}};
  tfm_memref_float_2d mw = {&w[0][0], &w[0][0], 0, {3, 4}, {4, 1}};
  tfm_memref_float_1d mb = {b, b, 0, {3}, {1}};
  tfm_memref_float_2d r;
  _mlir_ciface_classify(&r, &mx, &mw, &mb);
  printf("sizes [%lld, %lld] strides [%lld, %lld]\n", (long long)r.sizes[0],
         (long long)r.sizes[1], (long long)r.strides[0],
         (long long)r.strides[1]);
  for (int64_t i = 0; i < r.sizes[0]; ++i) {
    for (int64_t j = 0; j < r.sizes[1]; ++j)
      printf("%s%.6f", j ? " " : "",
             r.aligned[r.offset + i * r.strides[0] + j * r.strides[1]]);
    printf("\n");
  }
  free(r.allocated);
  return 0;
}
