/* The agent's runtime for wasm2c objects: the `wasm-rt.h` contract (wasmrt.c) plus
 * what Debian's wasm-rt-impl lacks for a multi-threaded host (keelrt.c): trap state per
 * thread, a wall-clock deadline for native code, stack exhaustion as a trap, and a
 * memory limit per instance. See docs/aot.md for the reasoning. */
#pragma once

#include "abi/keelaotabi.h"

#include <wasm-rt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Trap codes beyond wasm_rt_trap_t. */
#define KEEL_RT_TRAP_DEADLINE 100     /* the call ran past its deadline */
#define KEEL_RT_TRAP_MEMORY_LIMIT 101 /* initial memory above the instance's limit */
#define KEEL_RT_TRAP_HOST 102         /* a host function failed */
#define KEEL_RT_TRAP_EXIT 103         /* a host function ended the guest (proc_exit) */
#define KEEL_RT_TRAP_TABLE_LIMIT 104  /* a table's initial size above the instance's limit */

/* Installs the process-wide signal handlers. Idempotent and thread-safe. */
void keel_rt_init(void);

/* Runs `fn` under a trap target on this thread with a deadline (timeout_ns <= 0: none).
 * Returns 0 or the trap code. Must not be nested on one thread. */
int keel_rt_invoke(keel_aot_trampoline fn, void* instance, const uint64_t* args,
                   uint64_t* results, long long timeout_ns);

/* Instantiates under a trap target (data segments can trap) with the memory limit in
 * 64 KiB pages applied to every memory the instance allocates and the element limit to
 * every table (their maximum, so table.grow stops there too). *memory_out gets the
 * instance's first memory (or NULL). Returns 0 or the trap code. */
int keel_rt_instantiate(const keel_aot_module* module, void* instance, keel_aot_host* host,
                        uint32_t memory_limit_pages, uint32_t table_limit_elements, long long timeout_ns,
                        wasm_rt_memory_t** memory_out);

/* Human-readable text for any trap code above. */
const char* keel_rt_trap_message(int code);

#ifdef __cplusplus
}
#endif
