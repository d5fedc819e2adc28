/*
 * The thread pool. The host starts `workers` threads (Node worker_threads or Web Workers), each an
 * instance of this module on the same shared memory, and each calls nc_worker_loop, which never
 * returns until nc_pool_stop. A job is published by bumping `generation`; the caller does share 0
 * and waits for `pending` to reach zero. Function pointers are table indices, and every instance
 * has the same table, so a pointer taken on one thread is called on another.
 *
 * The single-threaded build (no shared memory: tfjs's plain SIMD binary) runs every job inline.
 */
#include "nc.h"

#ifdef NC_THREADS

INLINE int load(int *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

/* `seen`: the generation when the host started this worker (0), so a job published while the
   worker was still starting is not missed. */
EXPORT(nc_worker_loop) void nc_worker_loop(pool_t *pool, int tid, int seen) {
  for (;;) {
    int g, spins = 0;
    while ((g = load(&pool->generation)) == seen) {
      if (++spins > pool->spin) __builtin_wasm_memory_atomic_wait32(&pool->generation, seen, -1);
    }
    seen = g;
    if (load(&pool->stop)) return;
    if (tid < pool->threads) pool->fn(pool->job, tid, pool->threads);
    if (__atomic_sub_fetch(&pool->pending, 1, __ATOMIC_SEQ_CST) == 0) __builtin_wasm_memory_atomic_notify(&pool->pending, 1);
  }
}

EXPORT(nc_pool_stop) void nc_pool_stop(pool_t *pool) {
  __atomic_store_n(&pool->stop, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&pool->generation, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&pool->generation, -1);
}

void nc_parallel(pool_t *pool, task_fn fn, const void *job, int threads) {
  if (threads > pool->max_threads) threads = pool->max_threads;
  if (threads <= 1 || pool->workers == 0) {
    pool->threads = 1;
    fn(job, 0, 1);
    return;
  }
  pool->fn = fn;
  pool->job = job;
  pool->threads = threads;
  /* Every worker wakes (those past `threads` just check in), so each job sees all of them done. */
  __atomic_store_n(&pool->pending, pool->workers, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&pool->generation, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&pool->generation, -1);
  fn(job, 0, threads);
  int spins = 0, left;
  while ((left = load(&pool->pending)) != 0) {
    if (++spins > pool->spin && pool->can_block) __builtin_wasm_memory_atomic_wait32(&pool->pending, left, 1000000);
  }
  /* A worker that trapped did not do its share, and will never take another: its host checked it
     in for it (so this wait ended instead of lasting forever). Later jobs run on the caller alone;
     this one's result is wrong, so trap here too and let the host say so (./runtime.ts). */
  if (load(&pool->failed)) {
    pool->workers = 0;
    __builtin_trap();
  }
}
#else
EXPORT(nc_worker_loop) void nc_worker_loop(pool_t *pool, int tid, int seen) { (void)pool, (void)tid, (void)seen; }
EXPORT(nc_pool_stop) void nc_pool_stop(pool_t *pool) { (void)pool; }
void nc_parallel(pool_t *pool, task_fn fn, const void *job, int threads) {
  (void)threads;
  pool->threads = 1;
  fn(job, 0, 1);
}
#endif

int nc_threads_for(const pool_t *pool, int64_t work, int64_t per_thread_minimum) {
  int64_t n = work / per_thread_minimum;
  int most = pool->max_threads < 1 ? 1 : pool->max_threads > pool->workers + 1 ? pool->workers + 1 : pool->max_threads;
  return n < 1 ? 1 : n > most ? most : (int)n;
}

/* The pool's argument block, for the host to size its writes. */
EXPORT(nc_pool_size) int nc_pool_size(void) { return sizeof(pool_t); }
