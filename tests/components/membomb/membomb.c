/*
 * membomb (Keel handler): grows linear memory until the runtime refuses.
 *   GET /membomb/            memory.grow by 1 MiB at a time
 *   GET /membomb/?via=malloc malloc 1 MiB blocks (and touch them) until NULL
 * Then it answers 200 with what it got: {"grown_mib": n, "memory_bytes": total}, which
 * must stay within the manifest's memory_mb. Without a limit it would reach 4 GiB, the
 * wasm32 ceiling. A runtime that traps on the refused grow instead answers 500.
 */
#include "keel_guest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { PAGES_PER_MIB = 16 }; /* 64 KiB pages */

void keel_on_request(const keel_request *req, keel_response *resp)
{
    keel_str via;
    unsigned grown = 0;
    if (keel_request_query(req, "via", &via) && keel_str_eq(via, "malloc")) {
        /* Blocks are leaked on purpose: the next request starts from full memory. */
        for (void *block; (block = malloc(1 << 20)) != NULL; ++grown)
            memset(block, 0xA5, 1 << 20);
    } else {
        for (;; ++grown) {
            const size_t old_pages = __builtin_wasm_memory_grow(0, PAGES_PER_MIB);
            if (old_pages == (size_t)-1)
                break;
            /* Touch the new last byte so a lazily committed host really backs it. */
            const uintptr_t last = (old_pages + PAGES_PER_MIB) * 65536 - 1;
            *(volatile char *)last = 1;
        }
    }
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_printf(resp, "{\"grown_mib\":%u,\"memory_bytes\":%llu}\n", grown,
                         (unsigned long long)__builtin_wasm_memory_size(0) * 65536);
}
