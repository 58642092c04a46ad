#define _GNU_SOURCE
#include "CRealtime.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

uint64_t whittle_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t whittle_enable_ftz(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int old = _mm_getcsr();
    _mm_setcsr(old | 0x8040); // FTZ (bit 15) | DAZ (bit 6)
    return old;
#elif defined(__aarch64__)
    uint64_t old;
    __asm__ volatile("mrs %0, fpcr" : "=r"(old));
    __asm__ volatile("msr fpcr, %0" : : "r"(old | (1ull << 24))); // FZ
    return old;
#else
    return 0;
#endif
}

void whittle_restore_fp(uint64_t previous) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr((unsigned int)previous);
#elif defined(__aarch64__)
    __asm__ volatile("msr fpcr, %0" : : "r"(previous));
#else
    (void)previous;
#endif
}

typedef void (*hook_fn)(void);
static hook_fn probe_enter, probe_exit, rtsan_enter, rtsan_exit;

void whittle_rt_hooks_resolve(void) {
    probe_enter = (hook_fn)dlsym(RTLD_DEFAULT, "whittle_probe_enter");
    probe_exit = (hook_fn)dlsym(RTLD_DEFAULT, "whittle_probe_exit");
    rtsan_enter = (hook_fn)dlsym(RTLD_DEFAULT, "__rtsan_realtime_enter");
    rtsan_exit = (hook_fn)dlsym(RTLD_DEFAULT, "__rtsan_realtime_exit");
}

void whittle_rt_enter(void) {
    if (probe_enter) probe_enter();
    if (rtsan_enter) rtsan_enter();
}

void whittle_rt_exit(void) {
    if (rtsan_exit) rtsan_exit();
    if (probe_exit) probe_exit();
}

void whittle_test_planted_allocation(void) {
    void *volatile p = malloc(64);
    free(p);
}
