/*
 * sha256.h: a portable SHA-256 (FIPS 180-4), the CPU kernel of the hash component.
 * Plain C11 with no WebAssembly or Keel dependency, so the same file builds natively
 * for comparing the interpreter, the AOT tier and native code.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t bit_count;
    uint8_t block[64];
    size_t block_len;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(sha256_ctx *ctx, uint8_t digest[32]);

/* SHA-256 of data repeated n times back to back: the benchmark workload. */
void sha256_repeat(const void *data, size_t len, uint64_t n, uint8_t digest[32]);

/* Lower-case hex of a digest into out[65] (NUL-terminated). */
void sha256_hex(const uint8_t digest[32], char out[65]);
