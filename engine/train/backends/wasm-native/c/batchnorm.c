/*
 * Training-mode batch normalisation over the last axis of x, seen as [rows, C]: two passes forward
 * (statistics, then y = a·x + b) and two backward (two column sums, then dx = k1·dy + k2·x + k3),
 * where tfjs's ops take ~25 kernels, several of them transposes. Threads split the rows; each
 * keeps its column sums in double in the scratch, and the caller adds them up.
 *
 * Sums of (x − k) with k the first row (a shift that changes no result) keep the variance's
 * E[x²] − E[x]² free of cancellation when |mean| ≫ std.
 */
#include "nc.h"

/* Rows summed in float registers before they are added to the double totals. */
#define BLOCK 256

typedef struct {
  const float *x, *dy, *shift; /* dy: backward only; shift: forward k, backward mean */
  int64_t rows;
  int c;
  double *partial; /* [threads][2][c] */
} sums_job;

/* partial[tid][0][c] = Σ (x−k), [1][c] = Σ (x−k)²  (forward, dy null)
   partial[tid][0][c] = Σ dy,    [1][c] = Σ dy·(x−k) (backward) */
static void column_sums(const void *p, int tid, int n) {
  const sums_job *j = p;
  int64_t begin, end;
  nc_split(j->rows, tid, n, &begin, &end);
  const int c = j->c;
  double *s0 = j->partial + (int64_t)tid * 2 * c, *s1 = s0 + c;
  for (int ch = 0; ch < c; ch++) s0[ch] = s1[ch] = 0;
  for (int64_t r0 = begin; r0 < end; r0 += BLOCK) {
    int64_t r1 = r0 + BLOCK < end ? r0 + BLOCK : end;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      v128_t k = wasm_v128_load(j->shift + ch), a0 = wasm_f32x4_splat(0), a1 = a0;
      const float *x = j->x + r0 * c + ch;
      if (j->dy) {
        const float *dy = j->dy + r0 * c + ch;
        for (int64_t r = r0; r < r1; r++, x += c, dy += c) {
          v128_t g = wasm_v128_load(dy);
          a0 = wasm_f32x4_add(a0, g);
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_v128_load(x), k)));
        }
      } else {
        for (int64_t r = r0; r < r1; r++, x += c) {
          v128_t d = wasm_f32x4_sub(wasm_v128_load(x), k);
          a0 = wasm_f32x4_add(a0, d);
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(d, d));
        }
      }
      s0[ch] += wasm_f32x4_extract_lane(a0, 0), s0[ch + 1] += wasm_f32x4_extract_lane(a0, 1);
      s0[ch + 2] += wasm_f32x4_extract_lane(a0, 2), s0[ch + 3] += wasm_f32x4_extract_lane(a0, 3);
      s1[ch] += wasm_f32x4_extract_lane(a1, 0), s1[ch + 1] += wasm_f32x4_extract_lane(a1, 1);
      s1[ch + 2] += wasm_f32x4_extract_lane(a1, 2), s1[ch + 3] += wasm_f32x4_extract_lane(a1, 3);
    }
    for (; ch < c; ch++) {
      float k = j->shift[ch], a0 = 0, a1 = 0;
      for (int64_t r = r0; r < r1; r++) {
        float d = j->x[r * c + ch] - k;
        if (j->dy) {
          float g = j->dy[r * c + ch];
          a0 += g, a1 += g * d;
        } else {
          a0 += d, a1 += d * d;
        }
      }
      s0[ch] += a0, s1[ch] += a1;
    }
  }
}

/* Column sums on all threads, totalled into partial[0] (s0) and partial[0] + c (s1). */
static void sums(pool_t *pool, sums_job *j) {
  int threads = nc_threads_for(pool, j->rows * j->c, 1 << 15);
  nc_parallel(pool, column_sums, j, threads);
  const int c = j->c;
  for (int t = 1; t < threads; t++)
    for (int ch = 0; ch < 2 * c; ch++) j->partial[ch] += j->partial[(int64_t)t * 2 * c + ch];
}

typedef struct {
  const float *x, *dy, *k1, *k2, *k3;
  float *out;
  int64_t rows;
  int c;
} affine_job;

/* out = k1·dy + k2·x + k3 per channel (dy null: out = k2·x + k3). */
static void affine(const void *p, int tid, int n) {
  const affine_job *j = p;
  int64_t begin, end;
  nc_split(j->rows, tid, n, &begin, &end);
  const int c = j->c;
  for (int64_t r = begin; r < end; r++) {
    const float *x = j->x + r * c, *dy = j->dy ? j->dy + r * c : 0;
    float *out = j->out + r * c;
    int ch = 0;
    if (dy) {
      for (; ch + 4 <= c; ch += 4) {
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(j->k1 + ch), wasm_v128_load(dy + ch)),
                                  wasm_f32x4_mul(wasm_v128_load(j->k2 + ch), wasm_v128_load(x + ch)));
        wasm_v128_store(out + ch, wasm_f32x4_add(v, wasm_v128_load(j->k3 + ch)));
      }
      for (; ch < c; ch++) out[ch] = j->k1[ch] * dy[ch] + j->k2[ch] * x[ch] + j->k3[ch];
    } else {
      for (; ch + 4 <= c; ch += 4)
        wasm_v128_store(out + ch, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(j->k2 + ch), wasm_v128_load(x + ch)), wasm_v128_load(j->k3 + ch)));
      for (; ch < c; ch++) out[ch] = j->k2[ch] * x[ch] + j->k3[ch];
    }
  }
}

static void run_affine(pool_t *pool, affine_job *j) { nc_parallel(pool, affine, j, nc_threads_for(pool, j->rows * j->c, 1 << 15)); }

/*
 * y = γ·(x − mean)/√(var + ε) + β with this batch's statistics; stats ← [mean, 1/√(var+ε), var]
 * (3×c, the biased variance, as tfjs's moments). scratch: 2·threads·c doubles + 3·c floats.
 */
EXPORT(nc_batchnorm_forward)
void nc_batchnorm_forward(pool_t *pool, const float *x, float *y, const float *gamma, const float *beta, float *stats, int rows,
                          int c, float epsilon, void *scratch) {
  double *partial = scratch;
  float *a = (float *)(partial + 2 * (pool->workers + 1) * (int64_t)c), *b = a + c;
  sums_job *s = NC_JOB(pool, sums_job);
  *s = (sums_job){x, 0, x, rows, c, partial};
  sums(pool, s);
  for (int ch = 0; ch < c; ch++) {
    double m = partial[ch] / rows, var = partial[c + ch] / rows - m * m;
    if (var < 0) var = 0;
    float mean = (float)(x[ch] + m), inv = (float)(1 / __builtin_sqrt(var + epsilon));
    stats[ch] = mean, stats[c + ch] = inv, stats[2 * c + ch] = (float)var;
    a[ch] = gamma[ch] * inv;
    b[ch] = beta[ch] - mean * a[ch];
  }
  affine_job *f = NC_JOB(pool, affine_job);
  *f = (affine_job){x, 0, 0, a, b, y, rows, c};
  run_affine(pool, f);
}

/*
 * dx, dγ and dβ of the above, given stats from the forward pass:
 *   dβ = Σdy, dγ = Σdy·x̂, dx = γ·inv·(dy − dβ/N − x̂·dγ/N), x̂ = (x − mean)·inv.
 * scratch: as for the forward.
 */
EXPORT(nc_batchnorm_backward)
void nc_batchnorm_backward(pool_t *pool, const float *dy, const float *x, const float *stats, const float *gamma, float *dx,
                           float *dgamma, float *dbeta, int rows, int c, void *scratch) {
  double *partial = scratch;
  float *k1 = (float *)(partial + 2 * (pool->workers + 1) * (int64_t)c), *k2 = k1 + c, *k3 = k2 + c;
  sums_job *s = NC_JOB(pool, sums_job);
  *s = (sums_job){x, dy, stats, rows, c, partial};
  sums(pool, s);
  for (int ch = 0; ch < c; ch++) {
    double mean = stats[ch], inv = stats[c + ch], sdy = partial[ch], sdyx = partial[c + ch];
    double g = gamma[ch] * inv, n = (double)rows;
    dbeta[ch] = (float)sdy;
    dgamma[ch] = (float)(sdyx * inv);
    double q = -g * inv * inv * sdyx / n;
    k1[ch] = (float)g;
    k2[ch] = (float)q;
    k3[ch] = (float)(-g * sdy / n - q * mean);
  }
  affine_job *f = NC_JOB(pool, affine_job);
  *f = (affine_job){x, dy, k1, k2, k3, dx, rows, c};
  run_affine(pool, f);
}

/* moving ← moving·momentum + batch·(1 − momentum) for the mean and the variance, unless either is not finite. */
EXPORT(nc_batchnorm_moving)
void nc_batchnorm_moving(float *moving_mean, float *moving_variance, const float *stats, int c, float momentum) {
  for (int ch = 0; ch < c; ch++) {
    float m = moving_mean[ch] * momentum + stats[ch] * (1 - momentum);
    float v = moving_variance[ch] * momentum + stats[2 * c + ch] * (1 - momentum);
    if (nc_finite(m) && nc_finite(v)) moving_mean[ch] = m, moving_variance[ch] = v;
  }
}
