/*
 * bigresponse (Keel handler, raw ABI): answers a 100 MiB body. It implements the three
 * exports itself (no guest library) so the response is built in place, once. The
 * manifest grants the memory to build it but keeps the default 8 MiB max_response_bytes:
 * the runtime must refuse it (502) from resp_len alone, before copying anything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BODY_BYTES (100u << 20)

__attribute__((export_name("keel_alloc"))) int32_t keel_alloc(int32_t size)
{
    return size < 0 ? 0 : (int32_t)(uintptr_t)malloc(size ? (size_t)size : 1);
}

__attribute__((export_name("keel_free"))) void keel_free(int32_t ptr)
{
    free((void *)(uintptr_t)ptr);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* wasm32 is little-endian, as the encoding is */
}

__attribute__((export_name("keel_handle"))) int64_t keel_handle(int32_t ptr, int32_t len)
{
    const uint32_t total = 12 + BODY_BYTES;
    uint8_t *out = malloc(total);
    if (!out)
        return 0;
    put_u32(out, 200);        /* status */
    put_u32(out + 4, 0);      /* header_count */
    put_u32(out + 8, BODY_BYTES);
    memset(out + 12, 'x', BODY_BYTES);
    return (int64_t)((uint64_t)(uintptr_t)out << 32 | total);
}
