/* json: parses a ~100 KiB JSON document (objects, arrays, strings with escapes, integers,
 * decimals, booleans, null) with a recursive-descent parser `iterations` times. The
 * document is generated once; every iteration changes one digit so no pass can be reused.
 * The checksum folds in every value and key the parser sees. */
#include "kernel.h"

#include <stddef.h>

#define DOC_CAP (128 * 1024)

static char doc[DOC_CAP];
static size_t doc_len;
static size_t first_digit; /* offset of a digit that changes each iteration */

/* ---- generator ---- */

static uint32_t rng = 12345u;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void put(const char *s)
{
    while (*s && doc_len < DOC_CAP - 1)
        doc[doc_len++] = *s++;
}

static void put_uint(uint32_t v)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && doc_len < DOC_CAP - 1)
        doc[doc_len++] = tmp[--n];
}

static const char *const words[] = {"edge", "node", "alpha", "keel", "wasm", "region",
                                    "site", "z\\u00e9ro", "tab\\tbed", "quote\\\"d"};

static void generate(void)
{
    doc_len = 0;
    put("{\"version\": 1, \"items\": [");
    first_digit = 0;
    for (int i = 0; doc_len < DOC_CAP - 512; ++i) {
        if (i)
            put(", ");
        put("{\"id\": ");
        if (!first_digit)
            first_digit = doc_len;
        put_uint(next() % 1000000);
        put(", \"name\": \"");
        put(words[next() % 10]);
        put("-");
        put_uint(next() % 1000);
        put("\", \"price\": ");
        put_uint(next() % 10000);
        put(".");
        put_uint(10 + next() % 90);
        put(", \"ok\": ");
        put(next() & 1 ? "true" : "false");
        put(", \"tags\": [");
        const uint32_t tags = next() % 4;
        for (uint32_t t = 0; t < tags; ++t) {
            if (t)
                put(", ");
            put("\"");
            put(words[next() % 10]);
            put("\"");
        }
        put("], \"parent\": ");
        if (next() % 3 == 0)
            put("null");
        else
            put_uint(next() % 5000);
        put(", \"pos\": {\"x\": -");
        put_uint(next() % 500);
        put(", \"y\": ");
        put_uint(next() % 500);
        put("}}");
    }
    put("]}");
    doc[doc_len] = '\0';
}

/* ---- parser ---- */

struct parser
{
    const char *p;
    const char *end;
    uint32_t sum;
    int error;
};

static void mix(struct parser *ps, uint32_t v)
{
    ps->sum = (ps->sum ^ v) * 16777619u;
}

static void ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
        ++ps->p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void string(struct parser *ps)
{
    ++ps->p; /* opening quote */
    uint32_t h = 2166136261u;
    while (ps->p < ps->end && *ps->p != '"') {
        uint32_t c = (unsigned char)*ps->p++;
        if (c == '\\') {
            if (ps->p >= ps->end) {
                ps->error = 1;
                return;
            }
            const char e = *ps->p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                c = 0;
                for (int k = 0; k < 4; ++k) {
                    const int v = ps->p < ps->end ? hexval(*ps->p++) : -1;
                    if (v < 0) {
                        ps->error = 1;
                        return;
                    }
                    c = c << 4 | (uint32_t)v;
                }
                break;
            }
            default: c = (unsigned char)e; break;
            }
        }
        h = (h ^ c) * 16777619u;
    }
    if (ps->p >= ps->end) {
        ps->error = 1;
        return;
    }
    ++ps->p;
    mix(ps, h);
}

static void number(struct parser *ps)
{
    int neg = 0;
    if (*ps->p == '-') {
        neg = 1;
        ++ps->p;
    }
    uint64_t v = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        v = v * 10 + (uint64_t)(*ps->p++ - '0');
    uint32_t frac = 0, scale = 1;
    if (ps->p < ps->end && *ps->p == '.') {
        ++ps->p;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            frac = frac * 10 + (uint32_t)(*ps->p++ - '0');
            scale *= 10;
        }
    }
    mix(ps, (uint32_t)(neg ? -(int64_t)v : (int64_t)v));
    mix(ps, frac * 131u + scale);
}

static void value(struct parser *ps, int depth);

static void literal(struct parser *ps, const char *word, uint32_t tag)
{
    for (; *word; ++word, ++ps->p)
        if (ps->p >= ps->end || *ps->p != *word) {
            ps->error = 1;
            return;
        }
    mix(ps, tag);
}

static void value(struct parser *ps, int depth)
{
    ws(ps);
    if (ps->p >= ps->end || depth > 64) {
        ps->error = 1;
        return;
    }
    switch (*ps->p) {
    case '{':
        ++ps->p;
        ws(ps);
        if (ps->p < ps->end && *ps->p == '}') {
            ++ps->p;
            return;
        }
        while (!ps->error) {
            ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') {
                ps->error = 1;
                return;
            }
            string(ps);
            ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                ps->error = 1;
                return;
            }
            ++ps->p;
            value(ps, depth + 1);
            ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ++ps->p;
                continue;
            }
            if (ps->p < ps->end && *ps->p == '}') {
                ++ps->p;
                return;
            }
            ps->error = 1;
        }
        return;
    case '[':
        ++ps->p;
        ws(ps);
        if (ps->p < ps->end && *ps->p == ']') {
            ++ps->p;
            return;
        }
        for (uint32_t n = 0; !ps->error; ++n) {
            value(ps, depth + 1);
            ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ++ps->p;
                continue;
            }
            if (ps->p < ps->end && *ps->p == ']') {
                ++ps->p;
                mix(ps, n);
                return;
            }
            ps->error = 1;
        }
        return;
    case '"': string(ps); return;
    case 't': literal(ps, "true", 1); return;
    case 'f': literal(ps, "false", 2); return;
    case 'n': literal(ps, "null", 3); return;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            number(ps);
        else
            ps->error = 1;
        return;
    }
}

uint32_t run(uint32_t iterations)
{
    rng = 12345u;
    generate();
    uint32_t checksum = (uint32_t)doc_len;
    for (uint32_t it = 0; it < iterations; ++it) {
        doc[first_digit] = (char)('1' + it % 9);
        struct parser ps = {doc, doc + doc_len, 0, 0};
        value(&ps, 0);
        checksum = checksum * 33u + (ps.error ? 0xdeadu : ps.sum);
    }
    return checksum;
}
