/* The contract between an object built by keel-aot and the agent that loads it.
 *
 * keel-aot renames every import to ("h", "i<N>") and every export to "e<N>" before
 * wasm2c translates the module, so the mangled C names are predictable, then writes a
 * small glue file that describes the module in one `keel_aot_entry` table. The loader
 * looks up that one symbol; it never needs to know wasm2c's naming rules.
 *
 * Values cross the boundary as uint64_t: i32 and i64 zero-extended, f32 and f64 as
 * their IEEE bits. Signatures are strings of type letters: i=i32 I=i64 f=f32 F=f64.
 *
 * Bump KEEL_AOT_ABI_VERSION on any change here: objects record it in their metadata and
 * the loader refuses another version before running any of their code.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KEEL_AOT_ABI_VERSION 1

/* A host function. Returns 0, or a trap code (wasm_rt_trap_t or KEEL_RT_TRAP_*) that
 * the runtime raises once the host frames are gone (host code never longjmps). */
typedef int32_t (*keel_aot_host_fn)(void* user, const uint64_t* args, uint64_t* results);

typedef struct keel_aot_binding {
  keel_aot_host_fn fn;
  void* user;
} keel_aot_binding;

/* What an instance's imports point at: one binding per import, in import order. */
typedef struct keel_aot_host {
  const keel_aot_binding* bindings;
  uint32_t count;
} keel_aot_host;

typedef struct {
  const char* module;
  const char* name;
  const char* params;
  const char* results;
} keel_aot_import;

typedef void (*keel_aot_trampoline)(void* instance, const uint64_t* args, uint64_t* results);

typedef struct {
  const char* name;
  const char* params;
  const char* results;
  keel_aot_trampoline call;
} keel_aot_export;

typedef struct keel_aot_module {
  uint32_t abi_version;
  uint32_t instance_size;
  void (*init_module)(void);
  void (*instantiate)(void* instance, keel_aot_host* host);
  void (*free_instance)(void* instance);
  uint32_t import_count;
  const keel_aot_import* imports;
  uint32_t export_count;
  const keel_aot_export* exports;
} keel_aot_module;

/* Provided by the agent's runtime (rt/keelrt.c): calls binding `index` of `host`
 * with the runtime's bookkeeping around it (deadline, stack headroom, trap codes). */
void keel_rt_call_host(keel_aot_host* host, uint32_t index, const uint64_t* args,
                       uint64_t* results);

#ifdef __cplusplus
}
#endif
