/*
 * profile: the demo's personal-data component (data class pii).
 *   GET /profile/<id>   {"id": 42, "name": "...", "email": "...", "city": "...",
 *                        "born": 1987, "member_since": 2019}
 *   GET /profile/healthz  "ok" (the manifest's health_path)
 * The profile is made up from the id (a fixed hash into small tables), so the same id
 * gives the same person on every node and nothing is stored anywhere.
 */
#include "keel_guest.h"

#include <stdint.h>

static const char *const kFirst[] = {"Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi",
                                     "Ines", "Jonas", "Kavya", "Lars", "Maeve", "Nikos", "Olga", "Pablo"};
static const char *const kLast[] = {"Andersen", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
                                    "Horvat", "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak",
                                    "Oliveira", "Petrov"};
static const char *const kCity[] = {"Dublin", "Lisbon", "Tallinn", "Vienna", "Ghent", "Turku", "Lyon", "Graz"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: every bit of the id moves every field. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void error(keel_response *resp, int status, const char *message)
{
    keel_response_status(resp, status);
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_printf(resp, "{\"error\":\"%s\"}\n", message);
}

/* "/<digits>" with 1 to 18 digits (below 10^18: fits in 63 bits), else -1. */
static int64_t parse_id(keel_str path)
{
    if (path.len < 2 || path.len > 19 || path.data[0] != '/')
        return -1;
    int64_t id = 0;
    for (uint32_t i = 1; i < path.len; ++i) {
        const char c = path.data[i];
        if (c < '0' || c > '9')
            return -1;
        id = id * 10 + (c - '0');
    }
    return id;
}

void keel_on_request(const keel_request *req, keel_response *resp)
{
    if (!keel_str_eq(req->method, "GET") && !keel_str_eq(req->method, "HEAD")) {
        keel_response_header(resp, "Allow", "GET, HEAD");
        error(resp, 405, "only GET reads a profile");
        return;
    }
    if (keel_str_eq(req->path, "/healthz")) {
        keel_response_header(resp, "Content-Type", "text/plain");
        keel_response_print(resp, "ok\n");
        return;
    }
    const int64_t id = parse_id(req->path);
    if (id < 0) {
        error(resp, 404, "no such profile: ask for /profile/<id> with a decimal id, e.g. /profile/42");
        return;
    }
    const uint64_t h = mix((uint64_t)id);
    const char *first = kFirst[h % COUNT(kFirst)];
    const char *last = kLast[(h >> 8) % COUNT(kLast)];
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_printf(resp,
                         "{\"id\":%lld,\"name\":\"%s %s\",\"email\":\"user%lld@example.com\",\"city\":\"%s\","
                         "\"born\":%d,\"member_since\":%d}\n",
                         (long long)id, first, last, (long long)id, kCity[(h >> 16) % COUNT(kCity)],
                         1950 + (int)((h >> 24) % 55), 2010 + (int)((h >> 32) % 15));
}
