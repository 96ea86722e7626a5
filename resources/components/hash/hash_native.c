/*
 * hash_native: the hash component's kernel as a native program, the baseline when
 * comparing the interpreter and AOT tiers on the same work:
 *   hash_native N < body      prints the hex digest of body repeated N times and the time
 */
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    const unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
    size_t len = 0, cap = 1 << 16;
    unsigned char *body = malloc(cap);
    for (size_t got; body && (got = fread(body + len, 1, cap - len, stdin)) > 0;) {
        len += got;
        if (len == cap) {
            unsigned char *grown = realloc(body, cap *= 2);
            if (!grown)
                free(body);
            body = grown;
        }
    }
    if (!body)
        return 1;

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned char digest[32];
    sha256_repeat(body, len, n, digest);
    clock_gettime(CLOCK_MONOTONIC, &end);

    char hex[65];
    sha256_hex(digest, hex);
    printf("%s\n", hex);
    fprintf(stderr, "%.3f ms\n",
            (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6);
    free(body);
    return 0;
}
