/*
 * MaxPoolGrad as the cpu backend computes it: in each window the first element equal to the
 * window's maximum (the forward output) receives that window's dy; a window whose maximum is NaN
 * routes nothing. Threads split the images (windows of one image may overlap, of two never do).
 */
#include "nc.h"

typedef struct {
  const float *x, *y, *dy;
  float *dx;
  int batch, in_h, in_w, channels, out_h, out_w, stride_h, stride_w, filter_h, filter_w, top, left;
} pool_grad_job;

static void max_pool_grad(const void *p, int tid, int n) {
  const pool_grad_job *j = p;
  int64_t b0, b1;
  nc_split(j->batch, tid, n, &b0, &b1);
  const int c = j->channels;
  const int64_t row_stride = (int64_t)j->in_w * c, image_stride = j->in_h * row_stride;
  for (int64_t k = b0 * image_stride; k < b1 * image_stride; k++) j->dx[k] = 0;
  for (int64_t b = b0; b < b1; b++) {
    const int64_t image = b * image_stride;
    int64_t gi = b * j->out_h * j->out_w * c;
    for (int oy = 0; oy < j->out_h; oy++) {
      int y0 = oy * j->stride_h - j->top;
      int ys = y0 > 0 ? y0 : 0, ye = y0 + j->filter_h < j->in_h ? y0 + j->filter_h : j->in_h;
      for (int ox = 0; ox < j->out_w; ox++) {
        int x0 = ox * j->stride_w - j->left;
        int xs = x0 > 0 ? x0 : 0, xe = x0 + j->filter_w < j->in_w ? x0 + j->filter_w : j->in_w;
        int ch = 0;
        /* Four channels at once: each lane routes dy to its first element equal to the maximum. */
        for (; ch + 4 <= c; ch += 4, gi += 4) {
          const v128_t max = wasm_v128_load(j->y + gi), g = wasm_v128_load(j->dy + gi);
          v128_t found = wasm_i32x4_splat(0);
          for (int r = ys; r < ye && !wasm_i32x4_all_true(found); r++) {
            int64_t q = image + r * row_stride + (int64_t)xs * c + ch;
            for (int col = xs; col < xe; col++, q += c) {
              v128_t hit = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(j->x + q), max), found);
              wasm_v128_store(j->dx + q, wasm_f32x4_add(wasm_v128_load(j->dx + q), wasm_v128_and(hit, g)));
              found = wasm_v128_or(found, hit);
            }
          }
        }
        for (; ch < c; ch++, gi++) {
          const float max = j->y[gi];
          for (int r = ys; r < ye; r++) {
            int64_t q = image + r * row_stride + (int64_t)xs * c + ch;
            int col = xs;
            for (; col < xe; col++, q += c)
              if (j->x[q] == max) break;
            if (col < xe) {
              j->dx[q] += j->dy[gi];
              break;
            }
          }
        }
      }
    }
  }
}

EXPORT(nc_max_pool_grad)
void nc_max_pool_grad(pool_t *pool, const float *x, const float *y, const float *dy, float *dx, int batch, int in_h, int in_w, int channels,
                      int out_h, int out_w, int stride_h, int stride_w, int filter_h, int filter_w, int top, int left) {
  pool_grad_job *j = NC_JOB(pool, pool_grad_job);
  *j = (pool_grad_job){x, y, dy, dx, batch, in_h, in_w, channels, out_h, out_w, stride_h, stride_w, filter_h, filter_w, top, left};
  int64_t work = (int64_t)batch * in_h * in_w * channels;
  int threads = nc_threads_for(pool, work, 1 << 15);
  nc_parallel(pool, max_pool_grad, j, threads < batch ? threads : batch);
}
