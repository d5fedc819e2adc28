/*
 * Conv2DBackpropInput, NHWC, stride 1, dilation 1, padding at most filter − 1 on the top and left:
 *
 *   dx[n][ih][iw][ci] = Σ_{kh,kw,co} dy[n][ih + top − kh][iw + left − kw][co] · W[kh][kw][ci][co]
 *
 * (terms whose dy position is out of range are zero). XNNPACK's route computes this as a forward
 * conv over dy padded by filter − 1 on every side, so half of its multiply-adds meet padding zeros
 * on LeNet's second conv; this one does only the real ones. Each thread takes whole images and
 * copies each image's dy into a zero-bordered buffer, so that every window is in range:
 *
 *   dx[ih][iw][:] = Σ_{a,b,co} dyp[ih + a][iw + b][co] · Wr[a][b][co][:]
 *
 * with dyp row r = dy row r − (fh − 1 − top) and Wr[a][b][co][ci] = W[fh−1−a][fw−1−b][ci][co]
 * (the filter flipped, channels swapped, ci padded with zeros to a multiple of 8), which the caller
 * writes once per call. The register tile is direct_tile (./direct.h): 4 adjacent dx pixels × 8 channels.
 */
#include "direct.h"

typedef struct {
  const float *dy, *wr;
  float *dx, *scratch;
  int n, h, w, ci, oh, ow, co, fh, fw, ptop, pleft, hp, wp, ci8;
  int64_t per_thread;
} input_job;

static void input_grad(const void *p, int tid, int n) {
  const input_job *j = p;
  int64_t n0, n1;
  nc_split(j->n, tid, n, &n0, &n1);
  const int co = j->co;
  float *dyp = j->scratch + tid * j->per_thread;
  const int64_t padded = (int64_t)j->hp * j->wp * co;
  const direct_geometry g = {j->fh, j->fw, co, co, (int64_t)j->wp * co, co, j->ci8, j->ci};
  for (int64_t img = n0; img < n1; img++) {
    for (int64_t k = 0; k < padded; k++) dyp[k] = 0;
    for (int r = 0; r < j->hp; r++) {
      int oh = r - j->ptop;
      if (oh < 0 || oh >= j->oh) continue;
      int c0 = j->pleft, count = j->ow;
      if (c0 + count > j->wp) count = j->wp - c0;
      const float *src = j->dy + (img * j->oh + oh) * (int64_t)j->ow * co;
      float *dst = dyp + ((int64_t)r * j->wp + c0) * co;
      for (int64_t k = 0, m = (int64_t)count * co; k < m; k++) dst[k] = src[k];
    }
    float *dxi = j->dx + img * (int64_t)j->h * j->w * j->ci;
    for (int ih = 0; ih < j->h; ih++)
      for (int iw = 0; iw < j->w; iw += 4) {
        const float *src = dyp + ((int64_t)ih * j->wp + iw) * co;
        float *out = dxi + ((int64_t)ih * j->w + iw) * j->ci;
        for (int c = 0; c < j->ci; c += 8) direct_tile(&g, src, j->wr + c, out + c, j->w - iw < 4 ? j->w - iw : 4, c, 0, 0);
      }
  }
}

/* Padded dy per thread: (h + fh − 1) rows by (w + fw − 1 + 3) columns (a last tile may read 3 past the row). */
INLINE int64_t per_thread(int h, int w, int co, int fh, int fw) { return (int64_t)(h + fh - 1) * (w + fw + 2) * co; }

/*
 * dy: [n, oh, ow, co]; w: [fh, fw, ci, co]; dx: [n, h, w, ci]; top, left: the forward conv's
 * padding (0 ≤ top < fh, 0 ≤ left < fw). scratch: fh·fw·co·ci8 floats for the flipped filter, then
 * threads × nc_conv2d_input_grad_scratch(...) floats.
 */
EXPORT(nc_conv2d_input_grad)
void nc_conv2d_input_grad(pool_t *pool, const float *dy, const float *w, float *dx, int n, int h, int wd, int ci, int oh, int ow, int co,
                          int fh, int fw, int top, int left, float *scratch) {
  input_job *j = NC_JOB(pool, input_job);
  int ci8 = (ci + 7) & ~7;
  float *wr = scratch;
  for (int a = 0; a < fh; a++)
    for (int b = 0; b < fw; b++)
      for (int k = 0; k < co; k++) {
        float *dst = wr + (((int64_t)a * fw + b) * co + k) * ci8;
        const float *src = w + ((int64_t)(fh - 1 - a) * fw + (fw - 1 - b)) * ci * co + k;
        for (int c = 0; c < ci8; c++) dst[c] = c < ci ? src[(int64_t)c * co] : 0;
      }
  int64_t wr_size = (((int64_t)fh * fw * co * ci8) + 3) & ~3;
  *j = (input_job){dy, wr, dx, scratch + wr_size, n, h, wd, ci, oh, ow, co, fh, fw, fh - 1 - top, fw - 1 - left,
                   h + fh - 1, wd + fw + 2, ci8, per_thread(h, wd, co, fh, fw)};
  int threads = nc_threads_for(pool, (int64_t)n * h * wd * ci8 * co * fh * fw, 1 << 18);
  if (threads > n) threads = n;
  nc_parallel(pool, input_grad, j, threads);
}

/* Scratch floats: the flipped filter (rounded to 4), then this many per thread. */
EXPORT(nc_conv2d_input_grad_scratch)
int nc_conv2d_input_grad_scratch(int h, int w, int co, int fh, int fw) { return (int)per_thread(h, w, co, fh, fw); }
