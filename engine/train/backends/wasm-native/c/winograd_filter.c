/*
 * Conv2DBackpropFilter of a 3×3 stride-1 conv, NHWC, by Winograd's F(2×2, 3×3) transposed: the
 * forward computes each 2×2 output tile as y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, so
 *
 *   dW = Gᵀ [ Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ) ] G
 *
 * 16 multiply-adds per tile and channel pair instead of 36. Each thread takes a contiguous range
 * of tiles, TB at a time: V = Bᵀ d B ([16][TB][ci4], ./winograd.h), W = A dy Aᵀ ([16][TB][co8]),
 * and dU[p] += V[p]ᵀ W[p] in 4×8 register tiles into its own dU ([16][ci4][co8]); the caller adds
 * the threads' dU and applies Gᵀ · G. Same tiling, padding and scratch rules as ./winograd.c.
 */
#include "winograd.h"

typedef struct {
  const float *x, *dy;
  float *dw, *scratch;
  int n, h, w, ci, oh, ow, co, top, left;
  int th, tw, ci4, co8, tb;
  int64_t per_thread; /* floats of scratch per thread: its dU, V and W */
} wgrad_job;

/* A dy Aᵀ of the 2×2 block of dy at rows y0, y1 (null: past the output), channels [c, c+4), into W[p][c]. */
static void dy_tile(const float *y0, const float *y1, int two_cols, int co, int co8, float *wt, int64_t plane) {
  for (int c = 0; c < co8; c += 4) {
    const int rem = co - c;
    v128_t d00 = ZERO, d01 = ZERO, d10 = ZERO, d11 = ZERO;
    if (rem > 0) {
      d00 = load_upto(y0 + c, rem);
      if (two_cols) d01 = load_upto(y0 + co + c, rem);
      if (y1 != 0) {
        d10 = load_upto(y1 + c, rem);
        if (two_cols) d11 = load_upto(y1 + co + c, rem);
      }
    }
    /* A = [[1,0],[1,1],[1,−1],[0,−1]]: rows r0 = d0, r1 = d0 + d1, r2 = d0 − d1, r3 = −d1, then the same on columns. */
    v128_t r00 = d00, r01 = d01, r10 = ADD(d00, d10), r11 = ADD(d01, d11), r20 = SUB(d00, d10), r21 = SUB(d01, d11);
    v128_t r30 = wasm_f32x4_neg(d10), r31 = wasm_f32x4_neg(d11);
    float *d = wt + c;
#define ROW(i, a, b)                                                                                                                       \
  wasm_v128_store(d + (i * 4 + 0) * plane, a), wasm_v128_store(d + (i * 4 + 1) * plane, ADD(a, b)),                                       \
      wasm_v128_store(d + (i * 4 + 2) * plane, SUB(a, b)), wasm_v128_store(d + (i * 4 + 3) * plane, wasm_f32x4_neg(b))
    ROW(0, r00, r01);
    ROW(1, r10, r11);
    ROW(2, r20, r21);
    ROW(3, r30, r31);
#undef ROW
  }
}

/* dU[k..k+4)[c..c+8) += Σ_{t < count} V[t][k..k+4) ⊗ W[t][c..c+8) for one of the 16 positions. */
static void gemm_t_4x8(const float *v, const float *wt, float *du, int count, int ci4, int co8) {
  v128_t a00 = wasm_v128_load(du), a01 = wasm_v128_load(du + 4), a10 = wasm_v128_load(du + co8), a11 = wasm_v128_load(du + co8 + 4);
  v128_t a20 = wasm_v128_load(du + 2 * co8), a21 = wasm_v128_load(du + 2 * co8 + 4), a30 = wasm_v128_load(du + 3 * co8),
         a31 = wasm_v128_load(du + 3 * co8 + 4);
  for (int t = 0; t < count; t++, v += ci4, wt += co8) {
    v128_t vk = wasm_v128_load(v), b0 = wasm_v128_load(wt), b1 = wasm_v128_load(wt + 4), s;
#define MAC(acc, b) acc = ADD(acc, wasm_f32x4_mul(s, b))
    s = wasm_i32x4_shuffle(vk, vk, 0, 0, 0, 0), MAC(a00, b0), MAC(a01, b1);
    s = wasm_i32x4_shuffle(vk, vk, 1, 1, 1, 1), MAC(a10, b0), MAC(a11, b1);
    s = wasm_i32x4_shuffle(vk, vk, 2, 2, 2, 2), MAC(a20, b0), MAC(a21, b1);
    s = wasm_i32x4_shuffle(vk, vk, 3, 3, 3, 3), MAC(a30, b0), MAC(a31, b1);
#undef MAC
  }
  wasm_v128_store(du, a00), wasm_v128_store(du + 4, a01);
  wasm_v128_store(du + co8, a10), wasm_v128_store(du + co8 + 4, a11);
  wasm_v128_store(du + 2 * co8, a20), wasm_v128_store(du + 2 * co8 + 4, a21);
  wasm_v128_store(du + 3 * co8, a30), wasm_v128_store(du + 3 * co8 + 4, a31);
}

static void filter_tiles(const void *args, int tid, int nth) {
  const wgrad_job *j = args;
  const int ci = j->ci, ci4 = j->ci4, co = j->co, co8 = j->co8, tb = j->tb, per_image = j->th * j->tw;
  int64_t g0, g1;
  nc_split((int64_t)j->n * per_image, tid, nth, &g0, &g1);
  const int64_t uplane = (int64_t)ci4 * co8, vplane = (int64_t)tb * ci4, wplane = (int64_t)tb * co8;
  float *du = j->scratch + tid * j->per_thread, *v = du + 16 * uplane, *wt = v + 16 * vplane;
  for (int64_t k = 0; k < 16 * uplane; k++) du[k] = 0;
  for (int64_t b = g0; b < g1; b += tb) {
    const int count = g1 - b < tb ? (int)(g1 - b) : tb;
    for (int t = 0; t < count; t++) {
      const int64_t g = b + t, img = g / per_image;
      const int r = (int)(g % per_image), oy = 2 * (r / j->tw), ox = 2 * (r % j->tw);
      input_tile_at(j->x, j->h, j->w, ci, j->top, j->left, j->tw, per_image, g, v + t * ci4, vplane);
      const float *y0 = j->dy + ((img * j->oh + oy) * j->ow + ox) * co;
      dy_tile(y0, oy + 1 < j->oh ? y0 + (int64_t)j->ow * co : 0, ox + 1 < j->ow, co, co8, wt + t * co8, wplane);
    }
    for (int p = 0; p < 16; p++)
      for (int k = 0; k < ci4; k += 4)
        for (int c = 0; c < co8; c += 8) gemm_t_4x8(v + p * vplane + k, wt + p * wplane + c, du + p * uplane + k * co8 + c, count, ci4, co8);
  }
}

INLINE float sum_threads(const float *p, int threads, int64_t stride) {
  float s = 0;
  for (int t = 0; t < threads; t++) s += p[t * stride];
  return s;
}

INLINE int64_t thread_floats(int ci4, int co8) { return 16 * ((int64_t)ci4 * co8 + (int64_t)block_tiles(ci4, co8) * (ci4 + co8)); }

/* x: [n, h, w, ci]; dy: [n, oh, ow, co]; dw: [3, 3, ci, co]; scratch: nc_winograd_filter_scratch(ci, co, threads) floats. */
EXPORT(nc_winograd_filter_grad)
void nc_winograd_filter_grad(pool_t *pool, const float *x, const float *dy, float *dw, int n, int h, int w, int ci, int oh, int ow, int co,
                             int top, int left, float *scratch) {
  wgrad_job *j = NC_JOB(pool, wgrad_job);
  const int ci4 = round_up(ci, 4), co8 = round_up(co, 8);
  *j = (wgrad_job){x, dy, dw, scratch, n, h, w, ci, oh, ow, co, top, left, (oh + 1) / 2, (ow + 1) / 2, ci4, co8, block_tiles(ci4, co8),
                   thread_floats(ci4, co8)};
  const int64_t tiles = (int64_t)n * j->th * j->tw;
  int threads = nc_threads_for(pool, tiles * ci * co * 16, 1 << 18);
  if (threads > (tiles + 3) / 4) threads = (int)((tiles + 3) / 4);
  nc_parallel(pool, filter_tiles, j, threads);
  /* dW = Gᵀ S G, S the threads' dU summed: G's columns are (1, ½, ½, 0), (0, ½, −½, 0), (0, ½, ½, 1). */
  const int64_t plane = (int64_t)ci4 * co8, stride = j->per_thread;
  for (int k = 0; k < ci; k++)
    for (int c = 0; c < co; c++) {
      const float *s = scratch + (int64_t)k * co8 + c;
#define S(p) sum_threads(s + (p) * plane, threads, stride)
      float s00 = S(0), s01 = S(1), s02 = S(2), s03 = S(3), s10 = S(4), s11 = S(5), s12 = S(6), s13 = S(7);
      float s20 = S(8), s21 = S(9), s22 = S(10), s23 = S(11), s30 = S(12), s31 = S(13), s32 = S(14), s33 = S(15);
#undef S
      /* Gᵀ S: 3 rows of 4. */
      float t00 = s00 + 0.5f * (s10 + s20), t01 = s01 + 0.5f * (s11 + s21), t02 = s02 + 0.5f * (s12 + s22), t03 = s03 + 0.5f * (s13 + s23);
      float t10 = 0.5f * (s10 - s20), t11 = 0.5f * (s11 - s21), t12 = 0.5f * (s12 - s22), t13 = 0.5f * (s13 - s23);
      float t20 = 0.5f * (s10 + s20) + s30, t21 = 0.5f * (s11 + s21) + s31, t22 = 0.5f * (s12 + s22) + s32, t23 = 0.5f * (s13 + s23) + s33;
      /* … G: dW[r][0] = t0 + ½(t1 + t2), dW[r][1] = ½(t1 − t2), dW[r][2] = ½(t1 + t2) + t3. */
      float *d = dw + (int64_t)k * co + c;
      const int64_t tap = (int64_t)ci * co;
#define OUT(r, a, b, e, f) d[(r * 3) * tap] = a + 0.5f * (b + e), d[(r * 3 + 1) * tap] = 0.5f * (b - e), d[(r * 3 + 2) * tap] = 0.5f * (b + e) + f
      OUT(0, t00, t01, t02, t03);
      OUT(1, t10, t11, t12, t13);
      OUT(2, t20, t21, t22, t23);
#undef OUT
    }
}

EXPORT(nc_winograd_filter_scratch)
int nc_winograd_filter_scratch(int ci, int co, int threads) { return (int)(threads * thread_floats(round_up(ci, 4), round_up(co, 8))); }
