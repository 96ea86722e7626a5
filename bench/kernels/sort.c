/* sort: sorts 4096 records `iterations` times with a qsort-shaped quicksort that calls a
 * comparator through a function pointer (on WebAssembly: call_indirect through the table),
 * the comparator chosen per iteration from three. The sort is in this file rather than
 * libc's qsort so every tier runs the same algorithm (glibc's qsort is a merge sort,
 * wasi-libc's a smoothsort: their comparison counts differ). The checksum folds in the
 * sorted order of every pass. */
#include "kernel.h"

#include <stddef.h>

#define COUNT 4096

struct record
{
    uint32_t key;
    int32_t score;
    uint32_t id;
};

typedef int (*compare_fn)(const void *, const void *);

static struct record records[COUNT];

static int by_key(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_score_descending(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_low_bits(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    const uint32_t p = x->key & 0xffu, q = y->key & 0xffu;
    if (p != q)
        return p < q ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static compare_fn const comparators[3] = {by_key, by_score_descending, by_low_bits};

static void swap(struct record *a, struct record *b)
{
    const struct record t = *a;
    *a = *b;
    *b = t;
}

/* Median-of-three quicksort, insertion sort below 12 elements. Not inlined, so the native
 * builds cannot specialise it for one comparator either: every comparison is an indirect
 * call on every tier. */
__attribute__((noinline)) static void sort_records(struct record *base, size_t n, compare_fn compare)
{
    while (n > 12) {
        struct record *lo = base, *mid = base + n / 2, *hi = base + n - 1;
        if (compare(mid, lo) < 0)
            swap(mid, lo);
        if (compare(hi, mid) < 0) {
            swap(hi, mid);
            if (compare(mid, lo) < 0)
                swap(mid, lo);
        }
        const struct record pivot = *mid;
        struct record *i = lo, *j = hi;
        for (;;) {
            while (compare(i, &pivot) < 0)
                ++i;
            while (compare(&pivot, j) < 0)
                --j;
            if (i >= j)
                break;
            swap(i, j);
            ++i;
            --j;
        }
        /* Recurse into the smaller side, loop on the larger: bounded stack. */
        const size_t left = (size_t)(j - base) + 1;
        if (left < n - left) {
            sort_records(base, left, compare);
            base += left;
            n -= left;
        } else {
            sort_records(base + left, n - left, compare);
            n = left;
        }
    }
    for (size_t i = 1; i < n; ++i)
        for (size_t j = i; j > 0 && compare(&base[j], &base[j - 1]) < 0; --j)
            swap(&base[j], &base[j - 1]);
}

uint32_t run(uint32_t iterations)
{
    uint32_t rng = 2463534242u;
    uint32_t checksum = 0;
    for (uint32_t it = 0; it < iterations; ++it) {
        for (uint32_t i = 0; i < COUNT; ++i) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            records[i] = (struct record){rng, (int32_t)(rng >> 7) % 1000 - 500, i};
        }
        sort_records(records, COUNT, comparators[it % 3]);
        for (uint32_t i = 0; i < COUNT; i += 64)
            checksum = checksum * 31u + records[i].id;
        checksum ^= records[COUNT - 1].key;
    }
    return checksum;
}
