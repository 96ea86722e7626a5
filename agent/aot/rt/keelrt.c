/* Traps, deadlines and signals for wasm2c code on many threads. Why it looks like this
 * is in docs/aot.md ("Runtime"); the short version:
 *  - every piece of trap state is thread-local, so two threads trapping at once unwind
 *    to their own sigsetjmp;
 *  - a deadline is a per-thread POSIX timer (SIGEV_THREAD_ID) whose signal unwinds only
 *    while the thread runs guest code; in host or runtime code it leaves a flag that is
 *    checked when control returns to the guest, so we never unwind through code that may
 *    hold a lock (malloc, stdio);
 *  - linear memory is an 8 GiB reservation, so an out-of-bounds access or a stack
 *    overflow faults; the SIGSEGV handler, on an alternate stack, turns a fault *in guest
 *    code* into a trap and leaves every other fault to crash the process as before. */
#define _GNU_SOURCE
#include "keelrt.h"
#include "keelrtthread.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__thread keel_rt_thread keel_rt_self;

enum {
  kAltStackSize = 64 * 1024,
  /* A fault this close below (or just above) the stack's low end is the guard page. */
  kGuardSpan = 1024 * 1024,
  kGuardSlop = 64 * 1024,
  /* Host functions (C++, logging, kv I/O) get at least this much stack; a guest that
   * recursed deeper than that traps instead of crashing the agent inside host code. */
  kHostHeadroom = 256 * 1024,
};

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static pthread_key_t s_thread_key;
static struct sigaction s_prev_segv;
static struct sigaction s_prev_bus;
static int s_deadline_signal;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

WASM_RT_NO_RETURN static void unwind(keel_rt_thread* t, int code) {
  t->in_guest = 0;
  siglongjmp(*t->target, code);
}

WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t code) {
  keel_rt_thread* t = &keel_rt_self;
  if (!t->target)
    abort(); /* guest code runs only inside keel_rt_invoke: a broken invariant */
  unwind(t, (int)code);
}

/* A fault that is not the guest's: behave as if we were not installed. */
static void chain(int sig, siginfo_t* si, void* uc, const struct sigaction* prev) {
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, si, uc);
  } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    prev->sa_handler(sig);
  } else {
    /* Returning re-executes the faulting instruction, which now kills with a core. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
  }
}

static void on_fault(int sig, siginfo_t* si, void* uc) {
  keel_rt_thread* t = &keel_rt_self;
  if (t->in_guest && t->target) {
    uintptr_t addr = (uintptr_t)si->si_addr;
    int exhausted = t->stack_low && addr < t->stack_low + kGuardSlop &&
                    addr + kGuardSpan >= t->stack_low;
    unwind(t, exhausted ? WASM_RT_TRAP_EXHAUSTION : WASM_RT_TRAP_OOB);
  }
  chain(sig, si, uc, sig == SIGBUS ? &s_prev_bus : &s_prev_segv);
}

static void arm_timer(keel_rt_thread* t, long long at_ns);

static void on_deadline(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  keel_rt_thread* t = &keel_rt_self;
  int saved_errno = errno;
  if (si->si_code == SI_TIMER) {
    t->armed_ns = 0;
    /* The timer stays armed between calls (keel_rt_invoke): it may fire for an earlier
     * call's deadline during a later call, or during no call at all. Only a deadline
     * that has passed counts; one still ahead gets its own expiry. */
    if (t->deadline_ns && now_ns() >= t->deadline_ns) {
      if (t->in_guest && t->target)
        unwind(t, KEEL_RT_TRAP_DEADLINE);
      t->deadline_hit = 1;
    } else if (t->deadline_ns) {
      arm_timer(t, t->deadline_ns);
    }
  }
  errno = saved_errno;
}

static void release_thread(void* p) {
  keel_rt_thread* t = (keel_rt_thread*)p;
  if (t->timer_ok)
    timer_delete(t->timer);
  if (t->alt_stack) {
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(t->alt_stack);
  }
  free(t->exception);
  memset(t, 0, sizeof *t);
}

static void install(void) {
  pthread_key_create(&s_thread_key, release_thread);
  s_deadline_signal = SIGRTMIN + 2;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sa.sa_sigaction = on_fault;
  sigaction(SIGSEGV, &sa, &s_prev_segv);
  sigaction(SIGBUS, &sa, &s_prev_bus);

  /* SA_RESTART: a deadline that fires inside a host function's system call must not
   * turn into EINTR there. */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sa.sa_sigaction = on_deadline;
  sigaction(s_deadline_signal, &sa, NULL);
}

void keel_rt_init(void) {
  pthread_once(&s_once, install);
}

void wasm_rt_init(void) {
  keel_rt_init();
}

bool wasm_rt_is_initialized(void) {
  return true; /* keel_rt_invoke initialises before running any guest code */
}

void wasm_rt_free(void) {
  /* Process-wide state lives as long as the process; nothing to release here. */
}

/* Per-thread set-up, once: alternate signal stack, stack bounds, deadline timer. */
static int prepare(keel_rt_thread* t) {
  if (t->prepared)
    return 0;
  keel_rt_init();

  stack_t old;
  if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
    t->alt_stack = malloc(kAltStackSize);
    if (!t->alt_stack)
      return -1;
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = t->alt_stack;
    ss.ss_size = kAltStackSize;
    if (sigaltstack(&ss, NULL) != 0)
      return -1;
  }

  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0)
      t->stack_low = (uintptr_t)low;
    pthread_attr_destroy(&attr);
  }

  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = s_deadline_signal;
  ev._sigev_un._tid = gettid(); /* sigev_notify_thread_id in newer glibc */
  if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) != 0)
    return -1;
  t->timer_ok = 1;
  pthread_setspecific(s_thread_key, t);
  t->prepared = 1;
  return 0;
}

/* timer_settime is async-signal-safe: the deadline handler re-arms through this too. */
static void arm_timer(keel_rt_thread* t, long long at_ns) {
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_sec = at_ns / 1000000000LL;
  its.it_value.tv_nsec = at_ns % 1000000000LL;
  t->armed_ns = at_ns;
  timer_settime(t->timer, TIMER_ABSTIME, &its, NULL);
}

long long keel_rt_deadline_after(long long timeout_ns) {
  if (timeout_ns <= 0)
    return 0;
  const long long now = now_ns();
  return timeout_ns > LLONG_MAX - now ? LLONG_MAX : now + timeout_ns;
}

int keel_rt_invoke(keel_aot_trampoline fn, void* instance, const uint64_t* args,
                   uint64_t* results, long long timeout_ns) {
  return keel_rt_invoke_until(fn, instance, args, results, keel_rt_deadline_after(timeout_ns));
}

int keel_rt_invoke_until(keel_aot_trampoline fn, void* instance, const uint64_t* args,
                         uint64_t* results, long long deadline_ns) {
  keel_rt_thread* t = &keel_rt_self;
  if (prepare(t) != 0)
    return KEEL_RT_TRAP_HOST;
  if (t->target)
    return KEEL_RT_TRAP_HOST; /* nested call from a host function: not supported */

  sigjmp_buf buf;
  t->target = &buf;
  t->deadline_hit = 0;
  t->deadline_ns = deadline_ns < 0 ? 1 : deadline_ns; /* 0: none; negative: long past */
  /* No signal mask saved or restored on the way in (each is a system call): only a trap
   * raised inside a signal handler leaves signals blocked, and that path unblocks them. */
  int code = sigsetjmp(buf, 0);
  if (code == 0) {
    /* in_guest before arming: a timer that fires at once must find a target. The timer
     * is left armed after the call, and any timer set to fire at or before this call's
     * deadline will do: when it fires early, on_deadline moves it to the deadline of the
     * call running then. So a timer is set only when none is pending or it would fire too
     * late, about once per deadline period rather than twice per call. */
    t->in_guest = 1;
    const long long armed = t->armed_ns;
    if (t->deadline_ns && (armed == 0 || armed > t->deadline_ns))
      arm_timer(t, t->deadline_ns);
    fn(instance, args, results);
    t->in_guest = 0;
  } else {
    sigset_t runtime_signals;
    sigemptyset(&runtime_signals);
    sigaddset(&runtime_signals, SIGSEGV);
    sigaddset(&runtime_signals, SIGBUS);
    sigaddset(&runtime_signals, s_deadline_signal);
    pthread_sigmask(SIG_UNBLOCK, &runtime_signals, NULL);
  }
  t->deadline_ns = 0;
  t->target = NULL;
  return code;
}

typedef struct {
  const keel_aot_module* module;
  void* instance;
  keel_aot_host* host;
} instantiate_call;

static void instantiate_trampoline(void* p, const uint64_t* args, uint64_t* results) {
  (void)args;
  (void)results;
  instantiate_call* c = (instantiate_call*)p;
  c->module->instantiate(c->instance, c->host);
}

int keel_rt_instantiate(const keel_aot_module* module, void* instance, keel_aot_host* host,
                        uint32_t memory_limit_pages, uint32_t table_limit_elements, long long timeout_ns,
                        keel_rt_layout* layout) {
  keel_rt_thread* t = &keel_rt_self;
  instantiate_call call = {module, instance, host};
  memset(layout, 0, sizeof *layout);
  t->instantiating = 1;
  t->limit_pages = memory_limit_pages;
  t->limit_table_elements = table_limit_elements;
  t->layout = layout;
  int code = keel_rt_invoke(instantiate_trampoline, &call, NULL, NULL, timeout_ns);
  t->instantiating = 0;
  t->layout = NULL;
  return code;
}

void keel_rt_call_host(keel_aot_host* host, uint32_t index, const uint64_t* args,
                       uint64_t* results) {
  keel_rt_thread* t = &keel_rt_self;
  char here;
  if ((uintptr_t)&here < t->stack_low + kHostHeadroom)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  if (index >= host->count)
    wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_HOST);
  const keel_aot_binding* b = &host->bindings[index];
  t->in_guest = 0;
  int32_t code = b->fn(b->user, args, results);
  t->in_guest = 1;
  if (code)
    wasm_rt_trap((wasm_rt_trap_t)code);
  if (t->deadline_hit)
    wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_DEADLINE);
}

int keel_rt_leave_guest(void) {
  int was = keel_rt_self.in_guest;
  keel_rt_self.in_guest = 0;
  return was;
}

void keel_rt_reenter_guest(int was_in_guest) {
  keel_rt_self.in_guest = was_in_guest;
  if (was_in_guest && keel_rt_self.deadline_hit)
    wasm_rt_trap((wasm_rt_trap_t)KEEL_RT_TRAP_DEADLINE);
}

const char* keel_rt_trap_message(int code) {
  switch (code) {
    case KEEL_RT_TRAP_DEADLINE:
      return "deadline exceeded";
    case KEEL_RT_TRAP_MEMORY_LIMIT:
      return "memory limit exceeded";
    case KEEL_RT_TRAP_HOST:
      return "host function failed";
    case KEEL_RT_TRAP_EXIT:
      return "guest exited";
    case KEEL_RT_TRAP_TABLE_LIMIT:
      return "table limit exceeded";
    default:
      return wasm_rt_strerror((wasm_rt_trap_t)code);
  }
}
