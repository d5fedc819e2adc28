/*
 * Conv2D forward, NHWC, any stride, dilation 1, with an optional bias and ReLU fused in:
 *
 *   y[n][oh][ow][co] = act(b[co] + Σ_{kh,kw,ci} x[n][oh·sh + kh − top][ow·sw + kw − left][ci] · W[kh][kw][ci][co])
 *
 * Why ours and not XNNPACK's: XNNPACK runs on tfjs's thread pool, whose idle workers spin for about
 * a million polls after every operator, on the core our own pool's threads need (./pool.c). With
 * XNNPACK on one thread and every heavy kernel here, a training step has one pool and no spinner
 * fighting it (../README.md, "Threads").
 *
 * Each thread takes a contiguous run of output rows (of all images) and, for each image it touches,
 * copies the rows it reads into a zero-bordered buffer, so that every window is in range. The
 * register tile is direct_tile (./direct.h): 4 output pixels × 8 output channels.
 */
#include "direct.h"

typedef struct {
  const float *x, *w, *bias;
  float *y, *scratch;
  int n, h, wd, ci, oh, ow, co, fh, fw, sh, sw, top, left, relu, hp, wp, co8;
  int64_t per_thread;
} forward_job;

static void forward(const void *p, int tid, int n) {
  const forward_job *j = p;
  int64_t r0, r1;
  nc_split((int64_t)j->n * j->oh, tid, n, &r0, &r1);
  const int ci = j->ci, co = j->co;
  float *xp = j->scratch + tid * j->per_thread;
  int64_t copied = -1;
  const direct_geometry g = {j->fh, j->fw, ci, (int64_t)j->sw * ci, (int64_t)j->wp * ci, ci, j->co8, co, co};
  for (int64_t row = r0; row < r1; row++) {
    int64_t img = row / j->oh;
    int oy = (int)(row % j->oh);
    if (img != copied) {
      nc_border_copy(j->x + img * j->h * (int64_t)j->wd * ci, j->h, j->wd, ci, xp, j->hp, j->wp, j->top, j->left);
      copied = img;
    }
    const float *src = xp + (int64_t)oy * j->sh * j->wp * ci;
    float *out = j->y + (img * j->oh + oy) * (int64_t)j->ow * co;
    for (int ox = 0; ox < j->ow; ox += 4) {
      int pixels = j->ow - ox < 4 ? j->ow - ox : 4;
      for (int c = 0; c < co; c += 8)
        direct_tile(&g, src + (int64_t)ox * j->sw * ci, j->w + c, out + (int64_t)ox * co + c, pixels, c, j->bias ? j->bias + c : 0, j->relu);
    }
  }
}

/* Zero-bordered copy of one image: hp rows of wp pixels (wp covers the last tile's 4 windows). */
INLINE int64_t per_thread(int hp, int wp, int ci) { return ((int64_t)hp * wp * ci + 3) & ~3; }
INLINE int rows_read(int oh, int sh, int fh) { return (oh - 1) * sh + fh; }
INLINE int cols_read(int ow, int sw, int fw) { return (((ow + 3) & ~3) - 1) * sw + fw; }

/*
 * x: [n, h, wd, ci]; w: [fh, fw, ci, co8] (the filter with its output channels padded with zeros to
 * a multiple of 8: the caller's copy, or the filter itself when co is one); bias: co8 floats, or 0; y: [n, oh, ow, co]; top, left: the padding before the first row and column (≥ 0).
 * scratch: threads × nc_conv2d_forward_scratch(...) floats.
 */
EXPORT(nc_conv2d_forward)
void nc_conv2d_forward(pool_t *pool, const float *x, const float *w, const float *bias, float *y, int n, int h, int wd, int ci, int oh, int ow,
                       int co, int fh, int fw, int sh, int sw, int top, int left, int relu, float *scratch) {
  forward_job *j = NC_JOB(pool, forward_job);
  int hp = rows_read(oh, sh, fh), wp = cols_read(ow, sw, fw), co8 = (co + 7) & ~7;
  *j = (forward_job){x, w, bias, y, scratch, n, h, wd, ci, oh, ow, co, fh, fw, sh, sw, top, left, relu, hp, wp, co8, per_thread(hp, wp, ci)};
  int64_t rows = (int64_t)n * oh;
  int threads = nc_threads_for(pool, rows * ow * ci * co8 * fh * fw, 1 << 18);
  if (threads > rows) threads = (int)rows;
  nc_parallel(pool, forward, j, threads);
}

EXPORT(nc_conv2d_forward_scratch)
int nc_conv2d_forward_scratch(int oh, int ow, int ci, int fh, int fw, int sh, int sw) {
  return (int)per_thread(rows_read(oh, sh, fh), cols_read(ow, sw, fw), ci);
}
