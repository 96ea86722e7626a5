/* The wasm-rt.h contract of wabt 1.0.32 (memories, tables, function types, exceptions)
 * for many threads. Trap and deadline handling is in keelrt.c. */
#define _GNU_SOURCE
#include "keelrt.h"
#include "keelrtthread.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE_SIZE 65536ull
/* 4 GiB addressable by a u32 index plus a u32 offset, so every access the generated
 * code makes without a bounds check lands inside the reservation. */
#define RESERVATION (8ull << 30)
/* wasm_rt_memory_t.size is a uint32_t: 65536 pages would wrap it to 0. */
#define MAX_PAGES 65535u
#define MAX_EXCEPTION_SIZE 65536u

/* --- function types: registered by each object's init_module, read by call_indirect */

typedef struct {
  uint32_t params;
  uint32_t results;
  wasm_rt_type_t* types;
} func_type;

static pthread_mutex_t s_types_lock = PTHREAD_MUTEX_INITIALIZER;
static func_type* s_types;
static uint32_t s_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  uint32_t n = params + results;
  wasm_rt_type_t* types = malloc((n ? n : 1) * sizeof *types);
  if (!types)
    abort();
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < n; ++i)
    types[i] = (wasm_rt_type_t)va_arg(ap, int);
  va_end(ap);

  pthread_mutex_lock(&s_types_lock);
  for (uint32_t i = 0; i < s_type_count; ++i) {
    func_type* f = &s_types[i];
    if (f->params == params && f->results == results &&
        memcmp(f->types, types, n * sizeof *types) == 0) {
      pthread_mutex_unlock(&s_types_lock);
      free(types);
      return i + 1;
    }
  }
  func_type* grown = realloc(s_types, (s_type_count + 1) * sizeof *s_types);
  if (!grown)
    abort();
  s_types = grown;
  s_types[s_type_count] = (func_type){params, results, types};
  uint32_t index = ++s_type_count;
  pthread_mutex_unlock(&s_types_lock);
  return index;
}

/* --- exceptions (the wasm exception-handling proposal): all per thread */

uint32_t wasm_rt_register_tag(uint32_t size) {
  static uint32_t s_tags;
  if (size > MAX_EXCEPTION_SIZE)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  return __atomic_fetch_add(&s_tags, 1, __ATOMIC_RELAXED);
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void* values) {
  keel_rt_thread* t = &keel_rt_self;
  if (size > MAX_EXCEPTION_SIZE)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  if (!t->exception) {
    int was = keel_rt_leave_guest();
    t->exception = malloc(MAX_EXCEPTION_SIZE);
    keel_rt_reenter_guest(was);
    if (!t->exception)
      wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  }
  t->exception_tag = tag;
  t->exception_size = size;
  if (size)
    memcpy(t->exception, values, size);
}

WASM_RT_NO_RETURN void wasm_rt_throw(void) {
  keel_rt_thread* t = &keel_rt_self;
  if (!t->unwind_target)
    wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
  longjmp(*t->unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET* wasm_rt_get_unwind_target(void) {
  return keel_rt_self.unwind_target;
}

void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET* target) {
  keel_rt_self.unwind_target = target;
}

uint32_t wasm_rt_exception_tag(void) {
  return keel_rt_self.exception_tag;
}

uint32_t wasm_rt_exception_size(void) {
  return keel_rt_self.exception_size;
}

void* wasm_rt_exception(void) {
  return keel_rt_self.exception;
}

/* --- linear memory: a reservation with guard pages; the limit comes from the loader */

void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint32_t initial_pages,
                             uint32_t max_pages) {
  keel_rt_thread* t = &keel_rt_self;
  if (max_pages > MAX_PAGES)
    max_pages = MAX_PAGES;
  if (t->instantiating && max_pages > t->limit_pages)
    max_pages = t->limit_pages;
  if (initial_pages > max_pages)
    wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_MEMORY_LIMIT);

  int was = keel_rt_leave_guest();
  uint8_t* data = mmap(NULL, RESERVATION, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (data != MAP_FAILED && initial_pages &&
      mprotect(data, initial_pages * PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) {
    munmap(data, RESERVATION);
    data = MAP_FAILED;
  }
  keel_rt_reenter_guest(was);
  if (data == MAP_FAILED)
    wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_MEMORY_LIMIT);

  memory->data = data;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = (uint32_t)(initial_pages * PAGE_SIZE);
  if (t->instantiating && t->layout) {
    keel_rt_layout* layout = (keel_rt_layout*)t->layout;
    if (layout->memory_count < KEEL_RT_MAX_PARTS)
      layout->memories[layout->memory_count] = memory;
    layout->memory_count++;
  }
}

/* Grows in place: memory->data never changes after allocation. Objects from keel-aot rely
 * on that (each function reads the base once: translate/csourcetuner.h). */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  if (delta == 0)
    return old_pages;
  if (new_pages > memory->max_pages)
    return UINT32_MAX;
  int was = keel_rt_leave_guest();
  int rc = mprotect(memory->data + old_pages * PAGE_SIZE, delta * PAGE_SIZE,
                    PROT_READ | PROT_WRITE);
  if (rc == 0) {
    memory->pages = (uint32_t)new_pages;
    memory->size = (uint32_t)(new_pages * PAGE_SIZE);
  }
  keel_rt_reenter_guest(was);
  return rc == 0 ? old_pages : UINT32_MAX;
}

int keel_rt_memory_shrink(wasm_rt_memory_t* memory, uint32_t pages) {
  if (!memory->data || pages > memory->pages)
    return -1;
  if (pages < memory->pages) {
    /* A fresh PROT_NONE mapping over the grown part drops its pages (the kernel only
     * visits the ones that were touched) and makes it fault again, in one call. */
    uint8_t* from = memory->data + (uint64_t)pages * PAGE_SIZE;
    uint64_t length = (uint64_t)(memory->pages - pages) * PAGE_SIZE;
    if (mmap(from, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
        MAP_FAILED)
      return -1;
  }
  memory->pages = pages;
  memory->size = (uint32_t)(pages * PAGE_SIZE);
  return 0;
}

int keel_rt_memory_zero(wasm_rt_memory_t* memory, uint64_t offset, uint64_t length) {
  if (!memory->data || offset + length > memory->size)
    return -1;
  /* Private anonymous memory reads as zero after MADV_DONTNEED. */
  return length ? madvise(memory->data + offset, length, MADV_DONTNEED) : 0;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) {
  /* An instantiation that trapped early leaves a zeroed memory behind. */
  if (memory->data)
    munmap(memory->data, RESERVATION);
  memory->data = NULL;
}

/* --- tables */

#define DEFINE_TABLE_OPS(type)                                                        \
  void wasm_rt_allocate_##type##_table(wasm_rt_##type##_table_t* table,               \
                                       uint32_t elements, uint32_t max_elements) {    \
    keel_rt_thread* t = &keel_rt_self;                                                \
    if (t->instantiating && elements > t->limit_table_elements)                       \
      wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_TABLE_LIMIT);                         \
    if (t->instantiating && max_elements > t->limit_table_elements)                   \
      max_elements = t->limit_table_elements;                                         \
    int was = keel_rt_leave_guest();                                                  \
    table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_##type##_t));        \
    keel_rt_reenter_guest(was);                                                       \
    if (!table->data)                                                                 \
      wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);                                          \
    table->size = elements;                                                           \
    table->max_size = max_elements;                                                   \
    if (t->instantiating && t->layout) {                                              \
      keel_rt_layout* layout = (keel_rt_layout*)t->layout;                            \
      if (layout->table_count < KEEL_RT_MAX_PARTS) {                                  \
        layout->tables[layout->table_count] = table;                                  \
        layout->table_element_sizes[layout->table_count] = sizeof(wasm_rt_##type##_t); \
      }                                                                               \
      layout->table_count++;                                                          \
    }                                                                                 \
  }                                                                                   \
  void wasm_rt_free_##type##_table(wasm_rt_##type##_table_t* table) {                 \
    free(table->data);                                                                \
    table->data = NULL;                                                               \
  }                                                                                   \
  uint32_t wasm_rt_grow_##type##_table(wasm_rt_##type##_table_t* table, uint32_t delta, \
                                       wasm_rt_##type##_t init) {                     \
    uint32_t old = table->size;                                                       \
    uint64_t grown = (uint64_t)old + delta;                                           \
    if (delta == 0)                                                                   \
      return old;                                                                     \
    if (grown > table->max_size)                                                      \
      return UINT32_MAX;                                                              \
    int was = keel_rt_leave_guest();                                                  \
    void* data = realloc(table->data, grown * sizeof(wasm_rt_##type##_t));            \
    keel_rt_reenter_guest(was);                                                       \
    if (!data)                                                                        \
      return UINT32_MAX;                                                              \
    table->data = data;                                                               \
    table->size = (uint32_t)grown;                                                    \
    for (uint32_t i = old; i < grown; ++i)                                            \
      table->data[i] = init;                                                          \
    return old;                                                                       \
  }

DEFINE_TABLE_OPS(funcref)
DEFINE_TABLE_OPS(externref)

/* Both table types are {data, max_size, size}; only the element type differs. */
typedef struct {
  void* data;
  uint32_t max_size;
  uint32_t size;
} any_table;
_Static_assert(sizeof(any_table) == sizeof(wasm_rt_funcref_table_t), "table layout");
_Static_assert(sizeof(any_table) == sizeof(wasm_rt_externref_table_t), "table layout");

int keel_rt_table_restore(void* table, uint32_t element_size, uint32_t current_size, const void* image,
                          uint32_t elements) {
  any_table* t = (any_table*)table;
  if (current_size != elements || !t->data) {
    void* data = realloc(t->data, (size_t)(elements ? elements : 1) * element_size);
    if (!data)
      return -1;
    t->data = data;
  }
  t->size = elements;
  if (elements)
    memcpy(t->data, image, (size_t)elements * element_size);
  return 0;
}

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE:
      return "no error";
    case WASM_RT_TRAP_OOB:
      return "out-of-bounds access in linear memory or a table";
    case WASM_RT_TRAP_INT_OVERFLOW:
      return "integer overflow on divide or truncation";
    case WASM_RT_TRAP_DIV_BY_ZERO:
      return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION:
      return "conversion from NaN to integer";
    case WASM_RT_TRAP_UNREACHABLE:
      return "unreachable instruction executed";
    case WASM_RT_TRAP_CALL_INDIRECT:
      return "invalid call_indirect";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
      return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION:
      return "call stack exhausted";
  }
  return "invalid trap code";
}
