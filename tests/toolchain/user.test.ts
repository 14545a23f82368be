// user.test.ts — `wasmc --target=user` (toolchain/src/abi/user.ts): a
// module with sys.* imports becomes NASM that assembles and links with
// toolchain/runtime/user.ld into the ELF layout the kernel loads (code,
// read-only data, data, the stack, the initial linear memory at
// USER_MEMORY_BASE); imports are checked against the system-call table;
// the stubs move arguments into the syscall registers, make pointers
// virtual and store out registers into linear memory; memory.grow and
// traps go through system calls. The resulting image passes the kernel's
// own ELF checks (kernel/elf.ts, run on simulated RAM) and loads with the
// expected mappings.

import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { wat2wasm } from './codegen/differential.js';
import { compile } from '../../toolchain/src/compile.js';
import { CONSTANTS, SYSCALLS } from '../../toolchain/src/abi/syscalls.js';
import { compileCore, E, loadCore, MAP } from '../kernel/corekernel';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const C = Object.fromEntries(CONSTANTS.map((c) => [c.name, c.value]));
const num = (name: string) => SYSCALLS.find((s) => s.name === name)!.number;
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wasmc-user-')); });

const PROGRAM = `(module
  (import "sys" "debug_write" (func $write (param i32 i32) (result i64)))
  (import "sys" "exit" (func $exit (param i64)))
  (import "sys" "call" (func $call (param i32 i64 i64 i64 i64 i64 i32) (result i64)))
  (import "sys" "raw" (func $raw (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "x86" "rdtsc" (func $rdtsc (result i64)))
  (import "ipcbuf" "read64" (func $ibr (param i32) (result i64)))
  (import "ipcbuf" "write64" (func $ibw (param i32 i64)))
  (memory 2 100)
  (data (i32.const 16) "hello\\n")
  (func $start (drop (call $write (i32.const 16) (i32.const 6))))
  (start $start)
  (func (export "main") (result i32)
    (drop (call $rdtsc))
    (call $ibw (i32.const 32) (call $ibr (i32.const 40)))
    (drop (call $call (i32.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (i32.const 64)))
    (drop (memory.grow (i32.const 1)))
    (if (i32.eqz (i32.const 0)) (then unreachable))
    (i32.const 7)))`;

async function asmOf(wat: string): Promise<string> {
  return compile(await wat2wasm(wat), { target: 'user' });
}

function link(asm: string, name: string): string {
  const a = join(dir, `${name}.asm`), o = join(dir, `${name}.o`), elf = join(dir, `${name}.elf`);
  writeFileSync(a, asm);
  execFileSync('nasm', ['-f', 'elf64', '-o', o, a]);
  execFileSync('ld', ['-static', '-nostdlib', '-z', 'noexecstack', '-z', 'max-page-size=0x1000', '-T', join(ROOT, 'toolchain/runtime/user.ld'), '-o', elf, o]);
  return elf;
}

/** The block of lines from `label:` to the next `ret`/`ud2`. */
function block(asm: string, label: string): string {
  const start = asm.indexOf(`\n${label}:`);
  expect(start, label).toBeGreaterThan(0);
  const rest = asm.slice(start + 1);
  const end = rest.search(/\n    (ret|ud2)\n/);
  return rest.slice(0, end + 9);
}

describe('wasmc --target=user', () => {
  it('binds sys.* imports to syscall stubs and provides the runtime', async () => {
    const asm = await asmOf(PROGRAM);
    expect(asm).toMatch(/^__wasm_memory_base equ 0x40000000$/m);
    expect(asm).not.toMatch(/^extern (__wasm_memory_base|__wasm_trap|__wasm_memory_grow|wasm_import_sys)/m);
    // debug_write(buf: uptr, len: usize): zero-extended, the pointer made virtual.
    const w = block(asm, 'wasm_import_sys_debug_write');
    expect(w).toContain('mov edi, edi');
    expect(w).toContain('add rdi, __wasm_memory_base');
    expect(w).toContain('mov esi, esi');
    expect(w).toContain(`mov eax, ${num('debug_write')}`);
    expect(w).toMatch(/syscall\n    ret/);
    // call: the 4th argument from rcx to r10, the out pointer (7th, on the
    // stack) kept across the syscall, six out registers stored through it.
    const c = block(asm, 'wasm_import_sys_call');
    expect(c).toContain('push qword [rsp + 8]');
    expect(c).toContain('mov r10, rcx');
    expect(c).toContain('mov edi, edi'); // ep: cap (u32)
    for (const [k, r] of ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'].entries()) expect(c).toContain(`mov [rcx + __wasm_memory_base + ${8 * k}], ${r}`);
    // exit does not return.
    expect(block(asm, 'wasm_import_sys_exit')).toMatch(/syscall\n    ud2/);
    // raw: number to rax, arguments shifted, the 7th from the stack.
    const r = block(asm, 'wasm_import_sys_raw');
    expect(r).toContain('mov rax, rdi');
    expect(r).toContain('mov r9, [rsp + 8]');
    // ipcbuf: words of the IPC buffer page, the offset kept inside it.
    const C_IPCBUF = `0x${C.USER_IPC_BUFFER.toString(16)}`;
    expect(block(asm, 'wasm_import_ipcbuf_read64')).toMatch(new RegExp(`and edi, 0xFF8\n    mov rcx, ${C_IPCBUF}\n    mov rax, \\[rcx \\+ rdi\\]\n    ret`));
    expect(block(asm, 'wasm_import_ipcbuf_write64')).toContain('mov [rcx + rdi], rsi');
    // the runtime
    expect(asm).toMatch(/^_start:\n    mov rsp, 0x3FFF0000\n    xor ebp, ebp\n    call __wasm_init\n    call \S+\n    mov edi, eax\n    mov eax, 3\n    syscall/m);
    expect(block(asm, '__wasm_memory_grow')).toContain(`mov eax, ${num('memory_grow')}`);
    expect(block(asm, '__wasm_trap')).toContain(`mov eax, ${num('trap')}`);
    expect(asm).toMatch(/section \.wasm_memory nobits alloc write noexec align=4096\n    resb 2 \* 65536/);
  });

  it('rejects imports a user program cannot have', async () => {
    const bad: [string, RegExp][] = [
      ['(import "env" "abort" (func (param i32 i32 i32 i32)))', /import env\.abort: a user program may import only sys\.\*/],
      ['(import "sys" "no_such_call" (func))', /no such system call/],
      ['(import "sys" "debug_write" (func (param i64 i32) (result i64)))', /has type \(i64,i32->i64\), the table says \(i32,i32->i64\)/],
      ['(import "sys" "exit" (func (param i64) (result i32)))', /import sys\.exit has type/],
      ['(import "x86" "hlt" (func))', /x86\.hlt: not available in ring 3/],
      ['(import "ipcbuf" "read64" (func (param i32) (result i32)))', /ipcbuf\.read64 has type/],
      ['(import "ipcbuf" "read8" (func (param i32) (result i32)))', /import ipcbuf\.read8: a user program may import only/],
      ['(import "env" "memory" (memory 1))', /imports only functions/],
    ];
    for (const [imp, msg] of bad) await expect(asmOf(`(module ${imp})`), imp).rejects.toThrow(msg);
    // An exported main must be () -> () or () -> i32.
    await expect(asmOf('(module (func (export "main") (param i32)))')).rejects.toThrow(/export main/);
    // thread.entry: () -> i64, and only with a function table (the trampoline calls through it).
    await expect(asmOf('(module (import "thread" "entry" (func (result i32))))')).rejects.toThrow(/thread\.entry has type/);
    await expect(asmOf('(module (import "thread" "entry" (func (result i64))))')).rejects.toThrow(/needs a function table/);
    const th = await asmOf('(module (import "thread" "entry" (func (result i64))) (table 1 funcref) (func $f) (elem (i32.const 0) $f))');
    expect(block(th, 'wasm_import_thread_entry')).toContain('lea rax, [__wasm_thread_start]');
    expect(block(th, '__wasm_thread_start')).toMatch(/mov rdi, \[rsp\]\n    lea rax, \[[^\]]*wasm\.table0\]\n    mov rax, \[rax \+ 16 \+ rdi\*8\]\n    xor ebp, ebp\n    call \[rax\]/);
    // A noreturn call may be declared with an i64 result too.
    await expect(asmOf('(module (import "sys" "exit" (func (param i64) (result i64))))')).resolves.toContain('wasm_import_sys_exit:');
  });

  it('is the command line\'s --target=user (a bad import: exit 1, one line, no output)', async () => {
    const WASMC = join(ROOT, 'build/toolchain/wasmc.js');
    if (!existsSync(WASMC)) execFileSync('make', ['build/toolchain/wasmc.js'], { cwd: ROOT });
    writeFileSync(join(dir, 'ok.wasm'), await wat2wasm(PROGRAM));
    const ok = spawnSync('node', [WASMC, join(dir, 'ok.wasm'), '--target=user', '-o', join(dir, 'ok.asm')], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'ok.asm'), 'utf8')).toContain('wasm_import_sys_debug_write:');
    writeFileSync(join(dir, 'bad.wasm'), await wat2wasm('(module (import "env" "abort" (func (param i32 i32 i32 i32))))'));
    const bad = spawnSync('node', [WASMC, join(dir, 'bad.wasm'), '--target=user', '-o', join(dir, 'bad.asm')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^wasmc: .*import env\.abort: a user program may import only sys\.\*/);
    expect(existsSync(join(dir, 'bad.asm'))).toBe(false);
  });

  it('links into the layout of toolchain/runtime/user.ld', async () => {
    const elf = link(await asmOf(PROGRAM), 'prog');
    const ph = execFileSync('readelf', ['-lW', elf], { encoding: 'utf8' });
    const loads = [...ph.matchAll(/^\s+LOAD\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3})/gm)]
      .map((m) => ({ va: BigInt(`0x${m[2]}`), filesz: BigInt(`0x${m[3]}`), memsz: BigInt(`0x${m[4]}`), flags: m[5].replace(/ /g, '') }));
    expect(loads.map((l) => l.flags)).toEqual(['RE', 'R', 'RW', 'RW', 'RW']);
    expect(loads[0].va).toBe(0x400000n);
    expect(loads[3]).toEqual({ va: C.USER_WASM_STACK_TOP - C.USER_WASM_STACK_SIZE, filesz: 0n, memsz: C.USER_WASM_STACK_SIZE, flags: 'RW' });
    expect(loads[4]).toEqual({ va: C.USER_MEMORY_BASE, filesz: 0n, memsz: 2n * 65536n, flags: 'RW' });
    const entry = execFileSync('readelf', ['-hW', elf], { encoding: 'utf8' }).match(/Entry point address:\s+0x([0-9a-f]+)/)![1];
    const start = execFileSync('nm', [elf], { encoding: 'utf8' }).match(/^([0-9a-f]+) T _start$/m)![1];
    expect(BigInt(`0x${entry}`)).toBe(BigInt(`0x${start}`));
  });

  it('makes an image the kernel\'s ELF loader accepts and maps as laid out', async () => {
    const bytes = new Uint8Array(readFileSync(link(await asmOf(PROGRAM), 'load')));
    await compileCore();
    const { m, ex } = await loadCore();
    m.addRam(0x100000, 0x1000000);
    m.place(0x1000n, new Uint8Array(4096));
    ex.framesReset();
    ex.framesAddRange(0x200000n, 0x800000n);
    ex.pagingInit(0x1000n);
    const FILE = 0xA00000n;
    m.place(FILE, bytes);
    expect(ex.elfCheck(FILE, BigInt(bytes.length))).toBe(0);
    const pml4 = ex.vspaceCreate() as bigint;
    expect(ex.elfLoad(pml4, FILE)).toBe(E.OK);
    const rights = (va: bigint) => (ex.vmLookup(pml4, va) === E.OK ? ex.lookupRights() : -1);
    const U = MAP.MAP_USER, W = MAP.MAP_WRITE;
    const base = C.USER_MEMORY_BASE, top = C.USER_WASM_STACK_TOP, size = C.USER_WASM_STACK_SIZE;
    expect(rights(base)).toBe(U | W);
    expect(rights(base + 2n * 65536n - 4096n)).toBe(U | W);
    expect(rights(base + 2n * 65536n)).toBe(-1);          // the guard after the memory
    expect(rights(top - 4096n)).toBe(U | W);
    expect(rights(top - size)).toBe(U | W);
    expect(rights(top - size - 4096n)).toBe(-1);          // below the stack
    expect(rights(top)).toBe(-1);                         // above the stack
  }, 60_000);

  it('a module without initial linear memory links to an image the kernel accepts (its empty PT_LOAD ignored)', async () => {
    const elf = link(await asmOf('(module (import "sys" "null" (func $n (result i64))) (func $s (drop (call $n))) (start $s))'), 'nomem');
    expect(execFileSync('readelf', ['-lW', elf], { encoding: 'utf8' })).toMatch(/LOAD\s+0x[0-9a-f]+ 0x0+ 0x0+ 0x0+ 0x0+ RW/);
    const bytes = new Uint8Array(readFileSync(elf));
    const { m, ex } = await loadCore();
    m.addRam(0x100000, 0x1000000);
    m.place(0x1000n, new Uint8Array(4096));
    ex.framesReset();
    ex.framesAddRange(0x200000n, 0x800000n);
    ex.pagingInit(0x1000n);
    m.place(0xA00000n, bytes);
    expect(ex.elfCheck(0xA00000n, BigInt(bytes.length))).toBe(0);
    const pml4 = ex.vspaceCreate() as bigint;
    expect(ex.elfLoad(pml4, 0xA00000n)).toBe(E.OK);
    expect(ex.vmLookup(pml4, 0n)).not.toBe(E.OK);
    expect(ex.vmLookup(pml4, C.USER_MEMORY_BASE)).not.toBe(E.OK);
  }, 60_000);
});
