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

/* The deadline timeout_ns from now, as keel_rt_invoke_until takes it (timeout_ns <= 0:
 * 0, none; a timeout too long for the clock saturates). */
long long keel_rt_deadline_after(long long timeout_ns);

/* The same with the deadline as an instant of CLOCK_MONOTONIC in nanoseconds (0: none; a
 * negative one has passed), which reads no clock: a deadline already past arms the timer
 * for an instant past, which the kernel fires at once, so the call traps within the
 * timer's latency (microseconds) rather than not starting. */
int keel_rt_invoke_until(keel_aot_trampoline fn, void* instance, const uint64_t* args,
                         uint64_t* results, long long deadline_ns);

/* Where an instance's memories and tables live inside its storage: recorded while it is
 * instantiated, so the loader can snapshot and later restore them (instance reuse). */
#define KEEL_RT_MAX_PARTS 8
typedef struct {
  uint32_t memory_count; /* all memories allocated; only the first KEEL_RT_MAX_PARTS kept */
  wasm_rt_memory_t* memories[KEEL_RT_MAX_PARTS];
  uint32_t table_count; /* likewise for tables (funcref and externref) */
  void* tables[KEEL_RT_MAX_PARTS]; /* a wasm_rt_funcref_table_t or wasm_rt_externref_table_t */
  uint32_t table_element_sizes[KEEL_RT_MAX_PARTS];
} keel_rt_layout;

/* Instantiates under a trap target (data segments can trap) with the memory limit in
 * 64 KiB pages applied to every memory the instance allocates and the element limit to
 * every table (their maximum, so table.grow stops there too). *layout gets the
 * instance's memories and tables. Returns 0 or the trap code. */
int keel_rt_instantiate(const keel_aot_module* module, void* instance, keel_aot_host* host,
                        uint32_t memory_limit_pages, uint32_t table_limit_elements, long long timeout_ns,
                        keel_rt_layout* layout);

/* Instance reuse (the loader's AotInstance::reset). Outside guest code only.
 * Shrinks memory back to `pages`: the pages above are decommitted and inaccessible again
 * (PROT_NONE), so a later memory.grow starts from zeroed pages and the limit applies from
 * a clean state. Returns 0, or -1 when the kernel refused (then drop the instance). */
int keel_rt_memory_shrink(wasm_rt_memory_t* memory, uint32_t pages);
/* Gives the bytes [offset, offset + length) of a memory back to the kernel: they read as
 * zero again, and cost nothing until touched. Returns 0 or -1. */
int keel_rt_memory_zero(wasm_rt_memory_t* memory, uint64_t offset, uint64_t length);
/* Sets a table (wasm_rt_*_table_t) back to `elements` elements copied from `image`;
 * `current_size` is the element count its data holds now. Returns 0 or -1 (out of memory). */
int keel_rt_table_restore(void* table, uint32_t element_size, uint32_t current_size, const void* image,
                          uint32_t elements);

/* Human-readable text for any trap code above. */
const char* keel_rt_trap_message(int code);

#ifdef __cplusplus
}
#endif
