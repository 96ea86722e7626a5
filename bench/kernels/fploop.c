/* fploop: dense single-precision loops over 4096-element float arrays, `iterations` times:
 * a saxpy, a cubic polynomial and a damped update, each an independent operation per
 * element, the loops native compilers auto-vectorise (four floats per SSE2 instruction).
 * Multiplies and adds are separate statements of plain C, so no compiler may fuse them
 * (clang's default -ffp-contract=on only fuses within one expression), and every tier
 * computes the same bits. The checksum is a sum over the final arrays. */
#include "kernel.h"

#define COUNT 4096

static float x[COUNT], y[COUNT], z[COUNT];

static void saxpy(float a)
{
    for (int i = 0; i < COUNT; ++i) {
        const float ax = a * x[i];
        y[i] = ax + y[i];
    }
}

static void polynomial(void)
{
    for (int i = 0; i < COUNT; ++i) {
        const float v = y[i];
        float p = 0.25f * v;
        p = p - 0.5f;
        p = p * v;
        p = p + 0.125f;
        p = p * v;
        z[i] = p;
    }
}

static void damp(void)
{
    for (int i = 0; i < COUNT; ++i) {
        const float d = 0.5f * z[i];
        const float e = 0.875f * y[i];
        y[i] = e - d;
    }
}

uint32_t run(uint32_t iterations)
{
    for (int i = 0; i < COUNT; ++i) {
        x[i] = (float)((i * 37) % 101) / 101.0f - 0.5f;
        y[i] = (float)((i * 13) % 97) / 97.0f;
        z[i] = 0.0f;
    }
    uint32_t checksum = 0;
    for (uint32_t it = 0; it < iterations; ++it) {
        saxpy(0.0625f + (float)(it & 7) * 0.03125f);
        polynomial();
        damp();
        checksum = checksum * 31u + (uint32_t)(int32_t)(y[it % COUNT] * 65536.0f);
    }
    double sum = 0.0;
    for (int i = 0; i < COUNT; ++i)
        sum += (double)y[i] + (double)z[i];
    return checksum ^ (uint32_t)(int64_t)(sum * 1024.0);
}
