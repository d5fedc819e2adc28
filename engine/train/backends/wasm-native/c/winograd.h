/*
 * What ./winograd.c (forward conv, input gradient) and ./winograd_filter.c (filter gradient) share:
 * F(2×2, 3×3)'s input transform Bᵀ d B and the block size.
 */
#ifndef WINOGRAD_H
#define WINOGRAD_H
#include "nc.h"

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define ZERO wasm_f32x4_splat(0)

/* Tiles per block: V and M of a block within ~256 KB. A multiple of 4 (the GEMM's row tile). */
INLINE int block_tiles(int ci4, int co8) {
  int tb = 16384 / (ci4 + co8);
  tb = tb > 128 ? 128 : tb < 4 ? 4 : tb;
  return tb & ~3;
}

INLINE v128_t load_upto(const float *p, int rem) {
  if (rem >= 4) return wasm_v128_load(p);
  return wasm_f32x4_make(p[0], rem > 1 ? p[1] : 0.f, rem > 2 ? p[2] : 0.f, 0.f);
}

INLINE int round_up(int x, int to) { return (x + to - 1) / to * to; }

/* Bᵀ d B of one tile, channels [c, c+4) (rem of them real), into V[p][t][c]. Rows r0..r3 point at
   the tile's input rows at column ix0 (null: outside the image); mask bit s: column ix0+s inside. */
#define LD(row, s) ((row) != 0 && (mask >> (s)) & 1 ? load_upto((row) + (s) * ci + c, rem) : ZERO)
#define BT(d0, d1, d2, d3, o0, o1, o2, o3) o0 = SUB(d0, d2), o1 = ADD(d1, d2), o2 = SUB(d2, d1), o3 = SUB(d1, d3)
INLINE void input_tile(const float *r0, const float *r1, const float *r2, const float *r3, int mask, int ci, float *v, int64_t plane) {
  for (int c = 0; c < ci; c += 4) {
    const int rem = ci - c;
    v128_t w00, w01, w02, w03, w10, w11, w12, w13, w20, w21, w22, w23, w30, w31, w32, w33;
    BT(LD(r0, 0), LD(r0, 1), LD(r0, 2), LD(r0, 3), w00, w01, w02, w03);
    BT(LD(r1, 0), LD(r1, 1), LD(r1, 2), LD(r1, 3), w10, w11, w12, w13);
    BT(LD(r2, 0), LD(r2, 1), LD(r2, 2), LD(r2, 3), w20, w21, w22, w23);
    BT(LD(r3, 0), LD(r3, 1), LD(r3, 2), LD(r3, 3), w30, w31, w32, w33);
    v128_t o0, o1, o2, o3;
    float *d = v + c;
#define COL(s, a, b, e, f)                                                                                                                 \
  BT(a, b, e, f, o0, o1, o2, o3);                                                                                                          \
  wasm_v128_store(d + (0 + s) * plane, o0), wasm_v128_store(d + (4 + s) * plane, o1), wasm_v128_store(d + (8 + s) * plane, o2),          \
      wasm_v128_store(d + (12 + s) * plane, o3)
    COL(0, w00, w10, w20, w30);
    COL(1, w01, w11, w21, w31);
    COL(2, w02, w12, w22, w32);
    COL(3, w03, w13, w23, w33);
#undef COL
  }
}
#undef LD
#undef BT

/* Bᵀ d B of output tile g (image g / per_image, tile row and column of g % per_image in a row of tw) of x [n, h, w, ci]. */
INLINE void input_tile_at(const float *x, int h, int w, int ci, int top, int left, int tw, int per_image, int64_t g, float *v, int64_t plane) {
  const int64_t img = g / per_image;
  const int r = (int)(g % per_image), iy = 2 * (r / tw) - top, ix = 2 * (r % tw) - left;
  int mask = 0;
  for (int s = 0; s < 4; s++) mask |= (ix + s >= 0 && ix + s < w) << s;
  const float *row = x + ((img * h + iy) * w + ix) * (int64_t)ci;
  const int64_t stride = (int64_t)w * ci;
#define ROWP(i) (iy + i >= 0 && iy + i < h ? row + i * stride : 0)
  input_tile(ROWP(0), ROWP(1), ROWP(2), ROWP(3), mask, ci, v, plane);
#undef ROWP
}

#endif
