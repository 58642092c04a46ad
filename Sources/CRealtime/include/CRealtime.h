// Small C helpers the audio thread may call. Every function here is declared
// real-time safe for Swift's @_noLocks/@_noAllocation checker (WHITTLE_RT); the
// claim is checked again at run time by the LD_PRELOAD probe and RealtimeSanitizer.
#ifndef WHITTLE_CREALTIME_H
#define WHITTLE_CREALTIME_H
#include <stdint.h>
#include <stddef.h>

#define WHITTLE_RT __attribute__((swift_attr("@_noLocks"))) __attribute__((swift_attr("@_noAllocation")))

// ---- atomics (C11 builtins; lock-free on x86-64 and aarch64) ----
WHITTLE_RT static inline uint64_t whittle_load_acquire_u64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
WHITTLE_RT static inline void whittle_store_release_u64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
WHITTLE_RT static inline uint64_t whittle_load_relaxed_u64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
WHITTLE_RT static inline void whittle_store_relaxed_u64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
WHITTLE_RT static inline uint64_t whittle_fetch_add_u64(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
WHITTLE_RT static inline void *whittle_exchange_ptr(void **p, void *v) { return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); }
WHITTLE_RT static inline void *whittle_load_acquire_ptr(void *const *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
WHITTLE_RT static inline void whittle_store_release_ptr(void **p, void *v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// ---- math for the audio thread (libm, no allocation or locks) ----
WHITTLE_RT static inline float whittle_sqrtf(float x) { return __builtin_sqrtf(x); }
WHITTLE_RT static inline float whittle_logf(float x) { return __builtin_logf(x); }
WHITTLE_RT static inline float whittle_log1pf(float x) { return __builtin_log1pf(x); }
WHITTLE_RT static inline float whittle_expf(float x) { return __builtin_expf(x); }
WHITTLE_RT static inline float whittle_sinf(float x) { return __builtin_sinf(x); }
WHITTLE_RT static inline float whittle_tanhf(float x) { return __builtin_tanhf(x); }
WHITTLE_RT static inline float whittle_powf(float x, float y) { return __builtin_powf(x, y); }

// ---- time: CLOCK_MONOTONIC through the vDSO (no kernel entry) ----
WHITTLE_RT uint64_t whittle_now_ns(void);

// ---- denormals: flush-to-zero / denormals-are-zero for the calling thread ----
/// Sets FTZ/DAZ and returns the previous control word, to restore with whittle_restore_fp.
WHITTLE_RT uint64_t whittle_enable_ftz(void);
WHITTLE_RT void whittle_restore_fp(uint64_t previous);

// ---- probe hooks ----
// Resolved once, off the audio thread, with dlsym: an LD_PRELOAD probe (whittle_probe_enter/exit)
// and RealtimeSanitizer (__rtsan_realtime_enter/exit) are found when present.
void whittle_rt_hooks_resolve(void);
/// Marks the start and end of real-time work on this thread (a plain function-pointer call).
WHITTLE_RT void whittle_rt_enter(void);
WHITTLE_RT void whittle_rt_exit(void);

// ---- test canary ----
// Deliberately allocates while claiming not to: the static checker trusts this declaration,
// so only the run-time probes can catch it. Used by the `canary` test processor alone.
WHITTLE_RT void whittle_test_planted_allocation(void);

#endif
