/*
 * badresponse (Keel handler, raw ABI): returns responses that lie, chosen by the path:
 *   /bounds     resp_ptr/resp_len point past the end of linear memory
 *   /length     body_len claims more bytes than resp_len holds (also any other path)
 *   /headers    header_count claims four billion headers
 *   /trailing   a valid response followed by extra bytes inside resp_len
 *   /zero       (0, 0): the guest's "could not answer"
 * The runtime must answer 502 for each, without reading outside linear memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__attribute__((export_name("keel_alloc"))) int32_t keel_alloc(int32_t size)
{
    return size < 0 ? 0 : (int32_t)(uintptr_t)malloc(size ? (size_t)size : 1);
}

__attribute__((export_name("keel_free"))) void keel_free(int32_t ptr)
{
    free((void *)(uintptr_t)ptr);
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4); /* wasm32 is little-endian, as the encoding is */
    return v;
}

/* The request's path: the second length-prefixed string (after the method). */
static int path_is(const uint8_t *req, uint32_t len, const char *want)
{
    if (len < 8 || get_u32(req) > len - 8)
        return 0;
    const uint32_t at = 4 + get_u32(req);
    const uint32_t path_len = get_u32(req + at);
    return path_len == strlen(want) && path_len <= len - at - 4
           && memcmp(req + at + 4, want, path_len) == 0;
}

static int64_t pack(const void *ptr, uint32_t len)
{
    return (int64_t)((uint64_t)(uintptr_t)ptr << 32 | len);
}

__attribute__((export_name("keel_handle"))) int64_t keel_handle(int32_t ptr, int32_t len)
{
    const uint8_t *req = (const uint8_t *)(uintptr_t)ptr;
    if (path_is(req, (uint32_t)len, "/zero"))
        return 0;
    if (path_is(req, (uint32_t)len, "/bounds"))
        return pack((void *)(uintptr_t)(__builtin_wasm_memory_size(0) * 65536 - 8), 4096);

    static const uint32_t lengths[] = {200, 0, 1000000, 0};         /* body_len lies */
    static const uint32_t headers[] = {200, 0xFFFFFFFFu, 0, 0};     /* header_count lies */
    static const uint32_t trailing[] = {200, 0, 0, 0xDEADBEEFu};    /* 4 bytes too many */
    const uint32_t *words = path_is(req, (uint32_t)len, "/headers")    ? headers
                            : path_is(req, (uint32_t)len, "/trailing") ? trailing
                                                                       : lengths;
    uint8_t *out = malloc(16);
    if (!out)
        return 0;
    memcpy(out, words, 16);
    return pack(out, 16);
}
