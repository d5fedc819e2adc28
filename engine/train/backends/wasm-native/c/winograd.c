/*
 * 3×3 stride-1 convolution, NHWC, by Winograd's F(2×2, 3×3): each 2×2 block of outputs costs 16
 * multiply-adds per input/output channel pair instead of 36 (2.25× fewer), plus transforms linear in
 * the channel counts. Used for the forward conv and for the input gradient (a 3×3 conv of dy with the
 * kernel flipped and its channels swapped: `transposed`).
 *
 *   y[n][oy][ox][c] = bias[c] + Σ_{kh,kw,k} x[n][oy + kh − top][ox + kw − left][k] · g[kh][kw][k][c]
 *
 * with x zero outside [0,h)×[0,w): 'same' is top = left = 1, 'valid' 0, the input gradient of a
 * 'valid' conv 2. Kernel transform U = G g Gᵀ ([16][ci][co8], once per call, split over threads);
 * then each thread takes a contiguous range of the n·⌈oh/2⌉·⌈ow/2⌉ output tiles, TB at a time:
 * V = Bᵀ d B of each tile's 4×4 input ([16][TB][ci4]), sixteen products M[p] = V[p]·U[p] in 4×8
 * register tiles ([16][TB][co8]), and y = Aᵀ M A written straight into the output. A block's
 * V and M stay in cache. The module has no stack: everything lives in the scratch the host passes.
 */
#include "winograd.h"

typedef struct {
  const float *x, *g, *bias;
  float *y, *u, *scratch;
  int n, h, w, ci, oh, ow, co, top, left, transposed;
  int th, tw, ci4, co8, tb;
  int64_t per_thread; /* floats of scratch per thread: its V and M blocks */
} wino_job;

/* U[p][k][c] = (G g Gᵀ)[p] for input channel k, output channel c (zero for c ≥ co). */
static void kernel_transform(const void *args, int tid, int nth) {
  const wino_job *j = args;
  int64_t k0, k1;
  nc_split(j->ci, tid, nth, &k0, &k1);
  const int ci = j->ci, co = j->co, co8 = j->co8;
  const int64_t plane = (int64_t)ci * co8;
  for (int64_t k = k0; k < k1; k++)
    for (int c = 0; c < co8; c++) {
      float *u = j->u + k * co8 + c;
      if (c >= co) {
        for (int p = 0; p < 16; p++) u[p * plane] = 0;
        continue;
      }
      /* g[r][s] for r, s in 0..2: the forward's filter [3][3][ci][co], or for the input gradient
         the forward's [3][3][co][ci] flipped in both spatial axes. */
#define G(r, s) (j->transposed ? j->g[((int64_t)((2 - (r)) * 3 + (2 - (s))) * co + c) * ci + k] : j->g[((int64_t)((r) * 3 + (s)) * ci + k) * co + c])
      float a0 = G(0, 0), a1 = G(0, 1), a2 = G(0, 2), b0 = G(1, 0), b1 = G(1, 1), b2 = G(1, 2), d0 = G(2, 0), d1 = G(2, 1), d2 = G(2, 2);
#undef G
      /* Rows of G g: g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 (each 3 wide). */
      float r00 = a0, r01 = a1, r02 = a2;
      float r10 = 0.5f * (a0 + b0 + d0), r11 = 0.5f * (a1 + b1 + d1), r12 = 0.5f * (a2 + b2 + d2);
      float r20 = 0.5f * (a0 - b0 + d0), r21 = 0.5f * (a1 - b1 + d1), r22 = 0.5f * (a2 - b2 + d2);
      float r30 = d0, r31 = d1, r32 = d2;
      /* Then each row times Gᵀ: t0, (t0+t1+t2)/2, (t0−t1+t2)/2, t2. */
#define ROW(i, t0, t1, t2)                                                                                                                 \
  u[(i * 4 + 0) * plane] = t0, u[(i * 4 + 1) * plane] = 0.5f * (t0 + t1 + t2), u[(i * 4 + 2) * plane] = 0.5f * (t0 - t1 + t2),              \
                      u[(i * 4 + 3) * plane] = t2
      ROW(0, r00, r01, r02);
      ROW(1, r10, r11, r12);
      ROW(2, r20, r21, r22);
      ROW(3, r30, r31, r32);
#undef ROW
    }
}

/* M[t..t+4)[c..c+8) = V[t..t+4)[0..ci) · U[0..ci)[c..c+8) for one of the 16 positions. */
static void gemm_4x8(const float *v, const float *u, float *m, int ci, int ci4, int co8) {
  v128_t a00 = ZERO, a01 = ZERO, a10 = ZERO, a11 = ZERO, a20 = ZERO, a21 = ZERO, a30 = ZERO, a31 = ZERO;
  const float *v0 = v, *v1 = v + ci4, *v2 = v + 2 * ci4, *v3 = v + 3 * ci4;
  for (int k = 0; k < ci; k++, u += co8) {
    v128_t b0 = wasm_v128_load(u), b1 = wasm_v128_load(u + 4), s;
#define MAC(acc, b) acc = ADD(acc, wasm_f32x4_mul(s, b))
    s = wasm_v128_load32_splat(v0 + k), MAC(a00, b0), MAC(a01, b1);
    s = wasm_v128_load32_splat(v1 + k), MAC(a10, b0), MAC(a11, b1);
    s = wasm_v128_load32_splat(v2 + k), MAC(a20, b0), MAC(a21, b1);
    s = wasm_v128_load32_splat(v3 + k), MAC(a30, b0), MAC(a31, b1);
#undef MAC
  }
  wasm_v128_store(m, a00), wasm_v128_store(m + 4, a01);
  wasm_v128_store(m + co8, a10), wasm_v128_store(m + co8 + 4, a11);
  wasm_v128_store(m + 2 * co8, a20), wasm_v128_store(m + 2 * co8 + 4, a21);
  wasm_v128_store(m + 3 * co8, a30), wasm_v128_store(m + 3 * co8 + 4, a31);
}

INLINE void store_upto(float *p, v128_t v, int rem) {
  if (rem >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (rem > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (rem > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/* Aᵀ M A of one tile into y's 2×2 block at (oy, ox) (rows/columns past the output skipped). */
static void output_tile(const wino_job *j, const float *m, int64_t plane, int64_t img, int oy, int ox) {
  const int co = j->co, two_rows = oy + 1 < j->oh, two_cols = ox + 1 < j->ow;
  float *y0 = j->y + ((img * j->oh + oy) * j->ow + ox) * co, *y1 = y0 + (int64_t)j->ow * co;
  for (int c = 0; c < co; c += 4) {
    const int rem = co - c;
    const float *q = m + c;
#define M(p) wasm_v128_load(q + (p) * plane)
    /* Aᵀ over rows: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (per column), then the same over columns. */
    v128_t s00 = ADD(ADD(M(0), M(4)), M(8)), s01 = ADD(ADD(M(1), M(5)), M(9)), s02 = ADD(ADD(M(2), M(6)), M(10)),
           s03 = ADD(ADD(M(3), M(7)), M(11));
    v128_t s10 = SUB(SUB(M(4), M(8)), M(12)), s11 = SUB(SUB(M(5), M(9)), M(13)), s12 = SUB(SUB(M(6), M(10)), M(14)),
           s13 = SUB(SUB(M(7), M(11)), M(15));
#undef M
    v128_t b = j->bias != 0 ? load_upto(j->bias + c, rem) : ZERO;
    store_upto(y0 + c, ADD(b, ADD(ADD(s00, s01), s02)), rem);
    if (two_cols) store_upto(y0 + co + c, ADD(b, SUB(SUB(s01, s02), s03)), rem);
    if (two_rows) {
      store_upto(y1 + c, ADD(b, ADD(ADD(s10, s11), s12)), rem);
      if (two_cols) store_upto(y1 + co + c, ADD(b, SUB(SUB(s11, s12), s13)), rem);
    }
  }
}

static void conv_tiles(const void *args, int tid, int nth) {
  const wino_job *j = args;
  const int ci = j->ci, ci4 = j->ci4, co8 = j->co8, tb = j->tb, per_image = j->th * j->tw;
  int64_t g0, g1;
  nc_split((int64_t)j->n * per_image, tid, nth, &g0, &g1);
  float *v = j->scratch + tid * j->per_thread, *m = v + 16 * (int64_t)tb * ci4;
  const int64_t vplane = (int64_t)tb * ci4, mplane = (int64_t)tb * co8, uplane = (int64_t)ci * co8;
  for (int64_t b = g0; b < g1; b += tb) {
    const int count = g1 - b < tb ? (int)(g1 - b) : tb;
    for (int t = 0; t < count; t++) input_tile_at(j->x, j->h, j->w, ci, j->top, j->left, j->tw, per_image, b + t, v + t * ci4, vplane);
    for (int p = 0; p < 16; p++)
      for (int t = 0; t < count; t += 4)
        for (int c = 0; c < co8; c += 8) gemm_4x8(v + p * vplane + t * ci4, j->u + p * uplane + c, m + p * mplane + t * co8 + c, ci, ci4, co8);
    for (int t = 0; t < count; t++) {
      const int64_t g = b + t, img = g / per_image;
      const int r = (int)(g % per_image);
      output_tile(j, m + t * co8, mplane, img, 2 * (r / j->tw), 2 * (r % j->tw));
    }
  }
}

/* Scratch floats: U, then per thread its V and M blocks. */
INLINE int64_t u_floats(int ci, int co) { return 16 * (int64_t)ci * round_up(co, 8); }
INLINE int64_t thread_floats(int ci, int co) {
  const int ci4 = round_up(ci, 4), co8 = round_up(co, 8), tb = block_tiles(ci4, co8);
  return 16 * (int64_t)tb * (ci4 + co8);
}

/*
 * x: [n, h, w, ci]; g: [3, 3, ci, co] (or, transposed, the forward's [3, 3, co, ci]); bias: [co] or
 * null; y: [n, oh, ow, co]; scratch: nc_winograd_scratch(ci, co, threads) floats, 16-byte aligned.
 */
EXPORT(nc_winograd_conv)
void nc_winograd_conv(pool_t *pool, const float *x, const float *g, const float *bias, float *y, int n, int h, int w, int ci, int oh, int ow,
                      int co, int top, int left, int transposed, float *scratch) {
  wino_job *j = NC_JOB(pool, wino_job);
  const int ci4 = round_up(ci, 4), co8 = round_up(co, 8);
  *j = (wino_job){x, g, bias, y, scratch, scratch + u_floats(ci, co), n, h, w, ci, oh, ow, co, top, left, transposed,
                  (oh + 1) / 2, (ow + 1) / 2, ci4, co8, block_tiles(ci4, co8), thread_floats(ci, co)};
  nc_parallel(pool, kernel_transform, j, nc_threads_for(pool, u_floats(ci, co) * 16, 1 << 16));
  const int64_t tiles = (int64_t)n * j->th * j->tw;
  int threads = nc_threads_for(pool, tiles * ci * co * 16, 1 << 18);
  if (threads > (tiles + 3) / 4) threads = (int)((tiles + 3) / 4);
  nc_parallel(pool, conv_tiles, j, threads);
}

EXPORT(nc_winograd_scratch)
int nc_winograd_scratch(int ci, int co, int threads) { return (int)(u_floats(ci, co) + threads * thread_floats(ci, co)); }
