/*
 * Optimizer updates in place, with tfjs's arithmetic in tfjs's order (each operation rounded to
 * float32 as its kernels do), so a fused step gives the same weights as tf.train's:
 *   SGD:       w ← w + (−lr)·g
 *   momentum:  a ← a·μ + g;  w ← w + a·(−lr)            (Nesterov: w ← w + (g + a·μ)·(−lr))
 *   Adam:      m ← m·β1 + g·(1−β1);  v ← v·β2 + g²·(1−β2);
 *              w ← w + (−lr)·((m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε))
 * `apply` 0 only counts the elements whose new values would not be finite, writing nothing: the
 * trainer checks every variable that way before applying any, so a step that would overflow leaves
 * all weights exactly as they were.
 */
#include "nc.h"

enum { SGD, MOMENTUM, NESTEROV, ADAM };

typedef struct {
  float *w, *s1, *s2; /* s1: momentum's a or Adam's m; s2: Adam's v */
  const float *g;
  int *counts; /* per thread: elements whose new values are not finite */
  int64_t n;
  int kind, apply;
  float lr, p1, p2, p3, p4, p5; /* momentum: μ; Adam: β1, 1−β1, β2, 1−β2, ε */
  float bc1, bc2;               /* Adam: 1 − β1ᵗ, 1 − β2ᵗ */
} update_job;

INLINE v128_t finite4(v128_t x) {
  return wasm_i32x4_ne(wasm_v128_and(x, wasm_i32x4_splat(0x7f800000)), wasm_i32x4_splat(0x7f800000));
}

/* One element; returns whether its new values are finite, and writes them if apply. */
INLINE int update1(const update_job *j, int64_t i) {
  float g = j->g[i], w = j->w[i], a = 0, b = 0;
  int ok;
  switch (j->kind) {
  case SGD:
    w = -j->lr * g + w;
    ok = nc_finite(w);
    break;
  case MOMENTUM:
  case NESTEROV:
    a = j->s1[i] * j->p1 + g;
    w = (j->kind == NESTEROV ? g + a * j->p1 : a) * -j->lr + w;
    ok = nc_finite(a) && nc_finite(w);
    break;
  default:
    a = j->s1[i] * j->p1 + g * j->p2;
    b = j->s2[i] * j->p3 + g * g * j->p4;
    w = ((a / j->bc1) / (__builtin_sqrtf(b / j->bc2) + j->p5)) * -j->lr + w;
    ok = nc_finite(a) && nc_finite(b) && nc_finite(w);
  }
  if (j->apply) {
    j->w[i] = w;
    if (j->kind != SGD) j->s1[i] = a;
    if (j->kind == ADAM) j->s2[i] = b;
  }
  return ok;
}

static void update(const void *p, int tid, int n) {
  const update_job *j = p;
  int64_t begin, end;
  nc_split(j->n, tid, n, &begin, &end);
  int64_t vbegin = (begin + 3) & ~(int64_t)3, vend = end & ~(int64_t)3;
  if (vbegin > vend) vbegin = vend = end;
  int count = 0;
  for (int64_t i = begin; i < vbegin; i++) count += !update1(j, i);
  for (int64_t i = vend; i < end; i++) count += !update1(j, i);
  v128_t bad = wasm_i32x4_splat(0);
  const v128_t lr = wasm_f32x4_splat(-j->lr), p1 = wasm_f32x4_splat(j->p1), p2 = wasm_f32x4_splat(j->p2);
  const v128_t p3 = wasm_f32x4_splat(j->p3), p4 = wasm_f32x4_splat(j->p4), p5 = wasm_f32x4_splat(j->p5);
  const v128_t bc1 = wasm_f32x4_splat(j->bc1), bc2 = wasm_f32x4_splat(j->bc2);
  for (int64_t i = vbegin; i < vend; i += 4) {
    v128_t g = wasm_v128_load(j->g + i), w = wasm_v128_load(j->w + i), a = g, b = g, ok;
    switch (j->kind) {
    case SGD:
      w = wasm_f32x4_add(wasm_f32x4_mul(lr, g), w);
      ok = finite4(w);
      break;
    case MOMENTUM:
    case NESTEROV:
      a = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(j->s1 + i), p1), g);
      w = wasm_f32x4_add(wasm_f32x4_mul(j->kind == NESTEROV ? wasm_f32x4_add(g, wasm_f32x4_mul(a, p1)) : a, lr), w);
      ok = wasm_v128_and(finite4(a), finite4(w));
      break;
    default:
      a = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(j->s1 + i), p1), wasm_f32x4_mul(g, p2));
      b = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(j->s2 + i), p3), wasm_f32x4_mul(wasm_f32x4_mul(g, g), p4));
      v128_t step = wasm_f32x4_div(wasm_f32x4_div(a, bc1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(b, bc2)), p5));
      w = wasm_f32x4_add(wasm_f32x4_mul(step, lr), w);
      ok = wasm_v128_and(wasm_v128_and(finite4(a), finite4(b)), finite4(w));
    }
    if (!j->apply) {
      bad = wasm_i32x4_add(bad, wasm_v128_andnot(wasm_i32x4_splat(1), ok));
      continue;
    }
    wasm_v128_store(j->w + i, w);
    if (j->kind != SGD) wasm_v128_store(j->s1 + i, a);
    if (j->kind == ADAM) wasm_v128_store(j->s2 + i, b);
  }
  count += wasm_i32x4_extract_lane(bad, 0) + wasm_i32x4_extract_lane(bad, 1) + wasm_i32x4_extract_lane(bad, 2) +
           wasm_i32x4_extract_lane(bad, 3);
  j->counts[tid] = count;
}

/*
 * kind: 0 SGD, 1 momentum, 2 Nesterov, 3 Adam. Returns how many elements' new values are not
 * finite (with apply 0, nothing is written).
 */
EXPORT(nc_optimizer_update)
int nc_optimizer_update(pool_t *pool, int kind, int apply, float *w, float *s1, float *s2, const float *g, int n, float lr, float p1,
                        float p2, float p3, float p4, float p5, float bc1, float bc2) {
  update_job *j = NC_JOB(pool, update_job);
  *j = (update_job){w, s1, s2, g, (int *)pool->result, n, kind, apply, lr, p1, p2, p3, p4, p5, bc1, bc2};
  int threads = nc_threads_for(pool, n, 1 << 16);
  nc_parallel(pool, update, j, threads);
  int count = 0;
  for (int t = 0; t < threads; t++) count += j->counts[t];
  return count;
}
