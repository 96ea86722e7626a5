/*
 * echo: a Keel handler that answers with its request as JSON:
 *   {"method": ..., "path": ..., "query": ..., "headers": [[name, value], ...],
 *    "body": "..."}            when the body is UTF-8
 *    "body_base64": "..."      otherwise (JSON strings cannot carry arbitrary bytes)
 * Headers stay a list of pairs because HTTP allows repeated names.
 */
#include "keel_guest.h"

#include <stddef.h>
#include <stdint.h>

/* Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
static int is_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const uint8_t c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* A JSON string literal. Bytes >= 0x80 pass through unchanged: callers only hand in
 * text that is_utf8 accepted. */
static void write_json_string(keel_response *resp, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    keel_response_write(resp, "\"", 1);
    size_t run = 0; /* bytes copied verbatim in one write */
    for (size_t i = 0; i < len; ++i) {
        const unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char buf[6];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                buf[0] = '\\'; buf[1] = 'u'; buf[2] = '0'; buf[3] = '0';
                buf[4] = hex[c >> 4]; buf[5] = hex[c & 15];
                keel_response_write(resp, s + i - run, run);
                keel_response_write(resp, buf, 6);
                run = 0;
                continue;
            }
            ++run;
            continue;
        }
        keel_response_write(resp, s + i - run, run);
        keel_response_print(resp, esc);
        run = 0;
    }
    keel_response_write(resp, s + len - run, run);
    keel_response_write(resp, "\"", 1);
}

static void write_base64(keel_response *resp, const uint8_t *s, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    keel_response_write(resp, "\"", 1);
    for (size_t i = 0; i < len; i += 3) {
        const uint32_t b = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0)
                           | (i + 2 < len ? s[i + 2] : 0);
        const char out[4] = {alphabet[b >> 18 & 63], alphabet[b >> 12 & 63],
                             i + 1 < len ? alphabet[b >> 6 & 63] : '=',
                             i + 2 < len ? alphabet[b & 63] : '='};
        keel_response_write(resp, out, 4);
    }
    keel_response_write(resp, "\"", 1);
}

/* Method, path, query and headers are HTTP tokens or octets; keep the JSON valid even
 * if a client sent non-UTF-8 bytes by replacing the whole value. */
static void write_text(keel_response *resp, keel_str s)
{
    if (is_utf8((const uint8_t *)s.data, s.len))
        write_json_string(resp, s.data, s.len);
    else
        keel_response_print(resp, "\"\\ufffd\"");
}

void keel_on_request(const keel_request *req, keel_response *resp)
{
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_print(resp, "{\"method\":");
    write_text(resp, req->method);
    keel_response_print(resp, ",\"path\":");
    write_text(resp, req->path);
    keel_response_print(resp, ",\"query\":");
    write_text(resp, req->query);
    keel_response_print(resp, ",\"headers\":[");
    for (uint32_t i = 0; i < req->header_count; ++i) {
        keel_response_print(resp, i ? ",[" : "[");
        write_text(resp, req->headers[i].name);
        keel_response_print(resp, ",");
        write_text(resp, req->headers[i].value);
        keel_response_print(resp, "]");
    }
    keel_response_print(resp, "],");
    if (is_utf8(req->body, req->body_len)) {
        keel_response_print(resp, "\"body\":");
        write_json_string(resp, (const char *)req->body, req->body_len);
    } else {
        keel_response_print(resp, "\"body_base64\":");
        write_base64(resp, req->body, req->body_len);
    }
    keel_response_print(resp, "}\n");
}
