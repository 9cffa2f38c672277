/*
 * pthread.h for building libzstd's multi-threaded compressor (ZSTDMT) to WebAssembly without threads.
 *
 * The zstd CLI compresses through ZSTDMT even with one worker, and that path gives other bytes than the
 * single-threaded one, so recipes must be able to run it. Here the worker pool is libzstd's own
 * synchronous pool (pool.c compiled without ZSTD_MULTITHREAD: adding a job runs it at once, to the end),
 * so by the time ZSTDMT looks at a job it has finished, and no lock is ever contended. Mutexes are then
 * bookkeeping only. A condition wait can only be reached if ZSTDMT expects another thread to make
 * progress, which cannot happen here: it traps (a WebAssembly RuntimeError in JavaScript) instead of
 * spinning forever. Thread creation is never used and traps too.
 *
 * The types come from wasi-libc (which has no pthread.h of its own in this version) so they agree with
 * any other header that declares them.
 */
#ifndef LIBZSTD_WASM_PTHREAD_H
#define LIBZSTD_WASM_PTHREAD_H

#define __NEED_pthread_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_mutexattr_t
#define __NEED_pthread_cond_t
#define __NEED_pthread_condattr_t
#include <bits/alltypes.h>

static inline int pthread_mutex_init (pthread_mutex_t *m, const pthread_mutexattr_t *a)
{ (void)a; m->__u.__i[0] = 0; return 0; }
static inline int pthread_mutex_destroy (pthread_mutex_t *m) { (void)m; return 0; }
/* Locking a held mutex would mean a second thread, or a deadlock with ourselves: both impossible to wait out. */
static inline int pthread_mutex_lock (pthread_mutex_t *m)
{ if (m->__u.__i[0] != 0) __builtin_trap(); m->__u.__i[0] = 1; return 0; }
static inline int pthread_mutex_unlock (pthread_mutex_t *m) { m->__u.__i[0] = 0; return 0; }

static inline int pthread_cond_init (pthread_cond_t *c, const pthread_condattr_t *a) { (void)c; (void)a; return 0; }
static inline int pthread_cond_destroy (pthread_cond_t *c) { (void)c; return 0; }
static inline int pthread_cond_signal (pthread_cond_t *c) { (void)c; return 0; }
static inline int pthread_cond_broadcast (pthread_cond_t *c) { (void)c; return 0; }
/* Nothing else runs while we wait, so the awaited condition could never become true: fail, never hang. */
static inline int pthread_cond_wait (pthread_cond_t *c, pthread_mutex_t *m) { (void)c; (void)m; __builtin_trap(); }

static inline int pthread_create (pthread_t *t, const pthread_attr_t *a, void *(*f)(void *), void *arg)
{ (void)t; (void)a; (void)f; (void)arg; __builtin_trap(); }
static inline int pthread_join (pthread_t t, void **r) { (void)t; (void)r; __builtin_trap(); }

#endif
