/*
 * Conv2DBackpropInput, NHWC, any stride, dilation 1, padding at most filter − 1 on the top and left:
 *
 *   dx[n][ih][iw][ci] = Σ_{kh,kw,co} dy[n][oh][ow][co] · W[kh][kw][ci][co],  oh·sh + kh − top = ih, ow·sw + kw − left = iw
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
 *
 * At stride s > 1 only the taps kh ≡ ih + top (mod s) meet dy, so dx splits into s × s phases
 * (ih mod s, iw mod s), each a stride-1 correlation of dy with its own sub-filter of every s-th tap:
 * no multiply-add meets the zeros that XNNPACK's route (dy dilated by s, then a stride-1 conv)
 * inserts, 3 in 4 of them at stride 2. Stride 1 is the one phase with the whole filter.
 */
#include "direct.h"

/* One axis of a phase p (0 ≤ p < s): its first tap k0 ≡ p + pad (mod s), its number of taps, the dy
   offset q (dy row i + q − t meets tap k0 + s·t for phase row i), and its rows p, p + s, … < size. */
INLINE int phase_k0(int p, int pad, int s) { return (p + pad) % s; }
INLINE int phase_taps(int p, int pad, int s, int f) {
  int k0 = phase_k0(p, pad, s);
  return k0 < f ? (f - k0 + s - 1) / s : 0;
}
INLINE int phase_q(int p, int pad, int s) { return (p + pad - phase_k0(p, pad, s)) / s; }
INLINE int phase_count(int p, int s, int size) { return p < size ? (size - p + s - 1) / s : 0; }

typedef struct {
  const float *dy, *wr;
  float *dx, *scratch;
  int n, h, w, ci, oh, ow, co, fh, fw, sh, sw, top, left, ptop, pleft, hp, wp, ci8;
  int64_t per_thread;
} input_job;

/* dx of one image, phase (ph, pw), from its sub-filter wr. */
static void phase(const input_job *j, const float *dyp, float *dxi, int ph, int pw, const float *wr) {
  const int ci = j->ci, co = j->co;
  const int th = phase_taps(ph, j->top, j->sh, j->fh), tw = phase_taps(pw, j->left, j->sw, j->fw);
  const int qh = phase_q(ph, j->top, j->sh), qw = phase_q(pw, j->left, j->sw);
  const int rows = phase_count(ph, j->sh, j->h), cols = phase_count(pw, j->sw, j->w);
  const direct_geometry g = {th, tw, co, co, (int64_t)j->wp * co, co, j->ci8, ci, (int64_t)j->sw * ci};
  for (int i = 0; i < rows; i++) {
    float *out = dxi + ((int64_t)(ph + j->sh * i) * j->w + pw) * ci;
    if (th == 0 || tw == 0) { /* no tap reaches these pixels: their gradient is zero */
      for (int jj = 0; jj < cols; jj++)
        for (int c = 0; c < ci; c++) out[(int64_t)jj * j->sw * ci + c] = 0;
      continue;
    }
    const float *row = dyp + ((int64_t)(i + qh - th + 1 + j->ptop) * j->wp + (qw - tw + 1 + j->pleft)) * co;
    for (int jj = 0; jj < cols; jj += 4) {
      int pixels = cols - jj < 4 ? cols - jj : 4;
      for (int c = 0; c < ci; c += 8) direct_tile(&g, row + (int64_t)jj * co, wr + c, out + (int64_t)jj * j->sw * ci + c, pixels, c, 0, 0);
    }
  }
}

static void input_grad(const void *p, int tid, int n) {
  const input_job *j = p;
  int64_t n0, n1;
  nc_split(j->n, tid, n, &n0, &n1);
  float *dyp = j->scratch + tid * j->per_thread;
  for (int64_t img = n0; img < n1; img++) {
    nc_border_copy(j->dy + img * j->oh * (int64_t)j->ow * j->co, j->oh, j->ow, j->co, dyp, j->hp, j->wp, j->ptop, j->pleft);
    float *dxi = j->dx + img * (int64_t)j->h * j->w * j->ci;
    const float *wr = j->wr;
    for (int ph = 0; ph < j->sh; ph++)
      for (int pw = 0; pw < j->sw; pw++) {
        phase(j, dyp, dxi, ph, pw, wr);
        wr += (int64_t)phase_taps(ph, j->top, j->sh, j->fh) * phase_taps(pw, j->left, j->sw, j->fw) * j->co * j->ci8;
      }
  }
}

/* The border above (left of) dy that every phase's first window needs. */
INLINE int border_before(int pad, int s, int f) {
  int most = 0;
  for (int p = 0; p < s; p++) {
    int need = phase_taps(p, pad, s, f) - 1 - phase_q(p, pad, s);
    if (need > most) most = need;
  }
  return most;
}

/* Rows (columns) of the bordered dy: all of dy, and every phase's last window (a tile of 4 columns
   may read 3 past a row's last: round columns up to 4). */
INLINE int bordered(int out, int pad, int s, int size, int before, int round4) {
  int most = out + before;
  for (int p = 0; p < s; p++) {
    int count = phase_count(p, s, size);
    if (round4) count = (count + 3) & ~3;
    int need = count + phase_q(p, pad, s) + before;
    if (need > most) most = need;
  }
  return most;
}

INLINE int64_t per_thread(int h, int w, int oh, int ow, int co, int fh, int fw, int sh, int sw, int top, int left) {
  int hp = bordered(oh, top, sh, h, border_before(top, sh, fh), 0);
  int wp = bordered(ow, left, sw, w, border_before(left, sw, fw), 1);
  return ((int64_t)hp * wp * co + 3) & ~3;
}

/*
 * dy: [n, oh, ow, co]; w: [fh, fw, ci, co]; dx: [n, h, w, ci]; sh, sw: the forward conv's strides;
 * top, left: its padding (0 ≤ top < fh, 0 ≤ left < fw). scratch: fh·fw·co·ci8 floats (rounded up to
 * 4) for the phases' flipped sub-filters, then threads × nc_conv2d_input_grad_scratch(...) floats.
 */
EXPORT(nc_conv2d_input_grad)
void nc_conv2d_input_grad(pool_t *pool, const float *dy, const float *w, float *dx, int n, int h, int wd, int ci, int oh, int ow, int co,
                          int fh, int fw, int sh, int sw, int top, int left, float *scratch) {
  input_job *j = NC_JOB(pool, input_job);
  int ci8 = (ci + 7) & ~7;
  float *dst = scratch;
  for (int ph = 0; ph < sh; ph++)
    for (int pw = 0; pw < sw; pw++) {
      int th = phase_taps(ph, top, sh, fh), tw = phase_taps(pw, left, sw, fw);
      int kh0 = phase_k0(ph, top, sh), kw0 = phase_k0(pw, left, sw);
      for (int a = 0; a < th; a++)
        for (int b = 0; b < tw; b++)
          for (int k = 0; k < co; k++, dst += ci8) {
            const float *src = w + ((int64_t)(kh0 + sh * (th - 1 - a)) * fw + (kw0 + sw * (tw - 1 - b))) * ci * co + k;
            for (int c = 0; c < ci8; c++) dst[c] = c < ci ? src[(int64_t)c * co] : 0;
          }
    }
  int64_t wr_size = (((int64_t)fh * fw * co * ci8) + 3) & ~3;
  int ptop = border_before(top, sh, fh), pleft = border_before(left, sw, fw);
  *j = (input_job){dy, scratch, dx, scratch + wr_size, n, h, wd, ci, oh, ow, co, fh, fw, sh, sw, top, left, ptop, pleft,
                   bordered(oh, top, sh, h, ptop, 0), bordered(ow, left, sw, wd, pleft, 1), ci8,
                   per_thread(h, wd, oh, ow, co, fh, fw, sh, sw, top, left)};
  int threads = nc_threads_for(pool, (int64_t)n * h * wd * ci8 * co * fh * fw / ((int64_t)sh * sw), 1 << 18);
  if (threads > n) threads = n;
  nc_parallel(pool, input_grad, j, threads);
}

/* Scratch floats: the flipped sub-filters (rounded to 4), then this many per thread. */
EXPORT(nc_conv2d_input_grad_scratch)
int nc_conv2d_input_grad_scratch(int h, int w, int oh, int ow, int co, int fh, int fw, int sh, int sw, int top, int left) {
  return (int)per_thread(h, w, oh, ow, co, fh, fw, sh, sw, top, left);
}
