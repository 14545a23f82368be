// user.ts — what `wasmc --target=user` adds to a module's output
// (toolchain/ABI.md, "User programs"): the check of its imports (only
// `sys.*` system calls from the table and a few ring-3 x86 intrinsics), the
// syscall stubs those imports are bound to, the runtime (entry, stack,
// memory.grow and traps by system calls) and the initial linear memory.
// codegen/module.ts calls these; the layout is toolchain/runtime/user.ld.

import type { Module } from '../wasm/types.js';
import { CompileError } from '../codegen/errors.js';
import { identifier } from '../codegen/names.js';
import { CONSTANTS } from './syscalls.js';
import { stubSignatures, syscallByName, userStub, rawStub, userRuntime } from './generate.js';

/** x86 intrinsics a ring-3 program may use (the rest need ring 0). */
export const USER_INTRINSICS: ReadonlySet<string> = new Set(['rdtsc', 'pause', 'ud2']);

const WASM_TYPE: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** Imports from module `ipcbuf`: the thread's IPC buffer (outside linear
 * memory, at USER_IPC_BUFFER), 8-byte words by byte offset within its page. */
export const IPCBUF_IMPORTS: Record<string, string> = { read64: 'i32->i64', write64: 'i32,i64->' };

/** Imports from module `thread`: entry() -> the address of the runtime's
 * __wasm_thread_start, the entry for thread_create: it starts with rsp = a
 * stack top holding, at [rsp], the table-0 index of a () -> () function
 * (AssemblyScript: `fn.index`), calls it, then exits with status 0. */
export const THREAD_IMPORTS: Record<string, string> = { entry: '->i64' };

/** The label a `sys.<name>` import is bound to. */
export const stubLabel = (name: string) => identifier(`wasm_import_sys_${name}`);

/** Throws unless every import of `m` is allowed in a user program. */
export function checkUserImports(m: Module): void {
  const funcImports = m.imports.filter((x) => x.kind === 'func');
  for (const imp of m.imports) {
    if (imp.kind !== 'func') throw new CompileError(`import ${imp.module}.${imp.name}: a user program imports only functions (sys.*, x86.${[...USER_INTRINSICS].join('/')})`);
  }
  funcImports.forEach((imp, i) => {
    if (imp.module === 'x86') {
      if (!USER_INTRINSICS.has(imp.name)) throw new CompileError(`import x86.${imp.name}: not available in ring 3 (--target=user allows x86.${[...USER_INTRINSICS].join(', x86.')})`);
      return;
    }
    if (imp.module === 'ipcbuf' && imp.name in IPCBUF_IMPORTS) {
      const t = m.funcTypes[i];
      const sig = `${t.params.map((p) => WASM_TYPE[p] ?? '?').join(',')}->${t.results.map((p) => WASM_TYPE[p] ?? '?').join(',')}`;
      if (sig !== IPCBUF_IMPORTS[imp.name]) throw new CompileError(`import ipcbuf.${imp.name} has type (${sig}), expected (${IPCBUF_IMPORTS[imp.name]})`);
      return;
    }
    if (imp.module === 'thread' && imp.name in THREAD_IMPORTS) {
      const t = m.funcTypes[i];
      const sig = `${t.params.map((p) => WASM_TYPE[p] ?? '?').join(',')}->${t.results.map((p) => WASM_TYPE[p] ?? '?').join(',')}`;
      if (sig !== THREAD_IMPORTS[imp.name]) throw new CompileError(`import thread.${imp.name} has type (${sig}), expected (${THREAD_IMPORTS[imp.name]})`);
      return;
    }
    if (imp.module !== 'sys') {
      throw new CompileError(`import ${imp.module}.${imp.name}: a user program may import only sys.* system calls (toolchain/src/abi/syscalls.ts) and ipcbuf.read64/write64${imp.module === 'env' && imp.name === 'abort' ? '; for AssemblyScript use servers/asconfig.json (abort goes to servers/lib)' : ''}`);
    }
    const want = stubSignatures(imp.name);
    if (!want) throw new CompileError(`import sys.${imp.name}: no such system call in toolchain/src/abi/syscalls.ts`);
    const t = m.funcTypes[i];
    const sig = `${t.params.map((p) => WASM_TYPE[p] ?? '?').join(',')}->${t.results.map((p) => WASM_TYPE[p] ?? '?').join(',')}`;
    if (!want.includes(sig)) throw new CompileError(`import sys.${imp.name} has type (${sig}), the table says (${want[0]}): regenerate servers/lib/sys.ts (make abi)`);
  });
}

const constant = (name: string) => CONSTANTS.find((c) => c.name === name)!.value;

/** Lines before the sections: the fixed address of linear memory. */
export function userHeader(): string[] {
  return [
    // An access at a constant address is [__wasm_memory_base + offset]: with
    // `default rel` NASM notes that an absolute address cannot be RIP-relative.
    '[warning -ea-absolute]',
    `__wasm_memory_base equ 0x${constant('USER_MEMORY_BASE').toString(16)}`,
    'global _start',
  ];
}

/** Text lines (stubs and runtime, ending in the stack and memory sections;
 * place them last in the file). `mainSym`: the function exported as `main`. */
export function userText(m: Module, mainSym: string | null, mainReturnsI32: boolean, table0: string | null = null): string[] {
  const out: string[] = ['', '; --- system-call stubs (toolchain/src/abi/generate.ts, userStub) ---'];
  const done = new Set<string>();
  for (const imp of m.imports) {
    if (imp.kind !== 'func' || done.has(`${imp.module}.${imp.name}`)) continue;
    done.add(`${imp.module}.${imp.name}`);
    if (imp.module === 'ipcbuf') {
      const label = identifier(`wasm_import_ipcbuf_${imp.name}`);
      out.push(`${label}: ; ${imp.name}(offset${imp.name === 'write64' ? ', value' : ''}): word at USER_IPC_BUFFER + (offset & 0xFF8)`,
        '    and edi, 0xFF8', `    mov rcx, 0x${constant('USER_IPC_BUFFER').toString(16)}`,
        imp.name === 'read64' ? '    mov rax, [rcx + rdi]' : '    mov [rcx + rdi], rsi', '    ret');
      continue;
    }
    if (imp.module === 'thread') {
      if (!table0) throw new CompileError('import thread.entry needs a function table (AssemblyScript: take a function\'s .index)');
      const num = syscallByName('exit')!.number;
      out.push(`${identifier('wasm_import_thread_entry')}: ; entry() -> address of __wasm_thread_start`,
        '    lea rax, [__wasm_thread_start]', '    ret',
        '; A thread of thread_create: [rsp] = table-0 index of a () -> () function; exit(0) after it.',
        '__wasm_thread_start:', '    mov rdi, [rsp]', `    lea rax, [${table0}]`, '    mov rax, [rax + 16 + rdi*8]',
        '    xor ebp, ebp', '    call [rax]', '    xor edi, edi', `    mov eax, ${num}`, '    syscall', '    ud2');
      continue;
    }
    if (imp.module !== 'sys') continue;
    out.push(...(imp.name === 'raw' ? rawStub(stubLabel('raw')) : userStub(syscallByName(imp.name)!, stubLabel(imp.name))));
  }
  const minPages = m.memoryTypes[0]?.min ?? 0;
  if (minPages * 65536 > 64 * 1024 * 1024) throw new CompileError(`the initial linear memory (${minPages} pages) is larger than the kernel loads (64 MiB)`);
  out.push(...userRuntime(minPages, mainSym, mainReturnsI32));
  return out;
}
