/*
 * keel_guest.c: the keel:edge core-module exports (see wit/README.md) over a plain C
 * callback. Decodes the host's request buffer in place, calls keel_on_request, and
 * encodes the response into one malloc'd buffer that the host frees with keel_free.
 */
#include "keel_guest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} buffer;

struct keel_response {
    uint32_t status;
    uint32_t header_count;
    buffer headers; /* already encoded: (name_len, name, value_len, value)* */
    buffer body;
    int failed;     /* an allocation failed: answer 500 instead of a truncated response */
};

/* ---- exports ------------------------------------------------------------------------ */

__attribute__((export_name("keel_alloc")))
int32_t keel_alloc(int32_t size)
{
    if (size < 0)
        return 0;
    /* malloc(0) may return NULL, which the host would read as failure. */
    return (int32_t)(uintptr_t)malloc(size ? (size_t)size : 1);
}

__attribute__((export_name("keel_free")))
void keel_free(int32_t ptr)
{
    free((void *)(uintptr_t)ptr);
}

/* ---- buffers ------------------------------------------------------------------------ */

static uint8_t *reserve(keel_response *resp, buffer *b, size_t extra)
{
    if (resp->failed)
        return NULL;
    if (extra > UINT32_MAX - b->len) {
        resp->failed = 1;
        return NULL;
    }
    if (b->len + extra > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + extra)
            cap = cap > SIZE_MAX / 2 ? b->len + extra : cap * 2;
        uint8_t *grown = realloc(b->data, cap);
        if (!grown) {
            resp->failed = 1;
            return NULL;
        }
        b->data = grown;
        b->cap = cap;
    }
    return b->data + b->len;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void append(keel_response *resp, buffer *b, const void *data, size_t len)
{
    uint8_t *p = reserve(resp, b, len);
    if (!p)
        return;
    if (len)
        memcpy(p, data, len);
    b->len += len;
}

static void append_str(keel_response *resp, buffer *b, const char *s, size_t len)
{
    uint8_t n[4];
    put_u32(n, (uint32_t)len);
    append(resp, b, n, sizeof n);
    append(resp, b, s, len);
}

/* ---- response API ------------------------------------------------------------------- */

void keel_response_status(keel_response *resp, uint32_t status)
{
    resp->status = status;
}

void keel_response_header(keel_response *resp, const char *name, const char *value)
{
    append_str(resp, &resp->headers, name, strlen(name));
    append_str(resp, &resp->headers, value, strlen(value));
    resp->header_count++;
}

void keel_response_write(keel_response *resp, const void *data, size_t len)
{
    append(resp, &resp->body, data, len);
}

void keel_response_print(keel_response *resp, const char *text)
{
    append(resp, &resp->body, text, strlen(text));
}

void keel_response_printf(keel_response *resp, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    const int n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    /* vsnprintf writes a terminating NUL, so reserve one byte more than we keep. */
    uint8_t *p = n < 0 ? NULL : reserve(resp, &resp->body, (size_t)n + 1);
    if (p) {
        vsnprintf((char *)p, (size_t)n + 1, fmt, again);
        resp->body.len += (size_t)n;
    }
    va_end(again);
}

/* ---- request helpers ---------------------------------------------------------------- */

int keel_str_eq(keel_str s, const char *lit)
{
    const size_t n = strlen(lit);
    return s.len == n && memcmp(s.data, lit, n) == 0;
}

const keel_str *keel_request_header(const keel_request *req, const char *name)
{
    const size_t n = strlen(name);
    for (uint32_t i = 0; i < req->header_count; ++i) {
        const keel_header *h = &req->headers[i];
        if (h->name.len == n && strncasecmp(h->name.data, name, n) == 0)
            return &h->value;
    }
    return NULL;
}

int keel_request_query(const keel_request *req, const char *key, keel_str *value)
{
    const size_t n = strlen(key);
    const char *p = req->query.data;
    const char *end = p + req->query.len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pair_end - p));
        const char *key_end = eq ? eq : pair_end;
        if ((size_t)(key_end - p) == n && memcmp(p, key, n) == 0) {
            value->data = eq ? eq + 1 : pair_end;
            value->len = (uint32_t)(pair_end - value->data);
            return 1;
        }
        p = pair_end + 1;
    }
    return 0;
}

/* ---- decoding ----------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    uint32_t left;
    int ok;
} reader;

static uint32_t read_u32(reader *r)
{
    if (!r->ok || r->left < 4) {
        r->ok = 0;
        return 0;
    }
    const uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16
                       | (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return v;
}

static keel_str read_str(reader *r)
{
    keel_str s = {"", 0};
    const uint32_t len = read_u32(r);
    if (!r->ok || len > r->left) {
        r->ok = 0;
        return s;
    }
    s.data = (const char *)r->p;
    s.len = len;
    r->p += len;
    r->left -= len;
    return s;
}

static int decode(const uint8_t *data, uint32_t len, keel_request *req, keel_header **headers)
{
    reader r = {data, len, 1};
    req->method = read_str(&r);
    req->path = read_str(&r);
    req->query = read_str(&r);
    const uint32_t count = read_u32(&r);
    /* Each header needs at least its two length words: bound the allocation by the input. */
    if (!r.ok || count > r.left / 8)
        return 0;
    *headers = count ? calloc(count, sizeof(keel_header)) : NULL;
    if (count && !*headers)
        return 0;
    for (uint32_t i = 0; i < count; ++i) {
        (*headers)[i].name = read_str(&r);
        (*headers)[i].value = read_str(&r);
    }
    req->headers = *headers;
    req->header_count = count;
    const keel_str body = read_str(&r);
    req->body = (const uint8_t *)body.data;
    req->body_len = body.len;
    return r.ok && r.left == 0;
}

/* ---- keel_handle -------------------------------------------------------------------- */

static int64_t finish(keel_response *resp)
{
    if (resp->failed) {
        /* Out of memory: drop what was built and say so with the smallest response. */
        free(resp->headers.data);
        free(resp->body.data);
        resp->headers = (buffer){0};
        resp->body = (buffer){0};
        resp->header_count = 0;
        resp->status = 500;
    }
    const size_t total = 12 + resp->headers.len + resp->body.len;
    uint8_t *out = total <= UINT32_MAX ? malloc(total) : NULL;
    if (out) {
        put_u32(out, resp->status);
        put_u32(out + 4, resp->header_count);
        if (resp->headers.len)
            memcpy(out + 8, resp->headers.data, resp->headers.len);
        put_u32(out + 8 + resp->headers.len, (uint32_t)resp->body.len);
        if (resp->body.len)
            memcpy(out + 12 + resp->headers.len, resp->body.data, resp->body.len);
    }
    free(resp->headers.data);
    free(resp->body.data);
    /* (0, 0) tells the host the component could not answer (it replies 502). */
    if (!out)
        return 0;
    return (int64_t)((uint64_t)(uintptr_t)out << 32 | (uint64_t)total);
}

__attribute__((export_name("keel_handle")))
int64_t keel_handle(int32_t ptr, int32_t len)
{
    keel_response resp = {.status = 200};
    keel_request req;
    keel_header *headers = NULL;
    if (decode((const uint8_t *)(uintptr_t)ptr, (uint32_t)len, &req, &headers)) {
        keel_on_request(&req, &resp);
    } else {
        resp.status = 400;
        keel_response_header(&resp, "Content-Type", "text/plain");
        keel_response_print(&resp, "malformed keel:edge request encoding\n");
    }
    free(headers);
    return finish(&resp);
}
