/* Per-thread runtime state shared by keelrt.c and wasmrt.c. Internal. */
#pragma once

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include <wasm-rt.h>

typedef struct {
  sigjmp_buf* target;                  /* where a trap goes; NULL outside keel_rt_invoke */
  volatile sig_atomic_t in_guest;      /* 1 while guest code runs (not host/runtime code) */
  volatile sig_atomic_t deadline_hit;  /* the deadline passed while not in guest code */
  long long deadline_ns;               /* CLOCK_MONOTONIC; 0: none */
  volatile long long armed_ns;         /* when the deadline timer fires; 0: not armed */
  uintptr_t stack_low;                 /* lowest usable address of this thread's stack */
  int prepared;
  int timer_ok;
  timer_t timer;
  void* alt_stack;
  /* set while instantiating: the limits to apply, and where the memories and tables
   * allocated go (keel_rt_layout, keelrt.h) */
  int instantiating;
  uint32_t limit_pages;
  uint32_t limit_table_elements;
  void* layout;
  /* wasm exception handling proposal */
  WASM_RT_UNWIND_TARGET* unwind_target;
  uint32_t exception_tag;
  uint32_t exception_size;
  uint8_t* exception;
} keel_rt_thread;

extern __thread keel_rt_thread keel_rt_self;

/* Leave guest mode around runtime code that may take locks (malloc) so the deadline
 * signal never unwinds through it; re-entering checks a deadline that passed meanwhile. */
int keel_rt_leave_guest(void);
void keel_rt_reenter_guest(int was_in_guest);
