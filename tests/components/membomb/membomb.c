/*
 * membomb (Keel handler): grows linear memory without end.
 *   GET /membomb/            memory.grow by 1 MiB at a time and use the new memory
 *                            without checking that the grow succeeded, as a runaway
 *                            program would: once the runtime refuses to grow past the
 *                            manifest's memory_mb, the write lands past the end of
 *                            memory and traps (the client gets a 5xx)
 *   GET /membomb/?via=malloc malloc 1 MiB blocks (and touch them) until NULL, then answer
 *                            200 with {"grown_mib": n, "memory_bytes": total}, which must
 *                            stay within memory_mb (a careful program at the limit)
 * Without a limit it would reach 4 GiB, the wasm32 ceiling.
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
            /* The first byte past the current end: new memory if the grow worked, out of
             * bounds if it was refused. The result of the grow is ignored on purpose. */
            const uintptr_t end = __builtin_wasm_memory_size(0) * 65536;
            (void)__builtin_wasm_memory_grow(0, PAGES_PER_MIB);
            *(volatile char *)end = 1;
        }
    }
    keel_response_header(resp, "Content-Type", "application/json");
    keel_response_printf(resp, "{\"grown_mib\":%u,\"memory_bytes\":%llu}\n", grown,
                         (unsigned long long)__builtin_wasm_memory_size(0) * 65536);
}
