/*
 * libmalloc_count.so: counts heap allocations, for bench/run.
 *
 *   ZMQPERF_ALLOC_OUT=/tmp/counts LD_PRELOAD=.../libmalloc_count.so program ...
 *
 * Interposes malloc, calloc, realloc, free and the aligned allocators
 * (posix_memalign, aligned_alloc, memalign, valloc, pvalloc), forwards them
 * to glibc's own entry points (__libc_malloc and friends, so no dlsym and no
 * recursion), and when the process exits appends one line to the file named
 * by ZMQPERF_ALLOC_OUT:
 *
 *   allocs=<n> frees=<n> bytes=<n>
 *
 * `allocs` counts every call that obtains memory (realloc included), over
 * the whole process and all its threads: libzmq's, the Swift runtime's and
 * the program's. The harness runs each tool with N and 2N messages and
 * takes the difference divided by N, which cancels start-up and shut-down
 * and leaves the steady-state allocations per message. C and Swift are
 * measured by the same interposer in the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void __libc_free (void *);
extern void *__libc_memalign (size_t, size_t);

static unsigned long long n_allocs, n_frees, n_bytes;

static inline void counted (size_t size)
{
    __atomic_fetch_add (&n_allocs, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add (&n_bytes, size, __ATOMIC_RELAXED);
}

void *malloc (size_t size)
{
    counted (size);
    return __libc_malloc (size);
}

void *calloc (size_t count, size_t size)
{
    counted (count * size);
    return __libc_calloc (count, size);
}

void *realloc (void *pointer, size_t size)
{
    counted (size);
    return __libc_realloc (pointer, size);
}

void free (void *pointer)
{
    if (pointer)
        __atomic_fetch_add (&n_frees, 1, __ATOMIC_RELAXED);
    __libc_free (pointer);
}

void *memalign (size_t alignment, size_t size)
{
    counted (size);
    return __libc_memalign (alignment, size);
}

void *aligned_alloc (size_t alignment, size_t size)
{
    counted (size);
    return __libc_memalign (alignment, size);
}

int posix_memalign (void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof (void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    counted (size);
    void *pointer = __libc_memalign (alignment, size);
    if (!pointer && size)
        return ENOMEM;
    *out = pointer;
    return 0;
}

void *valloc (size_t size)
{
    counted (size);
    return __libc_memalign ((size_t) sysconf (_SC_PAGESIZE), size);
}

void *pvalloc (size_t size)
{
    size_t page = (size_t) sysconf (_SC_PAGESIZE);
    counted (size);
    return __libc_memalign (page, (size + page - 1) & ~(page - 1));
}

__attribute__ ((destructor)) static void report (void)
{
    const char *path = getenv ("ZMQPERF_ALLOC_OUT");
    if (!path)
        return;
    unsigned long long allocs = __atomic_load_n (&n_allocs, __ATOMIC_RELAXED);
    unsigned long long frees = __atomic_load_n (&n_frees, __ATOMIC_RELAXED);
    unsigned long long bytes = __atomic_load_n (&n_bytes, __ATOMIC_RELAXED);
    char line[160];
    int length = snprintf (line, sizeof line, "allocs=%llu frees=%llu bytes=%llu\n",
                           allocs, frees, bytes);
    int fd = open (path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        return;
    if (write (fd, line, (size_t) length) < 0) {
        /* nothing more to do at exit */
    }
    close (fd);
}
