// The build-host (Linux x86-64) runtime for modules compiled by
// `wasmc --target=host`: the environment side of toolchain/ABI.md, and a
// command loop that lets tests call exports and compare with Node.
//
// Linear memory: 8 GiB + 1 MiB of address space reserved with no access at
// the fixed address __wasm_memory_base (given to the linker with --defsym);
// only the pages the memory really has are readable and writable, so every
// out-of-bounds access is a fault that becomes a trap. No bounds checks in
// the generated code.
//
// Protocol (stdin -> stdout, one line each):
//   at start      -> "ready"  (or "init-trap <message>" if the start function trapped)
//   call x<name as hex of its UTF-8 bytes> <arg as hex of its 64 raw bits>...
//                 -> "ok <result as hex>..." | "trap <message>" | "error <message>"
//   get x<name as hex>  (an exported global) -> "ok <value as hex>" | "error <message>"
//   time x<name> <args>...  like call, timed: "ok <nanoseconds, decimal> <result as hex>..."
//
// An executable may hold several modules linked together (the spec runner
// does this for modules that import from each other): then the link table
// __wasm_modules lists them, nothing is instantiated at start ("ready" comes
// at once), and two more requests exist:
//   inst <k> [<pages>]  instantiate module k and make it current; with
//              <pages>, first check that memory has at least that many
//              pages (an imported memory's minimum)
//              -> "ok" | "trap <message>" | "unlinkable"
//   use <k>    make module k current (calls and gets go to it) -> "ok"
//
// Modules compiled with the relocatable memory model (ABI.md) each use a
// memory object {base, pages, max_pages}, named in the link table; its memory
// gets its own reservation (anywhere, 8 GiB + 1 MiB, no access) when the first
// module using it is instantiated. So one process can hold several memories.
//
// It also provides the `spectest` module that the official test suite
// imports from: no-op print functions, four globals, a funcref table, and a
// memory (1 page, at most 2) for modules that import one.
// Calls run on a worker thread with its own stack and guard page, so that
// unbounded recursion is reported as a trap ("call stack exhausted").

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

typedef void (*wrapper_fn)(uint64_t *args, uint64_t *results);
struct export_entry {
  const char *name; /* UTF-8, may contain NUL: compare name_len bytes */
  uint64_t name_len;
  wrapper_fn wrap;
  const char *params;
  const char *results;
};
struct export_table {
  uint64_t count;
  struct export_entry e[];
};
struct global_export {
  const char *name;
  uint64_t name_len;
  uint64_t *addr;
  const char *type;
};
struct global_export_table {
  uint64_t count;
  struct global_export e[];
};

extern char __wasm_memory_base[];
extern uint64_t __wasm_memory_pages;
extern uint64_t __wasm_memory_max_pages;
extern const char *__wasm_trap_names[];
extern uint64_t __wasm_trap_count;
/* A memory of the relocatable model (ABI.md). */
struct wasm_memory {
  char *base;
  uint64_t pages;
  uint64_t max_pages;
};
struct module_entry {
  void (*init)(void);
  const struct export_table *exports;
  const struct global_export_table *globals;
  struct wasm_memory *memory; /* relocatable model: the memory it uses, or NULL */
};
struct module_table {
  uint64_t count;
  struct module_entry m[];
};

/* A single-module executable defines the first three, a linked one the last. */
extern struct export_table __wasm_exports __attribute__((weak));
extern struct global_export_table __wasm_global_exports __attribute__((weak));
extern void __wasm_init(void) __attribute__((weak));
extern const struct module_table __wasm_modules __attribute__((weak));
static const struct export_table *cur_exports;
static const struct global_export_table *cur_globals;

/* The environment's memory, for modules that import theirs (spectest.memory);
 * a module that defines its memory overrides these. */
uint64_t __wasm_memory_pages __attribute__((weak)) = 1;
uint64_t __wasm_memory_max_pages __attribute__((weak)) = 2;

/* The spectest module (names as wasmc spells imports: wasm_import_<module>_<name>). */
void wasm_import_spectest_print(void) {}
void wasm_import_spectest_print_i32(int32_t x) { (void)x; }
void wasm_import_spectest_print_i64(int64_t x) { (void)x; }
void wasm_import_spectest_print_f32(float x) { (void)x; }
void wasm_import_spectest_print_f64(double x) { (void)x; }
void wasm_import_spectest_print_i32_f32(int32_t x, float y) { (void)x, (void)y; }
void wasm_import_spectest_print_f64_f64(double x, double y) { (void)x, (void)y; }
uint64_t wasm_import_spectest_global_i32 = 666;
uint64_t wasm_import_spectest_global_i64 = 666;
uint64_t wasm_import_spectest_global_f32 = 0x4426a666; /* 666.6f */
uint64_t wasm_import_spectest_global_f64 = 0x4084d4cccccccccdULL; /* 666.6 */
uint64_t wasm_import_spectest_table[2 + 20] = {10, 20}; /* size, capacity, entries */
struct wasm_memory wasm_import_spectest_memory = {NULL, 1, 2}; /* relocatable model */

#define WASM_PAGE 65536ULL
#define RESERVE ((8ULL << 30) + (1ULL << 20))
#define STACK_SIZE (8ULL << 20)
#define MAX_ARGS 64

static sigjmp_buf trap_jump;
static volatile sig_atomic_t in_wasm;
static const char *volatile trap_message;
static char *stack_low, *stack_guard_low;

/* Reservations of the relocatable model's memories, for the fault handler. */
#define MAX_MEMORIES 1024
static char *reserved[MAX_MEMORIES];
static volatile sig_atomic_t nreserved;

_Noreturn void __wasm_trap(int code) {
  trap_message = (code > 0 && (uint64_t)code < __wasm_trap_count) ? __wasm_trap_names[code] : "unknown trap";
  siglongjmp(trap_jump, 1);
}

static int32_t grow(char *base, uint64_t *pages, uint64_t max_pages, int32_t delta) {
  uint64_t old = *pages;
  uint64_t d = (uint32_t)delta;
  uint64_t max = max_pages < 65536 ? max_pages : 65536;
  if (d > max - old) return -1;
  if (d && mprotect(base + old * WASM_PAGE, d * WASM_PAGE, PROT_READ | PROT_WRITE) != 0) return -1;
  *pages = old + d;
  return (int32_t)old;
}

int32_t __wasm_memory_grow(int32_t delta) {
  return grow(__wasm_memory_base, &__wasm_memory_pages, __wasm_memory_max_pages, delta);
}

/* The relocatable model's memory.grow: the memory object in rsi. */
int32_t __wasm_memory_grow_at(int32_t delta, struct wasm_memory *m) {
  return grow(m->base, &m->pages, m->max_pages, delta);
}

/* Reserves the address space of a relocatable memory and maps its pages. */
static int reserve(struct wasm_memory *m) {
  if (nreserved == MAX_MEMORIES) return -1;
  void *p = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return -1;
  if (m->pages && mprotect(p, m->pages * WASM_PAGE, PROT_READ | PROT_WRITE) != 0) return -1;
  m->base = p;
  reserved[nreserved] = p;
  nreserved = nreserved + 1;
  return 0;
}

static void on_fault(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  char *addr = (char *)si->si_addr;
  if (in_wasm && (sig == SIGSEGV || sig == SIGBUS)) {
    int oob = addr >= __wasm_memory_base && addr < __wasm_memory_base + RESERVE;
    for (int k = 0; k < nreserved && !oob; k++) oob = addr >= reserved[k] && addr < reserved[k] + RESERVE;
    if (oob) {
      trap_message = "out of bounds memory access";
      siglongjmp(trap_jump, 1);
    }
    if (addr >= stack_guard_low && addr < stack_low + 65536) {
      trap_message = "call stack exhausted";
      siglongjmp(trap_jump, 1);
    }
  }
  char msg[128];
  int n = snprintf(msg, sizeof msg, "crash: signal %d at address %p (a bug in the generated code)\n", sig, (void *)addr);
  if (write(2, msg, (size_t)n) < 0) _exit(98);
  _exit(99);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex in place; returns the byte length or -1. */
static int unhex(char *s) {
  size_t n = strlen(s);
  if (n % 2) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    s[i] = (char)(hi * 16 + lo);
  }
  s[n / 2] = 0;
  return (int)(n / 2);
}

static const struct export_entry *find_export(const char *name, int len) {
  for (uint64_t i = 0; i < cur_exports->count; i++) {
    const struct export_entry *e = &cur_exports->e[i];
    if (e->name_len == (uint64_t)len && memcmp(e->name, name, (size_t)len) == 0) return e;
  }
  return NULL;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void run_call(char *line) {
  int timed = line[0] == 't';
  char *save = NULL;
  strtok_r(line, " \n", &save); /* "call" or "time" */
  char *name = strtok_r(NULL, " \n", &save);
  int len;
  if (!name || name[0] != 'x' || (len = unhex(++name)) < 0) {
    printf("error bad export name\n");
    return;
  }
  const struct export_entry *e = find_export(name, len);
  if (!e) {
    printf("error no such export\n");
    return;
  }
  uint64_t args[MAX_ARGS], results[MAX_ARGS];
  size_t nargs = 0, nparams = strlen(e->params);
  char *tok;
  while ((tok = strtok_r(NULL, " \n", &save)) && nargs < MAX_ARGS) args[nargs++] = strtoull(tok, NULL, 16);
  if (nargs != nparams) {
    printf("error expected %zu arguments, got %zu\n", nparams, nargs);
    return;
  }
  for (size_t i = 0; i < nparams; i++)
    if (e->params[i] == 'i' || e->params[i] == 'f') args[i] &= 0xffffffffULL;
  if (sigsetjmp(trap_jump, 1)) {
    in_wasm = 0;
    printf("trap %s\n", trap_message);
    return;
  }
  in_wasm = 1;
  uint64_t t0 = now_ns();
  e->wrap(args, results);
  uint64_t t1 = now_ns();
  in_wasm = 0;
  printf("ok");
  if (timed) printf(" %llu", (unsigned long long)(t1 - t0));
  size_t nres = strlen(e->results);
  for (size_t i = 0; i < nres; i++) {
    uint64_t v = results[i];
    if (e->results[i] == 'i' || e->results[i] == 'f') v &= 0xffffffffULL;
    printf(" %llx", (unsigned long long)v);
  }
  printf("\n");
}

static void run_get(char *line) {
  char *save = NULL;
  strtok_r(line, " \n", &save); /* "get" */
  char *name = strtok_r(NULL, " \n", &save);
  int len;
  if (!name || name[0] != 'x' || (len = unhex(++name)) < 0) {
    printf("error bad global name\n");
    return;
  }
  for (uint64_t i = 0; i < cur_globals->count; i++) {
    const struct global_export *g = &cur_globals->e[i];
    if (g->name_len != (uint64_t)len || memcmp(g->name, name, (size_t)len) != 0) continue;
    uint64_t v = *g->addr;
    if (g->type[0] == 'i' || g->type[0] == 'f') v &= 0xffffffffULL;
    printf("ok %llx\n", (unsigned long long)v);
    return;
  }
  printf("error no such global\n");
}

static void run_module(char *line) {
  char *end;
  uint64_t k = strtoull(strchr(line, ' ') + 1, &end, 10);
  uint64_t need = strtoull(end, NULL, 10);
  if (&__wasm_modules == NULL || k >= __wasm_modules.count) {
    printf("error no such module\n");
    return;
  }
  const struct module_entry *m = &__wasm_modules.m[k];
  cur_exports = m->exports;
  cur_globals = m->globals;
  if (line[0] == 'u') {
    printf("ok\n");
    return;
  }
  if (m->memory && !m->memory->base && reserve(m->memory) != 0) {
    printf("error cannot reserve linear memory: %s\n", strerror(errno));
    return;
  }
  if ((m->memory ? m->memory->pages : __wasm_memory_pages) < need) {
    printf("unlinkable\n");
    return;
  }
  if (sigsetjmp(trap_jump, 1)) {
    in_wasm = 0;
    printf("trap %s\n", trap_message);
    return;
  }
  in_wasm = 1;
  m->init();
  in_wasm = 0;
  printf("ok\n");
}

static void *worker(void *unused) {
  (void)unused;
  pthread_attr_t attr;
  void *addr;
  size_t size, guard;
  pthread_getattr_np(pthread_self(), &attr);
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_getguardsize(&attr, &guard);
  stack_low = (char *)addr;
  stack_guard_low = stack_low - guard - 65536;

  static char altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);

  if (&__wasm_modules == NULL) {
    cur_exports = &__wasm_exports;
    cur_globals = &__wasm_global_exports;
    if (sigsetjmp(trap_jump, 1)) {
      in_wasm = 0;
      printf("init-trap %s\n", trap_message);
      fflush(stdout);
      return NULL;
    }
    in_wasm = 1;
    __wasm_init();
    in_wasm = 0;
  }
  printf("ready\n");
  fflush(stdout);

  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, stdin) > 0) {
    if (strncmp(line, "call ", 5) == 0 || strncmp(line, "time ", 5) == 0) run_call(line);
    else if (strncmp(line, "get ", 4) == 0) run_get(line);
    else if (strncmp(line, "inst ", 5) == 0 || strncmp(line, "use ", 4) == 0) run_module(line);
    else if (line[0] != '\n') printf("error unknown command\n");
    fflush(stdout);
  }
  free(line);
  return NULL;
}

int main(void) {
  void *mem = mmap(__wasm_memory_base, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (mem != __wasm_memory_base) {
    fprintf(stderr, "cannot reserve linear memory at %p: %s\n", (void *)__wasm_memory_base, strerror(errno));
    return 2;
  }
  if (__wasm_memory_pages &&
      mprotect(mem, __wasm_memory_pages * WASM_PAGE, PROT_READ | PROT_WRITE) != 0) {
    fprintf(stderr, "cannot map %llu pages of linear memory\n", (unsigned long long)__wasm_memory_pages);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, STACK_SIZE);
  pthread_attr_setguardsize(&attr, 65536);
  pthread_t t;
  if (pthread_create(&t, &attr, worker, NULL) != 0) {
    fprintf(stderr, "cannot start the worker thread\n");
    return 2;
  }
  pthread_join(t, NULL);
  return 0;
}
