/*
 * keel_guest.h: the C side of the keel:edge world for Keel handler components.
 *
 * The core-module ABI is specified in wit/README.md. This header declares the host
 * imports (keel:platform/log, kv, clock, config) and a small request/response API;
 * keel_guest.c implements the exports (keel_alloc, keel_free, keel_handle) on top of it.
 * A component then defines exactly one function:
 *
 *     void keel_on_request(const keel_request *req, keel_response *resp);
 *
 * Build with: clang-14 --target=wasm32-wasi -mexec-model=reactor -O2 x.c keel_guest.c
 * (keel_add_wasm_component(... ABI keel) in CMake does this).
 *
 * An import is only part of the module when the component calls it, so a component
 * that never touches kv does not need the kv grant.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KEEL_IMPORT(module, name) \
    __attribute__((import_module(module), import_name(name)))

/* ---- host imports (raw; granted per component by its manifest) -------------------- */

enum { KEEL_LOG_DEBUG = 0, KEEL_LOG_INFO = 1, KEEL_LOG_WARN = 2, KEEL_LOG_ERROR = 3 };

KEEL_IMPORT("keel:platform/log", "log")
void keel_log(int32_t level, const char *msg, int32_t len);

/* Returns the value's length (copied into buf only when it fits in cap), -1 if absent. */
KEEL_IMPORT("keel:platform/kv", "get")
int32_t keel_kv_get(const char *key, int32_t key_len, void *buf, int32_t cap);
/* 0 stored, -1 refused (e.g. over quota). */
KEEL_IMPORT("keel:platform/kv", "set")
int32_t keel_kv_set(const char *key, int32_t key_len, const void *value, int32_t value_len);
/* 1 deleted, 0 absent. */
KEEL_IMPORT("keel:platform/kv", "delete")
int32_t keel_kv_delete(const char *key, int32_t key_len);

KEEL_IMPORT("keel:platform/clock", "now_ms")
int64_t keel_clock_now_ms(void);
KEEL_IMPORT("keel:platform/clock", "monotonic_ns")
int64_t keel_clock_monotonic_ns(void);

/* Same contract as keel_kv_get; values come from the manifest's config map. */
KEEL_IMPORT("keel:platform/config", "get")
int32_t keel_config_get(const char *key, int32_t key_len, void *buf, int32_t cap);

/* ---- request ------------------------------------------------------------------------ */

/* A byte string inside the request buffer: not NUL-terminated. */
typedef struct {
    const char *data;
    uint32_t len;
} keel_str;

typedef struct {
    keel_str name;
    keel_str value;
} keel_header;

/* Valid only during keel_on_request: it points into the host-written request buffer. */
typedef struct {
    keel_str method;
    keel_str path;  /* below the component's mount: "/" for /<component>/ */
    keel_str query; /* without the '?'; empty when there is none */
    const keel_header *headers;
    uint32_t header_count;
    const uint8_t *body;
    uint32_t body_len;
} keel_request;

/* Case-insensitive header lookup; NULL when absent. */
const keel_str *keel_request_header(const keel_request *req, const char *name);
/* Value of key in the query string (no percent-decoding); 1 if found, else 0. */
int keel_request_query(const keel_request *req, const char *key, keel_str *value);
/* 1 if s equals the NUL-terminated literal lit. */
int keel_str_eq(keel_str s, const char *lit);

/* ---- response ----------------------------------------------------------------------- */

/* Opaque response builder; the status starts at 200. Allocation failures are remembered
 * and turn the whole response into a 500 when keel_on_request returns. */
typedef struct keel_response keel_response;

void keel_response_status(keel_response *resp, uint32_t status);
void keel_response_header(keel_response *resp, const char *name, const char *value);
void keel_response_write(keel_response *resp, const void *data, size_t len);
void keel_response_print(keel_response *resp, const char *text);
void keel_response_printf(keel_response *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the one function a component defines ------------------------------------------ */

void keel_on_request(const keel_request *req, keel_response *resp);

/* Convenience: log a NUL-terminated message (needs the log grant). */
static inline void keel_log_str(int32_t level, const char *msg)
{
    keel_log(level, msg, (int32_t)__builtin_strlen(msg));
}

#ifdef __cplusplus
}
#endif
