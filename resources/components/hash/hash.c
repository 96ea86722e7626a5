/*
 * hash: a CPU-bound Keel handler for comparing execution tiers. Answers the SHA-256 of
 * the request body repeated n times (?n=1000; default 1), as lower-case hex:
 *   curl --data-binary @file 'http://node:8080/hash/?n=1000'
 *   == python3 -c 'import hashlib,sys; print(hashlib.sha256(open("file","rb").read()*1000).hexdigest())'
 * The kernel is sha256.c, which also builds natively.
 */
#include "keel_guest.h"
#include "sha256.h"

#include <stdint.h>

/* Keeps one request within reach of a deadline rather than a 64-bit loop count. */
#define MAX_N 100000000u

/* Strict decimal in [1, MAX_N]; 0 when not. */
static uint32_t parse_n(keel_str s)
{
    if (s.len == 0 || s.len > 9)
        return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.len; ++i) {
        if (s.data[i] < '0' || s.data[i] > '9')
            return 0;
        n = n * 10 + (uint32_t)(s.data[i] - '0');
    }
    return n <= MAX_N ? n : 0;
}

void keel_on_request(const keel_request *req, keel_response *resp)
{
    uint32_t n = 1;
    keel_str param;
    if (keel_request_query(req, "n", &param)) {
        n = parse_n(param);
        if (n == 0) {
            keel_response_status(resp, 400);
            keel_response_header(resp, "Content-Type", "text/plain");
            keel_response_printf(resp, "n must be an integer in [1, %u]\n", MAX_N);
            return;
        }
    }

    uint8_t digest[32];
    char hex[65];
    sha256_repeat(req->body, req->body_len, n, digest);
    sha256_hex(digest, hex);
    keel_response_header(resp, "Content-Type", "text/plain");
    keel_response_printf(resp, "%s\n", hex);
}
