/*
 * Conv2DBackpropFilter, NHWC, any stride and padding (dilation 1: tfjs refuses the gradient of a
 * dilated conv before it gets here):
 *
 *   dW[kh][kw][ci][co] = Σ_{n,oh,ow} x[n][oh·sh + kh − top][ow·sw + kw − left][ci] · dy[n][oh][ow][co]
 *
 * Each thread takes whole images and copies each into a zero-padded buffer, so that every window
 * is in range and the fw·Ci values a filter row meets at one position are contiguous, in dW's own
 * order. dW[kh], an (fw·Ci) × Co matrix, is then a sum of outer products over the image's
 * positions, computed in 4 × 8 register tiles. Threads sum into their own copies of dW, which the
 * caller adds up.
 */
#include "nc.h"

typedef struct {
  const float *x, *dy;
  float *dw, *scratch;
  int n, h, w, ci, oh, ow, co, fh, fw, sh, sw, top, left, hp, wp;
  int co8;            /* co rounded up to a multiple of 8 */
  int64_t per_thread; /* floats of scratch per thread: its dW (co8 wide), its padded image, its padded dy */
} filter_job;

#define LOAD(p) wasm_v128_load(p)
#define SPLAT(p) wasm_v128_load32_splat(p)
#define MAC(acc, s, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(s, b))

/* dW rows [l, l+4) × columns [c, c+8) += Σ_{oh,ow} xp window ⊗ dy. */
static void tile_4x8(const filter_job *j, const float *xp, const float *dy, float *dw, int l, int c, int kh) {
  const int co = j->co8;
  float *d = dw + (int64_t)l * co + c;
  v128_t a00 = LOAD(d), a01 = LOAD(d + 4), a10 = LOAD(d + co), a11 = LOAD(d + co + 4);
  v128_t a20 = LOAD(d + 2 * co), a21 = LOAD(d + 2 * co + 4), a30 = LOAD(d + 3 * co), a31 = LOAD(d + 3 * co + 4);
  const int step = j->sw * j->ci;
  for (int oh = 0; oh < j->oh; oh++) {
    const float *a = xp + ((int64_t)(oh * j->sh + kh) * j->wp) * j->ci + l;
    const float *b = dy + (int64_t)oh * j->ow * co + c;
    for (int ow = 0; ow < j->ow; ow++, a += step, b += co) {
      v128_t b0 = LOAD(b), b1 = LOAD(b + 4), s;
      s = SPLAT(a), MAC(a00, s, b0), MAC(a01, s, b1);
      s = SPLAT(a + 1), MAC(a10, s, b0), MAC(a11, s, b1);
      s = SPLAT(a + 2), MAC(a20, s, b0), MAC(a21, s, b1);
      s = SPLAT(a + 3), MAC(a30, s, b0), MAC(a31, s, b1);
    }
  }
  wasm_v128_store(d, a00), wasm_v128_store(d + 4, a01), wasm_v128_store(d + co, a10), wasm_v128_store(d + co + 4, a11);
  wasm_v128_store(d + 2 * co, a20), wasm_v128_store(d + 2 * co + 4, a21);
  wasm_v128_store(d + 3 * co, a30), wasm_v128_store(d + 3 * co + 4, a31);
}

/* rows [l, l+rows) (rows < 4) × columns [c, c+8). */
static void tile_rx8(const filter_job *j, const float *xp, const float *dy, float *dw, int l, int rows, int c, int kh) {
  const int co = j->co8;
  float *d = dw + (int64_t)l * co + c;
  v128_t a00 = LOAD(d), a01 = LOAD(d + 4), a10 = a00, a11 = a01, a20 = a00, a21 = a01;
  if (rows > 1) a10 = LOAD(d + co), a11 = LOAD(d + co + 4);
  if (rows > 2) a20 = LOAD(d + 2 * co), a21 = LOAD(d + 2 * co + 4);
  const int step = j->sw * j->ci;
  for (int oh = 0; oh < j->oh; oh++) {
    const float *a = xp + ((int64_t)(oh * j->sh + kh) * j->wp) * j->ci + l;
    const float *b = dy + (int64_t)oh * j->ow * co + c;
    for (int ow = 0; ow < j->ow; ow++, a += step, b += co) {
      v128_t b0 = LOAD(b), b1 = LOAD(b + 4), s = SPLAT(a);
      MAC(a00, s, b0), MAC(a01, s, b1);
      if (rows > 1) s = SPLAT(a + 1), MAC(a10, s, b0), MAC(a11, s, b1);
      if (rows > 2) s = SPLAT(a + 2), MAC(a20, s, b0), MAC(a21, s, b1);
    }
  }
  wasm_v128_store(d, a00), wasm_v128_store(d + 4, a01);
  if (rows > 1) wasm_v128_store(d + co, a10), wasm_v128_store(d + co + 4, a11);
  if (rows > 2) wasm_v128_store(d + 2 * co, a20), wasm_v128_store(d + 2 * co + 4, a21);
}

static void filter_grad(const void *p, int tid, int n) {
  const filter_job *j = p;
  int64_t n0, n1;
  nc_split(j->n, tid, n, &n0, &n1);
  const int ci = j->ci, co = j->co8, lw = j->fw * ci;
  const int64_t size = (int64_t)j->fh * lw * co, positions = (int64_t)j->oh * j->ow;
  float *dw = j->scratch + tid * j->per_thread, *xp = dw + size, *dyp = xp + (int64_t)j->hp * j->wp * ci;
  for (int64_t k = 0; k < size; k++) dw[k] = 0;
  const int64_t padded = (int64_t)j->hp * j->wp * ci;
  for (int64_t img = n0; img < n1; img++) {
    /* The padded image: row hp is input row hp − top, column wp is input column wp − left. */
    for (int64_t k = 0; k < padded; k++) xp[k] = 0;
    for (int r = 0; r < j->hp; r++) {
      int ih = r - j->top;
      if (ih < 0 || ih >= j->h) continue;
      int c0 = j->left > 0 ? j->left : 0, iw0 = c0 - j->left;
      int count = j->w - iw0;
      if (c0 + count > j->wp) count = j->wp - c0;
      if (count <= 0) continue;
      const float *src = j->x + ((img * j->h + ih) * j->w + iw0) * ci;
      float *dst = xp + ((int64_t)r * j->wp + c0) * ci;
      for (int64_t k = 0, m = (int64_t)count * ci; k < m; k++) dst[k] = src[k];
    }
    /* dy's channels padded to a multiple of 8 (zeros), so that every tile is 8 columns wide. */
    const float *dyi = j->dy + img * positions * j->co;
    if (co != j->co) {
      for (int64_t q = 0; q < positions; q++) {
        for (int c = 0; c < j->co; c++) dyp[q * co + c] = dyi[q * j->co + c];
        for (int c = j->co; c < co; c++) dyp[q * co + c] = 0;
      }
      dyi = dyp;
    }
    for (int kh = 0; kh < j->fh; kh++) {
      float *dwk = dw + (int64_t)kh * lw * co;
      for (int l = 0; l < lw; l += 4) {
        int rows = lw - l < 4 ? lw - l : 4;
        for (int c = 0; c < co; c += 8) {
          if (rows == 4) tile_4x8(j, xp, dyi, dwk, l, c, kh);
          else tile_rx8(j, xp, dyi, dwk, l, rows, c, kh);
        }
      }
    }
  }
}

/* Scratch floats per thread: its dW with co rounded up to 8, its padded image, its image's dy (padded). */
INLINE int64_t per_thread(int ci, int oh, int ow, int co, int fh, int fw, int sh, int sw) {
  int64_t co8 = (co + 7) & ~7;
  return fh * fw * ci * co8 + (int64_t)((oh - 1) * sh + fh) * ((ow - 1) * sw + fw) * ci + (int64_t)oh * ow * co8;
}

/*
 * dw: [fh, fw, ci, co]. scratch: threads × nc_conv2d_filter_grad_scratch(...) floats, where the
 * padded image is hp = (oh−1)·sh + fh rows by wp = (ow−1)·sw + fw columns (the rows and columns
 * the windows reach).
 */
EXPORT(nc_conv2d_filter_grad)
void nc_conv2d_filter_grad(pool_t *pool, const float *x, const float *dy, float *dw, int n, int h, int w, int ci, int oh, int ow, int co,
                           int fh, int fw, int sh, int sw, int top, int left, float *scratch) {
  filter_job *j = NC_JOB(pool, filter_job);
  int hp = (oh - 1) * sh + fh, wp = (ow - 1) * sw + fw, co8 = (co + 7) & ~7;
  *j = (filter_job){x, dy, dw, scratch, n, h, w, ci, oh, ow, co, fh, fw, sh, sw, top, left, hp, wp, co8,
                    per_thread(ci, oh, ow, co, fh, fw, sh, sw)};
  int64_t size = (int64_t)fh * fw * ci * co;
  int threads = nc_threads_for(pool, (int64_t)n * oh * ow * size, 1 << 18);
  if (threads > n) threads = n;
  nc_parallel(pool, filter_grad, j, threads);
  /* dW[r][c] from each thread's padded [r][co8] rows. */
  for (int64_t r = 0; r < (int64_t)fh * fw * ci; r++)
    for (int c = 0; c < co; c++) {
      float s = 0;
      for (int t = 0; t < threads; t++) s += scratch[t * j->per_thread + r * co8 + c];
      dw[r * co + c] = s;
    }
}

EXPORT(nc_conv2d_filter_grad_scratch)
int nc_conv2d_filter_grad_scratch(int ci, int oh, int ow, int co, int fh, int fw, int sh, int sw) {
  return (int)per_thread(ci, oh, ow, co, fh, fw, sh, sw);
}
