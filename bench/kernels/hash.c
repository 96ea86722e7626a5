/* hash: the hash component's kernel (resources/components/hash/sha256.c), SHA-256 over a
 * 4 KiB buffer repeated `iterations` times, as the component does for ?n=iterations. */
#include "kernel.h"
#include "sha256.h"

static uint8_t buffer[4096];

uint32_t run(uint32_t iterations)
{
    for (uint32_t i = 0; i < sizeof buffer; ++i)
        buffer[i] = (uint8_t)(i * 31u + 7u);
    uint8_t digest[32];
    sha256_repeat(buffer, sizeof buffer, iterations, digest);
    return (uint32_t)digest[0] | (uint32_t)digest[1] << 8 | (uint32_t)digest[2] << 16
           | (uint32_t)digest[3] << 24;
}
