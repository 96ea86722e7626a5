/*
 * hash: a CPU-bound Keel handler for comparing execution tiers. Answers the SHA-256 of
 * the request body repeated n times (?n=1000; default 1), as lower-case hex:
 *   curl --data-binary @file 'http://node:8080/hash/?n=1000'
 *   == python3 -c 'import hashlib,sys; print(hashlib.sha256(open("file","rb").read()*1000).hexdigest())'
 * The kernel is sha256.c, which also builds natively.
 *
 * The same source builds the versions rollouts are tried with (resources/components/
 * CMakeLists.txt, build/components/hash-versions/), chosen by compile definitions:
 *   HASH_VERSION="2.0.0"   answers with X-Hash-Version: <version>
 *   HASH_HEALTH_PATH="/healthz"   answers 200 "ok" there (the manifest's health_path)
 *   HASH_BROKEN            answers 500 "hash 2.1.0 is broken on purpose" on every other
 *                          path (it passes its health check: only traffic gates catch it)
 *   HASH_SLOWDOWN=10       does the work that many times (same digest, that much slower)
 */
#include "keel_guest.h"
#include "sha256.h"

#include <stdint.h>

#ifndef HASH_SLOWDOWN
#define HASH_SLOWDOWN 1
#endif

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
#ifdef HASH_VERSION
    keel_response_header(resp, "X-Hash-Version", HASH_VERSION);
#endif
#ifdef HASH_HEALTH_PATH
    if (keel_str_eq(req->path, HASH_HEALTH_PATH)) {
        keel_response_header(resp, "Content-Type", "text/plain");
        keel_response_print(resp, "ok\n");
        return;
    }
#endif
#ifdef HASH_BROKEN
    keel_response_status(resp, 500);
    keel_response_header(resp, "Content-Type", "text/plain");
    keel_response_print(resp, "hash 2.1.0 is broken on purpose\n");
    return;
#endif

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
    /* sha256_repeat lives in another translation unit: the compiler cannot fold the
       repetitions of the slow version away. */
    for (int i = 0; i < HASH_SLOWDOWN; ++i)
        sha256_repeat(req->body, req->body_len, n, digest);
    sha256_hex(digest, hex);
    keel_response_header(resp, "Content-Type", "text/plain");
    keel_response_printf(resp, "%s\n", hex);
}
