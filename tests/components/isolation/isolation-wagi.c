/* isolation-wagi (WAGI): reports the state it finds when a request starts, then leaves a
 * mark in every kind of state an instance has: a mutable wasm global, initialised data,
 * zeroed data, the shadow stack pointer (a wasm global too), memory grown past the
 * initial size and the function table. A fresh instance, or one the runtime has reset,
 * reports the same first lines on every request; anything left by an earlier request
 * shows up as a different line.
 *
 * The query picks what happens after the marks (and the runtime must contain each):
 *   (none)       answer normally
 *   mode=trap    trap (unreachable) after leaving the marks
 *   mode=loop    spin past the deadline after leaving the marks
 *   mode=exit    exit(3) after leaving the marks, with nothing written yet
 *   mode=memory  grow memory one page at a time until refused; answer how far it got
 *   mode=table   grow the table one element at a time until refused; answer how far
 *   mode=oob     before anything else, read the first byte past the end of memory: must
 *                trap, also where an earlier request had grown memory
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A mutable i32 global of our own (clang has no C syntax for wasm globals). */
__asm__(".globaltype isolation_mark, i32\nisolation_mark:\n");

static int mark_get(void)
{
    int v;
    __asm__ volatile("global.get isolation_mark\n\tlocal.set %0" : "=r"(v));
    return v;
}

static void mark_set(int v)
{
    __asm__ volatile("local.get %0\n\tglobal.set isolation_mark" ::"r"(v));
}

static int table_size(void)
{
    int v;
    __asm__ volatile("table.size __indirect_function_table\n\tlocal.set %0" : "=r"(v));
    return v;
}

static int table_grow(int n)
{
    int v;
    __asm__ volatile("ref.null_func\n\tlocal.get %1\n\ttable.grow __indirect_function_table\n\tlocal.set %0"
                     : "=r"(v)
                     : "r"(n));
    return v;
}

static char data_mark[16] = "pristine";
static int bss_mark;
static volatile int spin;

static const char *query(void)
{
    const char *q = getenv("QUERY_STRING");
    return q ? q : "";
}

/* Grows by one page and answers whether every byte of it was zero, as memory.grow must
 * deliver; then fills it, so a page kept across requests would show. */
static int grow_page_zeroed(void)
{
    const unsigned long page = __builtin_wasm_memory_grow(0, 1);
    if (page == (unsigned long)-1)
        return -1;
    unsigned char *bytes = (unsigned char *)(page * 65536);
    int zero = 1;
    for (int i = 0; i < 65536; ++i)
        zero &= bytes[i] == 0;
    memset(bytes, 0xab, 65536);
    return zero;
}

int main(void)
{
    char local = 0;
    const char *q = query();
    if (strcmp(q, "mode=oob") == 0) {
        volatile unsigned char *past = (volatile unsigned char *)(__builtin_wasm_memory_size(0) * 65536);
        const unsigned value = *past; /* traps: the rest runs only when the guard is gone */
        printf("Content-Type: text/plain\n\nread past the end of memory: %u\n", value);
        return 0;
    }

    /* What this request found. */
    char found[512];
    snprintf(found, sizeof found,
             "global=%d\ndata=%s\nbss=%d\npages=%lu\ntable=%d\nstack=%lu\n",
             mark_get(), data_mark, bss_mark, (unsigned long)__builtin_wasm_memory_size(0),
             table_size(), (unsigned long)&local);

    /* The marks. */
    mark_set(mark_get() + 1);
    strcpy(data_mark, "written");
    bss_mark += 1;
    const int zeroed = grow_page_zeroed();
    void *heap = malloc(256 * 1024); /* through libc's allocator (sbrk: more memory.grow) */
    if (heap)
        memset(heap, 0xcd, 256 * 1024);
    const int grown = table_grow(3);

    if (strcmp(q, "mode=trap") == 0)
        __builtin_trap();
    if (strcmp(q, "mode=loop") == 0)
        for (;;)
            ++spin;
    if (strcmp(q, "mode=exit") == 0)
        exit(3);

    printf("Content-Type: text/plain\n\n%s", found);
    if (strcmp(q, "mode=memory") == 0) {
        unsigned long pages = __builtin_wasm_memory_size(0);
        while (__builtin_wasm_memory_grow(0, 1) != (unsigned long)-1)
            ++pages;
        printf("memory_pages=%lu\n", pages);
    } else if (strcmp(q, "mode=table") == 0) {
        int elements = table_size();
        while (table_grow(1) != -1)
            ++elements;
        printf("table_elements=%d\n", elements);
    }
    printf("grown_page_zeroed=%d\ntable_grew_from=%d\nquery=%s\n", zeroed, grown, q);
    return 0;
}
