// rtprobe: an LD_PRELOAD interposer that counts what a real-time section does.
//
// The engine (and the backends) bracket real-time work with whittle_rt_enter/exit, which call
// whittle_probe_enter/exit when this library is loaded (found with dlsym at prepare time).
// Between them, on that thread, every call to an interposed allocator, lock, blocking wait or
// system-call wrapper is counted, once the first WHITTLE_PROBE_WARMUP sections (default 750,
// one second of 64-frame blocks at 48 kHz) have passed. Swift ARC traffic (swift_retain and
// friends) is counted separately. At exit the counts go to the file named by WHITTLE_PROBE_OUT
// as "name count" lines.
//
// The probe itself is real-time clean: initial-exec thread-locals, relaxed atomic counters,
// real symbols resolved with dlsym(RTLD_NEXT) (and dlsym's own calloc served from a static
// arena while it bootstraps).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TLS __thread __attribute__((tls_model("initial-exec")))
#define EXPORT __attribute__((visibility("default")))

enum {
    C_MALLOC, C_CALLOC, C_REALLOC, C_FREE, C_POSIX_MEMALIGN, C_ALIGNED_ALLOC, C_MEMALIGN,
    C_MUTEX_LOCK, C_MUTEX_TRYLOCK, C_RWLOCK, C_COND_WAIT, C_SEM_WAIT,
    C_WRITE, C_READ, C_OPEN, C_CLOSE, C_SLEEP, C_POLL, C_SYSCALL, C_FUTEX, C_MMAP, C_MUNMAP, C_SCHED_YIELD,
    C_SWIFT_RETAIN, C_SWIFT_RELEASE,
    C_COUNT
};
static const char *const names[C_COUNT] = {
    "malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc", "memalign",
    "pthread_mutex_lock", "pthread_mutex_trylock", "pthread_rwlock", "pthread_cond_wait", "sem_wait",
    "write", "read", "open", "close", "sleep", "poll", "syscall", "futex", "mmap", "munmap", "sched_yield",
    "swift_retain", "swift_release",
};

static uint64_t counts[C_COUNT];
// Calls anywhere in the process, as a liveness check: proves each interposer is really in the
// call path (a zero above means "not called", not "not interposed").
static uint64_t totals[C_COUNT];
static uint64_t sections;          // outermost enters, all threads
static uint64_t counted_sections;  // outermost enters after the warm-up
static uint64_t warmup = 750;

static TLS int depth;
static TLS int armed;              // this thread's current section is past the warm-up
static TLS int resolving;          // inside dlsym: serve allocations from the arena

static inline void count(int which) {
    __atomic_fetch_add(&totals[which], 1, __ATOMIC_RELAXED);
    if (depth > 0 && armed) __atomic_fetch_add(&counts[which], 1, __ATOMIC_RELAXED);
}

EXPORT void whittle_probe_enter(void) {
    if (depth++ == 0) {
        uint64_t n = __atomic_fetch_add(&sections, 1, __ATOMIC_RELAXED);
        armed = n >= warmup;
        if (armed) __atomic_fetch_add(&counted_sections, 1, __ATOMIC_RELAXED);
    }
}

EXPORT void whittle_probe_exit(void) {
    if (depth > 0 && --depth == 0) armed = 0;
}

// ---- bootstrap arena for allocations made by dlsym itself ----
static char arena[16384] __attribute__((aligned(64)));
static size_t arena_used;

static void *arena_alloc(size_t n) {
    size_t start = __atomic_fetch_add(&arena_used, (n + 63) & ~(size_t)63, __ATOMIC_RELAXED);
    if (start + n > sizeof arena) return NULL;
    return arena + start;
}

static int in_arena(const void *p) { return (const char *)p >= arena && (const char *)p < arena + sizeof arena; }

static void *resolve(const char *name) {
    resolving++;
    void *p = dlsym(RTLD_NEXT, name);
    resolving--;
    if (!p) {
        static const char msg[] = "rtprobe: cannot resolve a symbol\n";
        (void)!syscall(SYS_write, 2, msg, sizeof msg - 1);
        abort();
    }
    return p;
}

// REAL(f) yields the next definition of f, resolved once (a relaxed pointer load afterwards).
#define REAL(f)                                                                          \
    ({                                                                                   \
        static __typeof__(&f) real_##f;                                                  \
        __typeof__(&f) r = __atomic_load_n(&real_##f, __ATOMIC_RELAXED);                 \
        if (!r) { r = (__typeof__(&f))resolve(#f); __atomic_store_n(&real_##f, r, __ATOMIC_RELAXED); } \
        r;                                                                               \
    })

// ---- allocators ----
EXPORT void *malloc(size_t n) {
    if (resolving) return arena_alloc(n);
    count(C_MALLOC);
    return REAL(malloc)(n);
}

EXPORT void *calloc(size_t a, size_t b) {
    if (resolving) return arena_alloc(a * b); // static storage is already zero
    count(C_CALLOC);
    return REAL(calloc)(a, b);
}

EXPORT void *realloc(void *p, size_t n) {
    if (resolving) return arena_alloc(n);
    count(C_REALLOC);
    if (in_arena(p)) {
        void *q = REAL(malloc)(n);
        if (q) memcpy(q, p, n);
        return q;
    }
    return REAL(realloc)(p, n);
}

EXPORT void free(void *p) {
    if (!p || in_arena(p)) return;
    count(C_FREE);
    REAL(free)(p);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n) {
    count(C_POSIX_MEMALIGN);
    return REAL(posix_memalign)(out, align, n);
}

EXPORT void *aligned_alloc(size_t align, size_t n) {
    count(C_ALIGNED_ALLOC);
    return REAL(aligned_alloc)(align, n);
}

EXPORT void *memalign(size_t align, size_t n) {
    count(C_MEMALIGN);
    return REAL(memalign)(align, n);
}

// ---- locks and waits ----
EXPORT int pthread_mutex_lock(pthread_mutex_t *m) { count(C_MUTEX_LOCK); return REAL(pthread_mutex_lock)(m); }
EXPORT int pthread_mutex_trylock(pthread_mutex_t *m) { count(C_MUTEX_TRYLOCK); return REAL(pthread_mutex_trylock)(m); }
EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) { count(C_RWLOCK); return REAL(pthread_rwlock_rdlock)(l); }
EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) { count(C_RWLOCK); return REAL(pthread_rwlock_wrlock)(l); }
EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { count(C_RWLOCK); return REAL(pthread_rwlock_tryrdlock)(l); }
EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { count(C_RWLOCK); return REAL(pthread_rwlock_trywrlock)(l); }
EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { count(C_COND_WAIT); return REAL(pthread_cond_wait)(c, m); }
EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t) {
    count(C_COND_WAIT);
    return REAL(pthread_cond_timedwait)(c, m, t);
}
EXPORT int sem_wait(sem_t *s) { count(C_SEM_WAIT); return REAL(sem_wait)(s); }
EXPORT int sem_timedwait(sem_t *s, const struct timespec *t) { count(C_SEM_WAIT); return REAL(sem_timedwait)(s, t); }

// ---- system-call wrappers ----
EXPORT ssize_t write(int fd, const void *b, size_t n) { count(C_WRITE); return REAL(write)(fd, b, n); }
EXPORT ssize_t read(int fd, void *b, size_t n) { count(C_READ); return REAL(read)(fd, b, n); }

EXPORT int open(const char *path, int flags, ...) {
    count(C_OPEN);
    va_list ap;
    va_start(ap, flags);
    int mode = va_arg(ap, int);
    va_end(ap);
    return REAL(open)(path, flags, mode);
}

EXPORT int openat(int dir, const char *path, int flags, ...) {
    count(C_OPEN);
    va_list ap;
    va_start(ap, flags);
    int mode = va_arg(ap, int);
    va_end(ap);
    return REAL(openat)(dir, path, flags, mode);
}

EXPORT int close(int fd) { count(C_CLOSE); return REAL(close)(fd); }
EXPORT int nanosleep(const struct timespec *a, struct timespec *b) { count(C_SLEEP); return REAL(nanosleep)(a, b); }
EXPORT int clock_nanosleep(clockid_t c, int f, const struct timespec *a, struct timespec *b) {
    count(C_SLEEP);
    return REAL(clock_nanosleep)(c, f, a, b);
}
EXPORT int usleep(useconds_t us) { count(C_SLEEP); return REAL(usleep)(us); }
EXPORT int poll(struct pollfd *f, nfds_t n, int t) { count(C_POLL); return REAL(poll)(f, n, t); }
EXPORT void *mmap(void *a, size_t n, int p, int f, int fd, off_t o) { count(C_MMAP); return REAL(mmap)(a, n, p, f, fd, o); }
EXPORT int munmap(void *a, size_t n) { count(C_MUNMAP); return REAL(munmap)(a, n); }
EXPORT int sched_yield(void) { count(C_SCHED_YIELD); return REAL(sched_yield)(); }

EXPORT long syscall(long number, ...) {
    count(number == SYS_futex ? C_FUTEX : C_SYSCALL);
    va_list ap;
    va_start(ap, number);
    long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
    long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
    va_end(ap);
    return REAL(syscall)(number, a, b, c, d, e, f);
}

// ---- Swift ARC (resolved lazily: libswiftCore is found through RTLD_NEXT) ----
typedef void *(*retain_fn)(void *);
typedef void *(*retain_n_fn)(void *, uint32_t);
typedef void (*release_fn)(void *);
typedef void (*release_n_fn)(void *, uint32_t);

static void *lazy(void **slot, const char *name) {
    void *p = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (!p) { p = resolve(name); __atomic_store_n(slot, p, __ATOMIC_RELAXED); }
    return p;
}
static void *real_swift_retain, *real_swift_release, *real_swift_retain_n, *real_swift_release_n;

EXPORT void *swift_retain(void *o) {
    count(C_SWIFT_RETAIN);
    return ((retain_fn)lazy(&real_swift_retain, "swift_retain"))(o);
}
EXPORT void swift_release(void *o) {
    count(C_SWIFT_RELEASE);
    ((release_fn)lazy(&real_swift_release, "swift_release"))(o);
}
EXPORT void *swift_retain_n(void *o, uint32_t n) {
    count(C_SWIFT_RETAIN);
    return ((retain_n_fn)lazy(&real_swift_retain_n, "swift_retain_n"))(o, n);
}
EXPORT void swift_release_n(void *o, uint32_t n) {
    count(C_SWIFT_RELEASE);
    ((release_n_fn)lazy(&real_swift_release_n, "swift_release_n"))(o, n);
}

// ---- setup and report ----
__attribute__((constructor)) static void probe_init(void) {
    const char *w = getenv("WHITTLE_PROBE_WARMUP");
    if (w) warmup = strtoull(w, NULL, 10);
}

__attribute__((destructor)) static void probe_report(void) {
    const char *path = getenv("WHITTLE_PROBE_OUT");
    FILE *f = path ? fopen(path, "w") : stderr;
    if (!f) return;
    fprintf(f, "sections %llu\n", (unsigned long long)__atomic_load_n(&sections, __ATOMIC_RELAXED));
    fprintf(f, "counted_sections %llu\n", (unsigned long long)__atomic_load_n(&counted_sections, __ATOMIC_RELAXED));
    for (int i = 0; i < C_COUNT; i++)
        fprintf(f, "%s %llu\n", names[i], (unsigned long long)__atomic_load_n(&counts[i], __ATOMIC_RELAXED));
    for (int i = 0; i < C_COUNT; i++)
        fprintf(f, "total_%s %llu\n", names[i], (unsigned long long)__atomic_load_n(&totals[i], __ATOMIC_RELAXED));
    if (f != stderr) fclose(f);
}
