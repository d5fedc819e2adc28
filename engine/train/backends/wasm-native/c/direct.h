/*
 * The register tile of our direct convolutions (./conv_forward.c, ./conv_input.c): 4 output pixels
 * × 8 output channels in 8 SIMD accumulators, over a window of fh × fw pixels of k input channels
 * that the caller has made safe to read (a zero-bordered copy). Weights are laid out
 * [fh][fw][k][c8], output channels padded with zeros to c8, a multiple of 8.
 */
#ifndef NC_DIRECT_H
#define NC_DIRECT_H
#include "nc.h"

typedef struct {
  int fh, fw, k;
  int64_t pix_step; /* floats between the windows of adjacent output pixels (stride × k) */
  int64_t row_step; /* floats between rows of the source */
  int64_t col_step; /* floats between adjacent window columns (k: dilation 1) */
  int c8;           /* output channels, padded: the weights' row length */
  int channels;     /* output channels (stores are clipped to them) */
  int64_t out_step; /* floats between adjacent output pixels (channels, or stride × channels) */
} direct_geometry;

/*
 * Copies an image (rows × cols pixels of ch floats) into a zeroed buffer of hp × wp pixels, its first
 * pixel at (top, left), top and left ≥ 0: the zero border every window of a direct conv may read.
 * What falls past the buffer's last row or column, no window reads, and is left out.
 */
INLINE void nc_border_copy(const float *src, int rows, int cols, int ch, float *dst, int hp, int wp, int top, int left) {
  const int64_t padded = (int64_t)hp * wp * ch;
  for (int64_t k = 0; k < padded; k++) dst[k] = 0;
  const int count = left + cols > wp ? wp - left : cols;
  for (int r = 0; r < rows && r + top < hp; r++) {
    const float *s = src + (int64_t)r * cols * ch;
    float *d = dst + ((int64_t)(r + top) * wp + left) * ch;
    for (int64_t k = 0, m = (int64_t)count * ch; k < m; k++) d[k] = s[k];
  }
}

#define NC_MAC(acc, s, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(s, b))

/* Stores the first `count` (≤ 0: none; ≥ 4: all) lanes of v at p. */
INLINE void nc_store_lanes(float *p, v128_t v, int count) {
  if (count >= 4) wasm_v128_store(p, v);
  else if (count == 3) wasm_v128_store64_lane(p, v, 0), wasm_v128_store32_lane(p + 2, v, 2);
  else if (count == 2) wasm_v128_store64_lane(p, v, 0);
  else if (count == 1) wasm_v128_store32_lane(p, v, 0);
}

/* bias + ReLU, either optional (bias: 8 readable floats, or null). */
INLINE v128_t nc_epilogue(v128_t v, const float *bias, int relu) {
  if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias));
  return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0)) : v;
}

/* out[0 .. pixels) channels [c, c+8) (clipped to g->channels); src: the first pixel's window; w: the weights at channel c. */
INLINE void direct_tile(const direct_geometry *g, const float *src, const float *w, float *out, int pixels, int c, const float *bias,
                        int relu) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  const int k = g->k, c8 = g->c8;
  const int64_t px = g->pix_step;
  for (int a = 0; a < g->fh; a++) {
    const float *row = src + a * g->row_step;
    const float *wa = w + (int64_t)a * g->fw * k * c8;
    for (int b = 0; b < g->fw; b++) {
      const float *p = row + b * g->col_step;
      const float *wb = wa + (int64_t)b * k * c8;
      for (int i = 0; i < k; i++) {
        v128_t w0 = wasm_v128_load(wb + (int64_t)i * c8), w1 = wasm_v128_load(wb + (int64_t)i * c8 + 4), s;
        s = wasm_v128_load32_splat(p + i), NC_MAC(a0, s, w0), NC_MAC(a1, s, w1);
        s = wasm_v128_load32_splat(p + px + i), NC_MAC(b0, s, w0), NC_MAC(b1, s, w1);
        s = wasm_v128_load32_splat(p + 2 * px + i), NC_MAC(c0, s, w0), NC_MAC(c1, s, w1);
        s = wasm_v128_load32_splat(p + 3 * px + i), NC_MAC(d0, s, w0), NC_MAC(d1, s, w1);
      }
    }
  }
  const int n = g->channels, lo = n - c < 4 ? n - c : 4, hi = n - c - 4;
  const int64_t o = g->out_step;
  const float *b4 = bias ? bias + 4 : 0;
  nc_store_lanes(out, nc_epilogue(a0, bias, relu), lo), nc_store_lanes(out + 4, nc_epilogue(a1, b4, relu), hi);
  if (pixels > 1) nc_store_lanes(out + o, nc_epilogue(b0, bias, relu), lo), nc_store_lanes(out + o + 4, nc_epilogue(b1, b4, relu), hi);
  if (pixels > 2) nc_store_lanes(out + 2 * o, nc_epilogue(c0, bias, relu), lo), nc_store_lanes(out + 2 * o + 4, nc_epilogue(c1, b4, relu), hi);
  if (pixels > 3) nc_store_lanes(out + 3 * o, nc_epilogue(d0, bias, relu), lo), nc_store_lanes(out + 3 * o + 4, nc_epilogue(d1, b4, relu), hi);
}

#endif
