/*
 * NetCanvas's own WebAssembly training kernels: shared definitions.
 *
 * The module owns no memory. It imports tfjs-backend-wasm's linear memory, so every pointer is a
 * tensor's offset in tfjs's heap and nothing is copied. For that to be safe the code must never
 * touch memory tfjs has not handed it: no static data, no globals in memory and no C stack
 * (build.ts refuses a module with a data section or any use of __stack_pointer). Arguments for
 * the threads travel in the pool's argument block, which tfjs's malloc provided.
 */
#ifndef NC_H
#define NC_H

#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) __attribute__((used))
#define INLINE static inline __attribute__((always_inline))

typedef struct pool pool_t;
/* One task: thread `tid` of `n` does its share of the job described by `args`. */
typedef void (*task_fn)(const void *args, int tid, int n);

#define POOL_ARGS 64
struct pool {
  int generation; /* bumped once per job; workers wait on it */
  int pending;    /* workers that have not finished the current job */
  int stop;
  int workers; /* threads besides the caller, started by the host */
  int can_block; /* the caller may wait with memory.atomic.wait (false on a browser's main thread) */
  int max_threads; /* the host's cap on a job's threads, the caller included (1 to workers + 1) */
  task_fn fn;
  const void *job;
  int threads; /* threads taking part in the current job, the caller included */
  int failed;  /* set by a worker's host when the worker trapped (./workers.ts): see nc_parallel */
  int spin;    /* how long an idle thread polls before it sleeps, in polls (set by the host: ../runtime.ts) */
  double result[8];
  int64_t args[POOL_ARGS]; /* the current job's arguments, written by the exported entry point */
};

/* The host writes these fields by offset (../runtime.ts, ../workers.ts). */
_Static_assert(offsetof(pool_t, pending) == 4 && offsetof(pool_t, workers) == 12 && offsetof(pool_t, can_block) == 16 &&
                   offsetof(pool_t, max_threads) == 20 && offsetof(pool_t, threads) == 32 && offsetof(pool_t, failed) == 36 &&
                   offsetof(pool_t, spin) == 40,
               "pool field offsets the host uses");

/* The current job's arguments: in the pool's block, since a job is read by other threads and
   this code has no stack memory to put it in. Jobs run one at a time. */
#define NC_JOB(pool, type) ((type *)(void *)(pool)->args)
_Static_assert(sizeof(((pool_t *)0)->args) >= 128, "argument block");

/* Runs fn on `threads` threads (the caller is thread 0) and returns when all have finished. */
void nc_parallel(pool_t *pool, task_fn fn, const void *job, int threads);

/* How many threads a job of `work` units should use: small jobs stay on the caller. */
int nc_threads_for(const pool_t *pool, int64_t work, int64_t per_thread_minimum);

/* [begin, end) of `total` items for thread tid of n, in contiguous blocks. */
INLINE void nc_split(int64_t total, int tid, int n, int64_t *begin, int64_t *end) {
  int64_t base = total / n, extra = total % n;
  *begin = tid * base + (tid < extra ? tid : extra);
  *end = *begin + base + (tid < extra ? 1 : 0);
}

INLINE int nc_finite(float x) { return (__builtin_bit_cast(uint32_t, x) & 0x7f800000u) != 0x7f800000u; }

#endif
