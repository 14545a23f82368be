// generate.ts — everything made from the system-call table (syscalls.ts):
// the kernel's numbers and dispatch, the user library's declarations, the
// NASM include, the user programs' linker script, and (for wasmc
// --target=user) the syscall-instruction stubs and the user runtime.
// Pure functions of the table (and of kernel/errors.ts and traps.ts, which
// the caller reads), so the output is reproducible and testable; gen-cli.ts
// writes or checks the files.

import { SYSCALLS, CONSTANTS, ARG_REGS, FAULT_WASM_TRAP, type Syscall, type ArgType } from './syscalls.js';
import { TRAPS } from '../traps.js';

export const GENERATED_NOTE = 'GENERATED from toolchain/src/abi/syscalls.ts by toolchain/src/abi/generate.ts (make abi). Do not edit: change the table.';

/** debug_write -> DebugWrite. */
export function pascal(name: string): string {
  return name.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** The kernel handler and the user library function of a call: sysDebugWrite. */
export const handlerName = (s: Syscall) => `sys${pascal(s.name)}`;
export const constName = (s: Syscall) => `SYS_${s.name.toUpperCase()}`;
export const outClassName = (s: Syscall) => `${pascal(s.name)}Out`;

/** The error codes, from kernel/errors.ts (`NAME = number,` lines). */
export function parseKErr(src: string): { name: string; value: number }[] {
  const body = src.slice(src.indexOf('export enum KErr'));
  return [...body.slice(0, body.indexOf('}')).matchAll(/^\s*([A-Z_0-9]+) = (\d+),/gm)].map((m) => ({ name: m[1], value: Number(m[2]) }));
}

/** Checks the table: names, dense unique numbers, argument counts. Throws. */
export function checkTable(calls: readonly Syscall[] = SYSCALLS): void {
  const names = new Set<string>();
  calls.forEach((s, k) => {
    if (!/^[a-z][a-z0-9_]*$/.test(s.name)) throw new Error(`system call ${s.name}: the name must be snake_case`);
    if (names.has(s.name)) throw new Error(`system call ${s.name} is in the table twice`);
    names.add(s.name);
    if (s.number !== k) throw new Error(`system call ${s.name} has number ${s.number}, expected ${k}: numbers are dense and in table order`);
    if (s.args.length > ARG_REGS.length) throw new Error(`system call ${s.name}: at most ${ARG_REGS.length} arguments`);
    const argNames = new Set(s.args.map((a) => a.name));
    if (argNames.size !== s.args.length) throw new Error(`system call ${s.name}: two arguments with one name`);
    const outRegs = new Set((s.out ?? []).map((o) => o.reg));
    if (outRegs.size !== (s.out ?? []).length) throw new Error(`system call ${s.name}: one out register twice`);
    if (s.out && s.result === 'noreturn') throw new Error(`system call ${s.name}: a call that does not return has no out registers`);
  });
}

const kernelType: Record<ArgType, string> = { u64: 'u64', i64: 'i64', u32: 'u32', u8: 'u8', cap: 'u32', uptr: 'u64', usize: 'u64' };
const tableType: Record<ArgType, string> = { u64: 'u64', i64: 'i64', u32: 'u32', u8: 'u8', cap: 'cap', uptr: 'uptr', usize: 'usize' };
const userType: Record<ArgType, string> = { u64: 'u64', i64: 'i64', u32: 'u32', u8: 'u8', cap: 'u32', uptr: 'usize', usize: 'usize' };
/** Wasm value type of an argument in a user program (i32 or i64). */
export const wasmArgType = (t: ArgType): 'i32' | 'i64' => (t === 'u64' || t === 'i64' ? 'i64' : 'i32');

function signature(s: Syscall, types: Record<ArgType, string>): string {
  return `${s.name}(${s.args.map((a) => `${a.name}: ${types[a.type]}`).join(', ')})`;
}

function resultText(s: Syscall): string {
  const r = s.result === 'status' ? '0 or -KErr' : s.result === 'value' ? 'value >= 0 or -KErr' : 'does not return';
  return s.out ? `${r}; out ${s.out.map((o) => `${o.name} (${o.reg})`).join(', ')}` : r;
}

/** Comment lines documenting one call, with a prefix ("//", ";"). */
function docLines(s: Syscall, c: string): string[] {
  const out = [`${c} ${s.number} ${signature(s, tableType)} -> ${resultText(s)}`, ...wrap(s.doc, 76).map((l) => `${c}   ${l}`)];
  for (const a of s.args) if (a.doc) out.push(`${c}   ${a.name}: ${a.doc}`);
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

const hex = (v: bigint) => (v >= 4096n ? `0x${v.toString(16).toUpperCase()}` : v.toString());

// --- the kernel -----------------------------------------------------------------------

/** kernel/syscalls.ts */
export function kernelSyscalls(): string {
  checkTable();
  const out = [
    '// syscalls.ts — the system-call numbers, the constants shared with user',
    '// programs, and the names of Wasm traps, for the kernel.',
    `// ${GENERATED_NOTE}`,
    '//',
    '// Registers: rax = number, arguments in rdi, rsi, rdx, r10, r8, r9; result',
    '// in rax (>= 0, or -KErr); rcx and r11 clobbered; the calls with out',
    '// registers return more results there. kernel/syscall_dispatch.ts decodes',
    '// the arguments and calls the handlers (kernel/syscall_handlers.ts).',
    '',
  ];
  for (const s of SYSCALLS) out.push(...docLines(s, '//'), `export const ${constName(s)}: u32 = ${s.number};`, '');
  out.push(`export const SYS_COUNT: u32 = ${SYSCALLS.length};`, '');
  for (const c of CONSTANTS) out.push(`// ${c.doc}`, `export const ${c.name}: u64 = ${hex(c.value)};`);
  out.push(
    '',
    '// A Wasm trap of a user program is fault kind FAULT_WASM_TRAP + its code.',
    `export const FAULT_WASM_TRAP: u64 = ${FAULT_WASM_TRAP};`,
    `export const WASM_TRAP_COUNT: u32 = ${TRAPS.length};`,
    ...TRAPS.map((t, k) => (k === 0 ? null : `export const WASM_TRAP_${t.toUpperCase().replace(/ /g, '_')}: u32 = ${k};`)).filter((l): l is string => l !== null),
    '',
    '// The reason for a Wasm trap code (toolchain/src/traps.ts).',
    'export function wasmTrapName(code: u32): string {',
    '  switch (code) {',
    ...TRAPS.map((t, k) => (k === 0 ? null : `    case ${k}: return "${t}";`)).filter((l): l is string => l !== null),
    '  }',
    '  return "unknown trap";',
    '}',
    '',
  );
  return out.join('\n');
}

/** The checks and conversion of one raw register into a handler argument. */
function decode(a: ArgType, raw: string): { check?: string; value: string } {
  switch (a) {
    case 'u64': case 'uptr': case 'usize': return { value: raw };
    case 'i64': return { value: `<i64>${raw}` };
    case 'u32': return { check: `${raw} > 0xFFFF_FFFF`, value: `<u32>${raw}` };
    case 'u8': return { check: `${raw} > 0xFF`, value: `<u8>${raw}` };
    case 'cap': return { check: `${raw} > 0xFFFF_FFFF`, value: `<u32>${raw}` };
  }
}

/** kernel/syscall_dispatch.ts */
export function kernelDispatch(): string {
  checkTable();
  const out = [
    '// syscall_dispatch.ts — the kernel\'s system-call dispatch: the raw argument',
    '// registers decoded into each call\'s typed arguments, then its handler.',
    `// ${GENERATED_NOTE}`,
    '//',
    '// Handlers are named sys<Name> (camel case), take the arguments listed in',
    '// kernel/syscalls.ts with the kernel types there, and return i64: the',
    '// value for the thread\'s rax (>= 0, or -KErr). They live where their',
    '// subject does and are re-exported by kernel/syscall_handlers.ts.',
    '',
    'import { KErr } from "./errors";',
    'import { SYS_COUNT } from "./syscalls";',
    `import { ${SYSCALLS.map(handlerName).join(', ')} } from "./syscall_handlers";`,
    '',
    '// System call `num` with the argument registers a0..a5 (rdi, rsi, rdx,',
    '// r10, r8, r9) as the thread left them. Unknown numbers and arguments',
    '// out of their type\'s range fail with INVALID_ARGUMENT (capability slots',
    '// with INVALID_SLOT) before any handler runs.',
    'export function syscallDispatch(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64): i64 {',
    '  if (num >= <u64>SYS_COUNT) return -<i64>KErr.INVALID_ARGUMENT;',
    '  switch (<u32>num) {',
  ];
  for (const s of SYSCALLS) {
    const vals: string[] = [];
    const checks: string[] = [];
    s.args.forEach((a, k) => {
      const d = decode(a.type, `a${k}`);
      if (d.check) checks.push(`      if (${d.check}) return -<i64>KErr.${a.type === 'cap' ? 'INVALID_SLOT' : 'INVALID_ARGUMENT'}; // ${a.name}`);
      vals.push(d.value);
    });
    out.push(`    case ${s.number}: { // ${signature(s, kernelType)}`, ...checks, `      return ${handlerName(s)}(${vals.join(', ')});`, '    }');
  }
  out.push('  }', '  return -<i64>KErr.INVALID_ARGUMENT;', '}', '');
  return out.join('\n');
}

// --- the user library ------------------------------------------------------------------

/** servers/lib/sys.ts */
export function userLib(kerr: { name: string; value: number }[]): string {
  checkTable();
  const out = [
    '// sys.ts — the system calls for AssemblyScript programs (servers/): their',
    '// numbers, the shared constants, the error codes, and one declared',
    '// function per call. Each is a `sys.<name>` import that `wasmc',
    '// --target=user` binds to a stub executing the syscall instruction',
    '// (toolchain/src/abi/generate.ts, userStub); wasmc checks that the',
    '// declaration matches the table.',
    `// ${GENERATED_NOTE}`,
    '//',
    '// Pointers are linear-memory addresses (the stub makes them virtual);',
    '// results are >= 0, or -KErr. A call with out registers takes a last',
    '// `out` argument: the address of its <Name>Out struct, which the stub',
    '// fills with those registers.',
    '',
  ];
  for (const s of SYSCALLS) out.push(`export const ${constName(s)}: u32 = ${s.number};`);
  out.push(`export const SYS_COUNT: u32 = ${SYSCALLS.length};`, '');
  out.push(...argKindsLines());
  for (const c of CONSTANTS) out.push(`// ${c.doc}`, `export const ${c.name}: u64 = ${hex(c.value)};`);
  out.push('', '// The kernel\'s error codes (kernel/errors.ts); calls return them negated.', 'export enum KErr {');
  for (const e of kerr) out.push(`  ${e.name} = ${e.value},`);
  out.push('}', '');
  for (const s of SYSCALLS) {
    out.push(...docLines(s, '//'));
    const params = s.args.map((a) => `${a.name}: ${userType[a.type]}`);
    if (s.out) {
      out.push(`@unmanaged export class ${outClassName(s)} {`, ...s.out.map((o) => `  ${o.name}: u64; // ${o.reg}`), '}');
      params.push('out: usize');
    }
    out.push(`@external("sys", "${s.name}")`, `export declare function ${handlerName(s)}(${params.join(', ')}): ${s.result === 'noreturn' ? 'void' : 'i64'};`, '');
  }
  out.push(
    '// Any system call with raw registers: number, then rdi, rsi, rdx, r10, r8,',
    '// r9 as given (no conversion of pointers); returns rax. For tests.',
    '@external("sys", "raw")',
    'export declare function sysRaw(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64): i64;',
    '',
  );
  return out.join('\n');
}

/** SYS_ARG_KINDS: the table's shape as one string, for programs that make
 * calls from the table itself (servers/fuzzer: new calls are fuzzed
 * without changes there). */
const kindChar: Record<ArgType, string> = { u64: 'u', i64: 'i', u32: 'w', u8: 'b', cap: 'c', uptr: 'p', usize: 'l' };
export function argKinds(): string {
  return SYSCALLS.map((s) => (s.result === 'status' ? 's' : s.result === 'value' ? 'v' : 'n')
    + ARG_REGS.map((_, k) => (k < s.args.length ? kindChar[s.args[k].type] : '-')).join('')).join('');
}
function argKindsLines(): string[] {
  return [
    '// Per call, in number order, 7 characters: the result (s status, v value,',
    '// n noreturn), then the kinds of the 6 argument registers (u u64, i i64,',
    '// w u32, b u8, c cap, p uptr, l usize, - unused). For fuzzers.',
    `export const SYS_ARG_KINDS: string = "${argKinds()}";`,
    '',
  ];
}

// --- NASM ---------------------------------------------------------------------------

/** build/servers/syscalls.inc */
export function nasmInc(kerr: { name: string; value: number }[]): string {
  checkTable();
  const out = [`; syscalls.inc — system-call numbers and constants for the NASM programs.`, `; ${GENERATED_NOTE}`, ''];
  for (const s of SYSCALLS) out.push(...docLines(s, ';'), `${constName(s)} equ ${s.number}`);
  out.push(`SYS_COUNT equ ${SYSCALLS.length}`, '');
  for (const c of CONSTANTS) out.push(`${c.name} equ ${hex(c.value)} ; ${c.doc}`);
  out.push('', '; Error codes (kernel/errors.ts); calls return them negated.');
  for (const e of kerr) out.push(`KERR_${e.name} equ ${e.value}`);
  out.push('');
  return out.join('\n');
}

// --- the user-program image ----------------------------------------------------------

const constant = (name: string) => CONSTANTS.find((c) => c.name === name)!.value;

/** toolchain/runtime/user.ld: the layout of a user program made by wasmc
 * --target=user (ELF segments the kernel's loader, kernel/elf.ts, accepts). */
export function userLinkerScript(): string {
  const stackBottom = constant('USER_WASM_STACK_TOP') - constant('USER_WASM_STACK_SIZE');
  return [
    '/* user.ld — the layout of an AssemblyScript user program (wasmc --target=user):',
    ` * ${GENERATED_NOTE}`,
    ' *   0x400000             code, read-only data, data, bss (one segment each)',
    ` *   ${hex(stackBottom)}           the machine stack, ${hex(constant('USER_WASM_STACK_SIZE'))} bytes (unmapped below and above)`,
    ` *   ${hex(constant('USER_MEMORY_BASE'))}           linear memory: the initial pages; memory.grow maps more`,
    ' *                        after them (system call memory_grow); the rest of',
    ' *                        8 GiB window stays unmapped (the guard:',
    ' *                        generated code does no bounds checks).',
    ' */',
    'ENTRY(_start)',
    'PHDRS',
    '{',
    '  text PT_LOAD FILEHDR PHDRS FLAGS(5);',
    '  rodata PT_LOAD FLAGS(4);',
    '  data PT_LOAD FLAGS(6);',
    '  stack PT_LOAD FLAGS(6);',
    '  memory PT_LOAD FLAGS(6);',
    '}',
    'SECTIONS',
    '{',
    '  . = 0x400000 + SIZEOF_HEADERS;',
    '  .text : { *(.text .text.*) } :text',
    '  . = ALIGN(0x1000);',
    '  .rodata : { *(.rodata .rodata.*) } :rodata',
    '  . = ALIGN(0x1000);',
    '  .data : { *(.data .data.*) } :data',
    '  .bss : { *(.bss .bss.*) *(COMMON) } :data',
    `  .user_stack ${hex(stackBottom)} : { *(.user_stack) } :stack`,
    `  .wasm_memory ${hex(constant('USER_MEMORY_BASE'))} : { *(.wasm_memory) } :memory`,
    `  ASSERT(. <= ${hex(constant('USER_MEMORY_BASE') + 64n * 1024n * 1024n)}, "the initial linear memory is larger than the kernel loads (64 MiB)")`,
    `  ASSERT(ADDR(.bss) + SIZEOF(.bss) <= ${hex(stackBottom - 0x1000n)}, "the program image runs into its stack")`,
    '  /DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }',
    '}',
    '',
  ].join('\n');
}

/** The stub for import `sys.<name>`: System V arguments (rdi, rsi, rdx, rcx,
 * r8, r9, stack) to the syscall registers; i32 arguments zero-extended,
 * uptr ones made virtual; out registers stored through the last argument. */
export function userStub(s: Syscall, label: string): string[] {
  const sysv = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];
  const r32: Record<string, string> = { rdi: 'edi', rsi: 'esi', rdx: 'edx', rcx: 'ecx', r8: 'r8d', r9: 'r9d', r10: 'r10d' };
  const out = [`${label}: ; ${signature(s, userType)} -> ${resultText(s)}`];
  if (s.out) {
    const k = s.args.length;
    out.push(k < 6 ? `    push ${sysv[k]}` : `    push qword [rsp + ${8 * (k - 6 + 1)}]`); // the out pointer
  }
  s.args.forEach((a, k) => {
    const src = sysv[k], dst = ARG_REGS[k];
    if (wasmArgType(a.type) === 'i64') {
      if (src !== dst) out.push(`    mov ${dst}, ${src}`);
    } else {
      out.push(`    mov ${r32[dst]}, ${r32[src]}`);
      if (a.type === 'uptr') out.push(`    add ${dst}, __wasm_memory_base`);
    }
  });
  out.push(`    mov eax, ${s.number}`, '    syscall');
  if (s.result === 'noreturn') out.push('    ud2');
  else {
    if (s.out) {
      out.push('    pop rcx', '    mov ecx, ecx');
      s.out.forEach((o, j) => out.push(`    mov [rcx + __wasm_memory_base + ${8 * j}], ${o.reg}`));
    }
    out.push('    ret');
  }
  return out;
}

/** The stub for `sys.raw` (sysRaw in servers/lib/sys.ts). */
export function rawStub(label: string): string[] {
  return [
    `${label}: ; raw(num, a0..a5) -> rax`,
    '    mov rax, rdi',
    '    mov rdi, rsi',
    '    mov rsi, rdx',
    '    mov rdx, rcx',
    '    mov r10, r8',
    '    mov r8, r9',
    '    mov r9, [rsp + 8]',
    '    syscall',
    '    ret',
  ];
}

/** The Wasm signature an import `sys.<name>` must have, as "params->results"
 * in Wasm types (noreturn calls: no result, or an i64 one is accepted). */
export function stubSignatures(name: string): string[] | undefined {
  if (name === 'raw') return ['i64,i64,i64,i64,i64,i64,i64->i64'];
  const s = SYSCALLS.find((c) => c.name === name);
  if (!s) return undefined;
  const params = s.args.map((a) => wasmArgType(a.type));
  if (s.out) params.push('i32');
  const p = params.join(',');
  return s.result === 'noreturn' ? [`${p}->`, `${p}->i64`] : [`${p}->i64`];
}

export const syscallByName = (name: string) => SYSCALLS.find((c) => c.name === name);

/** The environment of a user program (toolchain/ABI.md, "User programs"):
 * _start, __wasm_memory_grow and __wasm_trap by system calls, the stack and
 * the initial linear memory as NOBITS sections placed by user.ld.
 * `mainSym`: an exported function `main` to call after __wasm_init. */
export function userRuntime(initialPages: number, mainSym: string | null, mainReturnsI32: boolean): string[] {
  const num = (n: string) => SYSCALLS.find((c) => c.name === n)!.number;
  return [
    '',
    '; --- the user-program runtime (toolchain/src/abi/generate.ts, userRuntime) ---',
    '; Entry: a stack of its own, __wasm_init (data segments, the start function:',
    '; the top-level code of an AssemblyScript program), an exported main if',
    '; there is one, then exit with main\'s result (or 0).',
    '_start:',
    `    mov rsp, ${hex(constant('USER_WASM_STACK_TOP'))}`,
    '    xor ebp, ebp',
    '    call __wasm_init',
    ...(mainSym ? [`    call ${mainSym}`, mainReturnsI32 ? '    mov edi, eax' : '    xor edi, edi'] : ['    xor edi, edi']),
    `    mov eax, ${num('exit')}`,
    '    syscall',
    '    ud2',
    '',
    '; memory.grow: edi = delta pages -> eax = old page count, or -1.',
    '__wasm_memory_grow:',
    '    mov esi, edi',
    '    mov rdi, [__wasm_memory_pages]',
    '    lea rax, [rdi + rsi]',
    '    cmp rax, [__wasm_memory_max_pages]',
    '    ja .fail',
    `    cmp rax, ${constant('USER_MEMORY_MAX_PAGES')}`,
    '    ja .fail',
    '    test esi, esi',
    '    jz .done',
    `    mov eax, ${num('memory_grow')}`,
    '    syscall                             ; (pages, delta) -> pages or -KErr',
    '    test rax, rax',
    '    js .fail',
    '    add [__wasm_memory_pages], rsi',
    '.done:',
    '    mov eax, edi',
    '    ret',
    '.fail:',
    '    mov eax, -1',
    '    ret',
    '',
    '; A trap: edi = code; the return address is the trap site. Never returns.',
    '__wasm_trap:',
    '    mov rsi, [rsp]',
    `    mov eax, ${num('trap')}`,
    '    syscall',
    '    ud2',
    '',
    'section .user_stack nobits alloc write noexec align=4096',
    `    resb ${hex(constant('USER_WASM_STACK_SIZE'))}`,
    '',
    'section .wasm_memory nobits alloc write noexec align=4096',
    `    resb ${initialPages} * ${constant('WASM_PAGE_SIZE')}`,
  ];
}
