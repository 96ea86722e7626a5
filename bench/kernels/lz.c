/* lz: LZ77-style compression (greedy, 4-byte hash chains of depth 1, 64 KiB window)
 * of 64 KiB of generated text, then decompression and a CRC-32 of the result, `iterations`
 * times. The input changes by one byte per iteration. The checksum folds in the compressed
 * size and the CRC, and 0 marks a round trip that did not reproduce the input. */
#include "kernel.h"

#include <stddef.h>
#include <string.h>

#define SIZE (64 * 1024)
#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_MATCH 255 + MIN_MATCH

static uint8_t input[SIZE];
static uint8_t packed[SIZE + SIZE / 64 + 16];
static uint8_t output[SIZE];
static uint32_t head[1u << HASH_BITS];
static uint32_t crc_table[256];

static void make_input(void)
{
    static const char *const words[] = {"the ", "edge ", "node ", "serves ", "a ",
                                        "component ", "request ", "with ", "low ",
                                        "latency ", "and ", "keel ", "wasm ", "fast "};
    uint32_t rng = 42u;
    size_t n = 0;
    while (n < SIZE) {
        rng = rng * 1103515245u + 12345u;
        const char *w = words[(rng >> 10) % 14];
        if ((rng >> 20) % 11 == 0) /* some noise */
            w = (rng >> 8) & 1 ? "#9$ " : "Zq ";
        while (*w && n < SIZE)
            input[n++] = (uint8_t)*w++;
    }
}

static void make_crc_table(void)
{
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Format: a control byte; high bit clear = literal run of (c + 1) bytes, high bit set =
 * match of length (next byte + MIN_MATCH) at distance (2 bytes, LE) + 1. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < (1u << HASH_BITS); ++i)
        head[i] = 0xFFFFFFFFu;
    size_t o = 0, lit_start = 0, i = 0;
    while (i + MIN_MATCH <= n) {
        const uint32_t h = hash4(in + i);
        const uint32_t cand = head[h];
        head[h] = (uint32_t)i;
        size_t len = 0;
        if (cand != 0xFFFFFFFFu && i - cand <= 65536) {
            const size_t max = n - i < MAX_MATCH ? n - i : MAX_MATCH;
            while (len < max && in[cand + len] == in[i + len])
                ++len;
        }
        if (len >= MIN_MATCH) {
            while (lit_start < i) {
                const size_t run = i - lit_start > 128 ? 128 : i - lit_start;
                out[o++] = (uint8_t)(run - 1);
                memcpy(out + o, in + lit_start, run);
                o += run;
                lit_start += run;
            }
            const size_t dist = i - cand - 1;
            out[o++] = 0x80;
            out[o++] = (uint8_t)(len - MIN_MATCH);
            out[o++] = (uint8_t)dist;
            out[o++] = (uint8_t)(dist >> 8);
            i += len;
            lit_start = i;
        } else {
            ++i;
        }
    }
    while (lit_start < n) {
        const size_t run = n - lit_start > 128 ? 128 : n - lit_start;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, in + lit_start, run);
        o += run;
        lit_start += run;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n) {
        const uint8_t c = in[i++];
        if (c & 0x80) {
            if (i + 3 > n)
                return 0;
            const size_t len = (size_t)in[i] + MIN_MATCH;
            const size_t dist = ((size_t)in[i + 1] | (size_t)in[i + 2] << 8) + 1;
            i += 3;
            if (dist > o || o + len > cap)
                return 0;
            for (size_t k = 0; k < len; ++k, ++o) /* overlapping copies are allowed */
                out[o] = out[o - dist];
        } else {
            const size_t run = (size_t)c + 1;
            if (i + run > n || o + run > cap)
                return 0;
            memcpy(out + o, in + i, run);
            i += run;
            o += run;
        }
    }
    return o;
}

uint32_t run(uint32_t iterations)
{
    make_input();
    make_crc_table();
    uint32_t checksum = 0;
    for (uint32_t it = 0; it < iterations; ++it) {
        input[(it * 7919u) % SIZE] = (uint8_t)('a' + it % 26);
        const size_t c = compress(input, SIZE, packed);
        const size_t d = decompress(packed, c, output, SIZE);
        const uint32_t crc = d == SIZE && memcmp(output, input, SIZE) == 0 ? crc32(output, d) : 0;
        checksum = checksum * 31u + (uint32_t)c + crc;
    }
    return checksum;
}
