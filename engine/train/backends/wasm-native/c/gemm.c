/*
 * Matrix products for dense layers and their gradients: C[b] = act(A[b]·B[b] + bias), A [M, K] and
 * B [K, N8] row-major (B's columns padded with zeros to N8, a multiple of 8, by the caller unless N
 * is one), C [M, N]. The register tile is direct_tile's (./direct.h) seen as a 1×1 convolution:
 * 4 rows of A × 8 columns of B. Threads split the rows of all batches in blocks of 4.
 *
 * Why ours: XNNPACK's GEMM now runs on one thread (our pool owns the cores, ./pool.c), and a dense
 * layer's three products (forward, dx, dW) were a sixth of LeNet-5's step at batch 64.
 */
#include "direct.h"

typedef struct {
  const float *a, *b, *bias;
  float *c;
  int batch, m, k, n, n8, relu, b_stride; /* b_stride: 0 when every batch shares B */
} gemm_job;

static void gemm(const void *p, int tid, int nt) {
  const gemm_job *j = p;
  const int64_t blocks_per = (j->m + 3) / 4;
  int64_t b0, b1;
  nc_split((int64_t)j->batch * blocks_per, tid, nt, &b0, &b1);
  const direct_geometry g = {1, 1, j->k, j->k, 0, 0, j->n8, j->n, j->n};
  for (int64_t blk = b0; blk < b1; blk++) {
    int64_t batch = blk / blocks_per;
    int row = (int)(blk % blocks_per) * 4;
    int rows = j->m - row < 4 ? j->m - row : 4;
    const float *a = j->a + (batch * j->m + row) * (int64_t)j->k;
    const float *b = j->b + batch * (int64_t)j->b_stride;
    float *c = j->c + (batch * j->m + row) * (int64_t)j->n;
    /* Fewer than 4 rows left: one row at a time, its tile's 4 rows all reading it (none past A's end). */
    if (rows < 4) {
      const direct_geometry one = {1, 1, j->k, 0, 0, 0, j->n8, j->n, j->n};
      for (int r = 0; r < rows; r++)
        for (int col = 0; col < j->n; col += 8)
          direct_tile(&one, a + (int64_t)r * j->k, b + col, c + (int64_t)r * j->n + col, 1, col, j->bias ? j->bias + col : 0, j->relu);
      continue;
    }
    for (int col = 0; col < j->n; col += 8) direct_tile(&g, a, b + col, c + col, 4, col, j->bias ? j->bias + col : 0, j->relu);
  }
}

/*
 * a: [batch, m, k]; b: [batch or 1, k, n8]; bias: n8 floats or 0; c: [batch, m, n]. shared_b: 1 when
 * every batch uses one B.
 */
EXPORT(nc_gemm)
void nc_gemm(pool_t *pool, const float *a, const float *b, const float *bias, float *c, int batch, int m, int k, int n, int n8, int relu,
             int shared_b) {
  gemm_job *j = NC_JOB(pool, gemm_job);
  *j = (gemm_job){a, b, bias, c, batch, m, k, n, n8, relu, shared_b ? 0 : k * n8};
  int64_t blocks = (int64_t)batch * ((m + 3) / 4);
  int threads = nc_threads_for(pool, (int64_t)batch * m * k * n8, 1 << 17);
  if (threads > blocks) threads = (int)blocks;
  nc_parallel(pool, gemm, j, threads);
}
