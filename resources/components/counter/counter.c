/*
 * counter: a Keel handler with state. GET /counter/<key> increments <key>'s count and
 * answers {"key": ..., "count": n}; DELETE /counter/<key> forgets it. The count lives in
 * keel:platform/kv, so it survives restarts of the instance and of the agent; linear
 * memory does not (the runtime may replace an instance at any time).
 */
#include "keel_guest.h"

#include <stdint.h>
#include <stdio.h>

enum { MAX_KEY = 64 };

/* Keys are restricted so they need no JSON escaping and stay readable in kv. */
static int valid_key(keel_str key)
{
    if (key.len == 0 || key.len > MAX_KEY)
        return 0;
    for (uint32_t i = 0; i < key.len; ++i) {
        const char c = key.data[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static void error(keel_response *resp, uint32_t status, const char *message)
{
    keel_response_status(resp, status);
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_printf(resp, "{\"error\":\"%s\"}\n", message);
}

/* The stored count, or 0 when absent or unreadable (a corrupt value restarts at 0). */
static uint64_t load(const char *kv_key, int32_t kv_key_len)
{
    char value[24];
    const int32_t n = keel_kv_get(kv_key, kv_key_len, value, (int32_t)sizeof value - 1);
    if (n < 0)
        return 0;
    /* Up to 19 digits always fits a uint64_t. */
    if (n == 0 || n > 19) {
        keel_log_str(KEEL_LOG_WARN, "counter: unreadable stored count, starting over");
        return 0;
    }
    uint64_t count = 0;
    for (int32_t i = 0; i < n; ++i) {
        if (value[i] < '0' || value[i] > '9') {
            keel_log_str(KEEL_LOG_WARN, "counter: unreadable stored count, starting over");
            return 0;
        }
        count = count * 10 + (uint64_t)(value[i] - '0');
    }
    return count;
}

void keel_on_request(const keel_request *req, keel_response *resp)
{
    /* path is "/<key>" below the component's mount. */
    keel_str key = req->path;
    if (key.len && key.data[0] == '/') {
        ++key.data;
        --key.len;
    }
    if (!valid_key(key)) {
        error(resp, 400, "use /counter/<key>, key = 1-64 of [A-Za-z0-9._-]");
        return;
    }

    char kv_key[8 + MAX_KEY];
    const int kv_key_len = snprintf(kv_key, sizeof kv_key, "count/%.*s", (int)key.len, key.data);

    if (keel_str_eq(req->method, "DELETE")) {
        const int32_t deleted = keel_kv_delete(kv_key, kv_key_len);
        keel_response_header(resp, "Content-Type", "application/json");
        keel_response_printf(resp, "{\"key\":\"%.*s\",\"deleted\":%s}\n", (int)key.len,
                             key.data, deleted == 1 ? "true" : "false");
        return;
    }
    if (!keel_str_eq(req->method, "GET") && !keel_str_eq(req->method, "POST")) {
        keel_response_header(resp, "Allow", "GET, POST, DELETE");
        error(resp, 405, "method not allowed");
        return;
    }

    const uint64_t count = load(kv_key, kv_key_len) + 1;
    char value[24];
    const int value_len = snprintf(value, sizeof value, "%llu", (unsigned long long)count);
    if (keel_kv_set(kv_key, kv_key_len, value, value_len) != 0) {
        /* Refused by the host, typically over the component's kv quota. */
        error(resp, 507, "the key-value store refused the update");
        return;
    }
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_header(resp, "Cache-Control", "no-store");
    keel_response_printf(resp, "{\"key\":\"%.*s\",\"count\":%llu}\n", (int)key.len, key.data,
                         (unsigned long long)count);
}
