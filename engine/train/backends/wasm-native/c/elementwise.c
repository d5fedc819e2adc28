/*
 * Reductions over the middle axis of x seen as [outer, reduce, inner] (a bias gradient: [1, N·H·W,
 * C]; a global average pool: [N, H·W, C]) without the transpose tfjs-backend-wasm makes first, the
 * broadcast that is their gradient, ReLU and its gradient in one pass each, and the same-shape Add
 * of a residual join.
 */
#include "nc.h"

typedef struct {
  const float *x;
  float *out;
  float *partial; /* [threads][outer·inner] when threads split the reduced axis */
  int64_t outer, reduce, inner;
  float scale;
} reduce_job;

/* Floats between threads' partial sums: whole cache lines apart, so two threads never write one line. */
INLINE int64_t partial_stride(int64_t size) { return (size + 15) & ~(int64_t)15; }

/*
 * out[o][i] = Σ_{r in [r0, r1)} x[o][r][i] for o in [o0, o1), 8 (then 4, then 1) columns at a time,
 * each column's sum in a register for the whole run of r: a bias gradient over few channels (inner
 * 6 or 8) is a long run of short rows, where summing through memory cost a load and a store per
 * element.
 */
static void accumulate(const reduce_job *j, float *out, int64_t o0, int64_t o1, int64_t r0, int64_t r1) {
  const int64_t inner = j->inner;
  for (int64_t o = o0; o < o1; o++) {
    const float *base = j->x + (o * j->reduce + r0) * inner;
    float *dst = out + o * inner;
    int64_t i = 0;
    for (; i + 8 <= inner; i += 8) {
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0;
      for (const float *src = base + i, *end = src + (r1 - r0) * inner; src < end; src += inner)
        s0 = wasm_f32x4_add(s0, wasm_v128_load(src)), s1 = wasm_f32x4_add(s1, wasm_v128_load(src + 4));
      wasm_v128_store(dst + i, s0), wasm_v128_store(dst + i + 4, s1);
    }
    for (; i + 4 <= inner; i += 4) {
      v128_t s0 = wasm_f32x4_splat(0);
      for (const float *src = base + i, *end = src + (r1 - r0) * inner; src < end; src += inner) s0 = wasm_f32x4_add(s0, wasm_v128_load(src));
      wasm_v128_store(dst + i, s0);
    }
    for (; i < inner; i++) {
      float s0 = 0;
      for (const float *src = base + i, *end = src + (r1 - r0) * inner; src < end; src += inner) s0 += *src;
      dst[i] = s0;
    }
  }
}

static void reduce_outer(const void *p, int tid, int n) {
  const reduce_job *j = p;
  int64_t o0, o1;
  nc_split(j->outer, tid, n, &o0, &o1);
  accumulate(j, j->out, o0, o1, 0, j->reduce);
  for (int64_t k = o0 * j->inner; k < o1 * j->inner; k++) j->out[k] *= j->scale;
}

static void reduce_middle(const void *p, int tid, int n) {
  const reduce_job *j = p;
  int64_t r0, r1;
  nc_split(j->reduce, tid, n, &r0, &r1);
  accumulate(j, j->partial + tid * partial_stride(j->outer * j->inner), 0, j->outer, r0, r1);
}

/* out[o][i] = scale·Σ_r x[o][r][i]. scratch: threads·(outer·inner rounded up to 16) floats. */
EXPORT(nc_reduce_middle)
void nc_reduce_middle(pool_t *pool, const float *x, float *out, int outer, int reduce, int inner, float scale, float *scratch) {
  reduce_job *j = NC_JOB(pool, reduce_job);
  int threads = nc_threads_for(pool, outer * reduce * inner, 1 << 15);
  *j = (reduce_job){x, out, scratch, outer, reduce, inner, scale};
  if (outer >= threads) {
    nc_parallel(pool, reduce_outer, j, threads);
    return;
  }
  nc_parallel(pool, reduce_middle, j, threads);
  const int64_t size = outer * inner;
  for (int64_t k = 0; k < size; k++) {
    float s = 0;
    for (int t = 0; t < threads; t++) s += scratch[t * partial_stride(size) + k];
    out[k] = s * scale;
  }
}

typedef struct {
  const float *a, *b;
  float *out;
  int64_t outer, reduce, inner, n;
  float scale;
} map_job;

static void broadcast(const void *p, int tid, int n) {
  const map_job *j = p;
  int64_t begin, end;
  nc_split(j->outer * j->reduce, tid, n, &begin, &end);
  const int64_t inner = j->inner;
  for (int64_t row = begin; row < end; row++) {
    const float *src = j->a + (row / j->reduce) * inner;
    float *dst = j->out + row * inner;
    int64_t i = 0;
    for (; i + 4 <= inner; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
    for (; i < inner; i++) dst[i] = src[i];
  }
}

/* out[o][r][i] = dy[o][i] (the caller scales dy first when it must). */
EXPORT(nc_broadcast_middle)
void nc_broadcast_middle(pool_t *pool, const float *dy, float *out, int outer, int reduce, int inner) {
  map_job *j = NC_JOB(pool, map_job);
  *j = (map_job){dy, 0, out, outer, reduce, inner, 0, 0};
  nc_parallel(pool, broadcast, j, nc_threads_for(pool, outer * reduce * inner, 1 << 16));
}

static void relu_grad(const void *p, int tid, int n) {
  const map_job *j = p;
  int64_t begin, end;
  nc_split(j->n / 4, tid, n, &begin, &end);
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1), nan = wasm_f32x4_splat(__builtin_nanf(""));
  for (int64_t k = begin * 4; k < end * 4; k += 4) {
    v128_t x = wasm_v128_load(j->b + k);
    /* tfjs's step(x): 1 where x > 0, NaN where x is NaN, else 0. */
    v128_t step = wasm_v128_or(wasm_v128_and(wasm_f32x4_gt(x, zero), one), wasm_v128_and(wasm_f32x4_ne(x, x), nan));
    wasm_v128_store(j->out + k, wasm_f32x4_mul(wasm_v128_load(j->a + k), step));
  }
  if (tid == n - 1)
    for (int64_t k = j->n & ~(int64_t)3; k < j->n; k++) {
      float x = j->b[k];
      j->out[k] = j->a[k] * (x > 0 ? 1.0f : x != x ? x : 0.0f);
    }
}

/* dx = dy · step(x), tfjs-core's ReLU gradient in one pass. */
EXPORT(nc_relu_grad) void nc_relu_grad(pool_t *pool, const float *dy, const float *x, float *dx, int n) {
  map_job *j = NC_JOB(pool, map_job);
  *j = (map_job){dy, x, dx, 0, 0, 0, n, 0};
  nc_parallel(pool, relu_grad, j, nc_threads_for(pool, n, 1 << 16));
}


static void add(const void *p, int tid, int n) {
  const map_job *j = p;
  int64_t begin, end;
  nc_split(j->n / 4, tid, n, &begin, &end);
  for (int64_t k = begin * 4; k < end * 4; k += 4) wasm_v128_store(j->out + k, wasm_f32x4_add(wasm_v128_load(j->a + k), wasm_v128_load(j->b + k)));
  if (tid == n - 1)
    for (int64_t k = j->n & ~(int64_t)3; k < j->n; k++) j->out[k] = j->a[k] + j->b[k];
}

/* out = a + b, same shapes (a residual block's join). */
EXPORT(nc_add) void nc_add(pool_t *pool, const float *a, const float *b, float *out, int n) {
  map_job *j = NC_JOB(pool, map_job);
  *j = (map_job){a, b, out, 0, 0, 0, n, 0};
  nc_parallel(pool, add, j, nc_threads_for(pool, n, 1 << 16));
}

static void relu(const void *p, int tid, int n) {
  const map_job *j = p;
  int64_t begin, end;
  nc_split(j->n / 4, tid, n, &begin, &end);
  const v128_t zero = wasm_f32x4_splat(0);
  for (int64_t k = begin * 4; k < end * 4; k += 4) {
    v128_t x = wasm_v128_load(j->a + k);
    /* NaN stays NaN, as tfjs's ReLU keeps it: x where x > 0 or x ≠ x, else 0. */
    v128_t keep = wasm_v128_or(wasm_f32x4_gt(x, zero), wasm_f32x4_ne(x, x));
    wasm_v128_store(j->out + k, wasm_v128_and(x, keep));
  }
  if (tid == n - 1)
    for (int64_t k = j->n & ~(int64_t)3; k < j->n; k++) {
      float x = j->a[k];
      j->out[k] = x > 0 || x != x ? x : 0.0f;
    }
}

/* out = max(x, 0), NaN kept. */
EXPORT(nc_relu) void nc_relu(pool_t *pool, const float *x, float *out, int n) {
  map_job *j = NC_JOB(pool, map_job);
  *j = (map_job){x, 0, out, 0, 0, 0, n, 0};
  nc_parallel(pool, relu, j, nc_threads_for(pool, n, 1 << 16));
}
