/* matmul: C = A x B on 128 x 128 doubles, `iterations` times; each product feeds one
 * element of A back so every iteration depends on the one before. */
#include "kernel.h"

#define N 128

static double a[N][N], b[N][N], c[N][N];

static void multiply(void)
{
    for (int i = 0; i < N; ++i) {
        for (int j = 0; j < N; ++j)
            c[i][j] = 0.0;
        for (int k = 0; k < N; ++k) {
            const double aik = a[i][k];
            for (int j = 0; j < N; ++j)
                c[i][j] += aik * b[k][j];
        }
    }
}

uint32_t run(uint32_t iterations)
{
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.5;
        }
    uint32_t checksum = 0;
    for (uint32_t it = 0; it < iterations; ++it) {
        multiply();
        const double probe = c[it % N][(it * 7) % N];
        a[(it * 3) % N][it % N] = probe - (double)(int64_t)probe; /* keep values bounded */
        checksum = checksum * 31u + (uint32_t)(int64_t)(probe * 1024.0);
    }
    double sum = 0.0;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j)
            sum += c[i][j];
    return checksum ^ (uint32_t)(int64_t)(sum * 1024.0);
}
