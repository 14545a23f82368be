// The whole output file for one module: every function through the passes
// (lower -> fuse -> allocate -> emit), then what the environment needs around
// them (toolchain/ABI.md): globals, data segments and __wasm_init, the memory
// helpers, the trap-name table, the export table and its call wrappers.

import type { Module, Instr } from '../wasm/types.js';
import { opName } from '../wasm/opcodes.js';
import { lowerFunction, valTy, sigTys } from './lower.js';
import { fuse } from './fuse.js';
import { allocate, SLOT } from './regalloc.js';
import { emitFunction, ModuleInfo } from './x64/emit.js';
import { R64 } from './x64/regs.js';
import { identifier, functionSymbols, cString } from './names.js';
import { showFunc, Ty } from './ir.js';
import { CompileError } from './errors.js';
import { TRAPS, trapCode } from '../traps.js';

export type Target = 'kernel' | 'host';

export interface CompileOptions {
  target: Target;
  /** Passes whose result to print: 'ir', 'fuse', 'regalloc'. */
  dump?: Set<string>;
  dumpTo?: (text: string) => void;
}

const PAGE = 65536;

/** A constant expression's value, or the import it reads. */
function constExpr(e: Instr[], globalSym: (i: number) => string): { value?: bigint; global?: string } {
  if (e.length !== 1) throw new CompileError('constant expressions of several instructions are not supported');
  const i = e[0];
  switch (opName(i.op)) {
    case 'i32.const': return { value: BigInt(i.imm! | 0) };
    case 'i64.const': return { value: BigInt.asIntN(64, i.big!) };
    case 'f32.const': return { value: BigInt(i.bits! >>> 0) };
    case 'f64.const': return { value: BigInt.asUintN(64, i.big!) };
    case 'ref.null': return { value: 0n };
    case 'global.get': return { global: globalSym(i.imm!) };
    default: throw new CompileError(`constant expression ${opName(i.op)} is not supported`, i.offset);
  }
}

const TYPE_LETTER: Record<Ty, string> = { i32: 'i', i64: 'I', f32: 'f', f64: 'F' };

export function compileModule(m: Module, opts: CompileOptions): string {
  const intrinsicModule = opts.target === 'kernel' ? 'x86' : null;
  const dump = (pass: string, text: string) => {
    if (opts.dump?.has(pass)) (opts.dumpTo ?? ((t: string) => process.stderr.write(t)))(text);
  };

  const funcImports = m.imports.filter((x) => x.kind === 'func');
  const globalImports = m.imports.filter((x) => x.kind === 'global');
  for (const imp of funcImports) {
    if (imp.module === 'x86' && intrinsicModule !== 'x86') {
      throw new CompileError(`import x86.${imp.name}: x86 intrinsics exist only for --target=kernel`);
    }
  }
  if (m.tables.length || m.imports.some((x) => x.kind === 'table')) {
    // Tables come with call_indirect; not in this slice.
  }
  const nfuncs = m.funcTypes.length;
  const importSym = (mod: string, name: string) => identifier(`wasm_import_${mod}_${name}`);
  const syms = functionSymbols(
    nfuncs,
    (i) => m.names.funcs.get(i),
    (i) => (i < m.numImportedFuncs ? importSym(funcImports[i].module, funcImports[i].name) : null),
  );
  const globalSym = (i: number) =>
    i < m.numImportedGlobals ? importSym(globalImports[i].module, globalImports[i].name) : `wasm.global${i}`;

  const info: ModuleInfo = {
    funcSymbol: (i) => syms[i],
    funcSig: (i) => sigTys(m.funcTypes[i]),
    globalSymbol: globalSym,
  };

  const text: string[] = [];
  const rodata: string[] = [];
  const data: string[] = [];
  const externs = new Set<string>(['__wasm_memory_base', '__wasm_trap', '__wasm_memory_grow']);
  const globals = new Set<string>([
    '__wasm_init', '__wasm_memory_pages', '__wasm_memory_max_pages', '__wasm_trap_names',
    '__wasm_trap_count', '__wasm_exports', '__wasm_memory_copy', '__wasm_memory_fill',
  ]);

  // Imported functions that are called (not intrinsics) are external symbols.
  for (let i = 0; i < m.numImportedFuncs; i++) {
    if (funcImports[i].module !== intrinsicModule) externs.add(syms[i]);
  }
  for (let i = 0; i < m.numImportedGlobals; i++) externs.add(globalSym(i));

  // Export labels for defined functions.
  const exportLabels = new Map<number, string[]>();
  const usedExportLabels = new Set<string>();
  for (const e of m.exports) {
    if (e.kind !== 'func' || e.index < m.numImportedFuncs) continue;
    const l = identifier(`wasm_export_${e.name}`);
    if (usedExportLabels.has(l)) continue;
    usedExportLabels.add(l);
    const list = exportLabels.get(e.index) ?? [];
    list.push(l);
    exportLabels.set(e.index, list);
    globals.add(l);
  }

  // --- functions ---------------------------------------------------------------
  for (let fi = m.numImportedFuncs; fi < nfuncs; fi++) {
    const sym = syms[fi];
    globals.add(sym);
    const f = lowerFunction(m, fi, sym, { intrinsicModule });
    dump('ir', showFunc(f));
    fuse(f);
    dump('fuse', showFunc(f));
    const alloc = allocate(f);
    if (opts.dump?.has('regalloc')) {
      const where = (l: number) => (l < 0 ? '-' : l >= SLOT ? `slot${l - SLOT}` : R64[l]);
      dump('regalloc', `${sym}: ${[...alloc.loc].map((l, v) => `v${v}=${where(l)}`).join(' ')}\n`);
    }
    const { text: ft, rodata: fr } = emitFunction(f, alloc, info);
    const name = m.names.funcs.get(fi);
    text.push('', `; function ${fi}${name !== undefined ? ` '${name}'` : ''}`);
    for (const l of exportLabels.get(fi) ?? []) text.push(`${l}:`);
    text.push(...ft);
    rodata.push(...fr);
  }

  // --- memory ---------------------------------------------------------------------
  const mem = m.memoryTypes[0];
  const minPages = mem ? mem.min : 0;
  const maxPages = mem ? (mem.max ?? PAGE) : 0;
  data.push('align 8', '__wasm_memory_pages:', `    dq ${minPages}`, '__wasm_memory_max_pages:', `    dq ${maxPages}`);

  // --- globals -------------------------------------------------------------------------
  const initCode: string[] = [];
  m.globals.forEach((g, k) => {
    const i = m.numImportedGlobals + k;
    const ty = valTy(g.type.type);
    const c = constExpr(g.init, globalSym);
    data.push(`${globalSym(i)}:`);
    if (c.value !== undefined) data.push(`    dq ${BigInt.asUintN(64, c.value)}`);
    else {
      data.push('    dq 0');
      initCode.push(`    mov rax, [${c.global}]`, `    mov [${globalSym(i)}], ${ty === 'i32' || ty === 'f32' ? 'eax' : 'rax'}`);
    }
  });

  // --- data segments ----------------------------------------------------------------------
  m.datas.forEach((d, k) => {
    const lbl = `wasm.data${k}`;
    rodata.push(`${lbl}:`);
    for (let o = 0; o < d.bytes.length; o += 32) {
      rodata.push(`    db ${[...d.bytes.subarray(o, o + 32)].join(', ')}`);
    }
    if (d.mode !== 'active') return;
    const c = constExpr(d.offset!, globalSym);
    if (c.value !== undefined) initCode.push(`    mov edi, ${BigInt.asUintN(32, c.value)}`);
    else initCode.push(`    mov edi, [${c.global}]`);
    initCode.push(`    lea rsi, [${lbl}]`, `    mov edx, ${d.bytes.length}`, '    call __wasm_init_copy');
  });
  if (m.elems.some((e) => e.mode === 'active' && e.init.length > 0)) {
    throw new CompileError('element segments (tables) are not supported yet');
  }
  if (m.start !== undefined) initCode.push(`    call ${syms[m.start]}`);

  text.push(
    '',
    '; Set up the instance: globals, data segments, then the start function.',
    '__wasm_init:',
    '    push rbp',
    '    mov rbp, rsp',
    ...initCode,
    '    pop rbp',
    '    ret',
  );
  text.push(...memoryHelpers());

  // --- traps --------------------------------------------------------------------------------
  rodata.push('align 8', '__wasm_trap_count:', `    dq ${TRAPS.length}`, '__wasm_trap_names:');
  TRAPS.forEach((_, k) => rodata.push(`    dq wasm.trapname${k}`));
  TRAPS.forEach((t, k) => rodata.push(`wasm.trapname${k}:`, `    db ${cString(t)}`));

  // --- exports: table and wrappers --------------------------------------------------------
  const funcExports = m.exports.filter((e) => e.kind === 'func');
  rodata.push('align 8', '__wasm_exports:', `    dq ${funcExports.length}`);
  funcExports.forEach((e, k) => {
    rodata.push(`    dq wasm.expname${k}, wasm.wrap${k}, wasm.expparams${k}, wasm.expresults${k}`);
  });
  funcExports.forEach((e, k) => {
    const sig = sigTys(m.funcTypes[e.index]);
    rodata.push(`wasm.expname${k}:`, `    db ${cString(e.name)}`);
    rodata.push(`wasm.expparams${k}:`, `    db ${cString(sig.params.map((t) => TYPE_LETTER[t]).join(''))}`);
    rodata.push(`wasm.expresults${k}:`, `    db ${cString(sig.results.map((t) => TYPE_LETTER[t]).join(''))}`);
    text.push(...wrapper(`wasm.wrap${k}`, syms[e.index], sig.params, sig.results));
  });

  const lines = [
    `; Generated by wasmc (toolchain/) for target ${opts.target}. Do not edit.`,
    '; Contract with the environment: toolchain/ABI.md',
    'bits 64',
    'default rel',
    ...[...externs].map((s) => `extern ${s}`),
    ...[...globals].map((s) => `global ${s}`),
    '',
    'section .text',
    ...text,
    '',
    'section .rodata',
    ...rodata,
    '',
    'section .data',
    ...data,
    '',
  ];
  return lines.join('\n');
}

/** wrapper(uint64_t *args, uint64_t *results): calls fn with args from memory. */
function wrapper(label: string, fn: string, params: Ty[], results: Ty[]): string[] {
  const ARG = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];
  const ARG32 = ['edi', 'esi', 'edx', 'ecx', 'r8d', 'r9d'];
  if (params.some((t) => t === 'f32' || t === 'f64') || results.some((t) => t === 'f32' || t === 'f64')) {
    throw new CompileError(`export of '${fn}': floating-point parameters and results are not supported yet`);
  }
  if (results.length > 1) throw new CompileError(`export of '${fn}': several results are not supported yet`);
  const out = [`${label}:`, '    push rbp', '    mov rbp, rsp', '    push rbx', '    push r12', '    mov rbx, rdi', '    mov r12, rsi'];
  const nstack = Math.max(0, params.length - ARG.length);
  const pad = nstack & 1;
  if (pad) out.push('    sub rsp, 8');
  for (let k = params.length - 1; k >= ARG.length; k--) out.push(`    push qword [rbx + ${8 * k}]`);
  params.slice(0, ARG.length).forEach((t, k) => {
    out.push(t === 'i32' ? `    mov ${ARG32[k]}, [rbx + ${8 * k}]` : `    mov ${ARG[k]}, [rbx + ${8 * k}]`);
  });
  out.push(`    call ${fn}`);
  if (nstack + pad) out.push(`    add rsp, ${8 * (nstack + pad)}`);
  if (results.length === 1) {
    out.push(results[0] === 'i32' ? '    mov eax, eax' : '', '    mov [r12], rax');
  }
  out.push('    pop r12', '    pop rbx', '    pop rbp', '    ret');
  return out.filter((l) => l !== '');
}

/** memory.copy, memory.fill and the data-segment copy, with their bounds checks. */
function memoryHelpers(): string[] {
  const oob = trapCode('out of bounds memory access');
  return [
    '',
    '; memory.copy(dst edi, src esi, n edx): trap unless both ranges are inside memory.',
    '__wasm_memory_copy:',
    '    mov edi, edi',
    '    mov esi, esi',
    '    mov edx, edx',
    '    mov rax, [__wasm_memory_pages]',
    '    shl rax, 16',
    '    lea rcx, [rdi + rdx]',
    '    cmp rcx, rax',
    '    ja .oob',
    '    lea rcx, [rsi + rdx]',
    '    cmp rcx, rax',
    '    ja .oob',
    '    mov r11, __wasm_memory_base',
    '    add rdi, r11',
    '    add rsi, r11',
    '    mov rcx, rdx',
    '    cmp rdi, rsi',
    '    ja .backward',
    '    rep movsb',
    '    ret',
    '.backward:',
    '    lea rdi, [rdi + rcx - 1]',
    '    lea rsi, [rsi + rcx - 1]',
    '    std',
    '    rep movsb',
    '    cld',
    '    ret',
    '.oob:',
    `    mov edi, ${oob}`,
    '    and rsp, -16',
    '    call __wasm_trap',
    '',
    '; memory.fill(dst edi, value esi, n edx)',
    '__wasm_memory_fill:',
    '    mov edi, edi',
    '    mov edx, edx',
    '    mov rax, [__wasm_memory_pages]',
    '    shl rax, 16',
    '    lea rcx, [rdi + rdx]',
    '    cmp rcx, rax',
    '    ja .oob',
    '    mov r11, __wasm_memory_base',
    '    add rdi, r11',
    '    mov eax, esi',
    '    mov rcx, rdx',
    '    rep stosb',
    '    ret',
    '.oob:',
    `    mov edi, ${oob}`,
    '    and rsp, -16',
    '    call __wasm_trap',
    '',
    '; Copy an active data segment: (dst edi in linear memory, src rsi, n edx).',
    '__wasm_init_copy:',
    '    mov edi, edi',
    '    mov edx, edx',
    '    mov rax, [__wasm_memory_pages]',
    '    shl rax, 16',
    '    lea rcx, [rdi + rdx]',
    '    cmp rcx, rax',
    '    ja .oob',
    '    mov r11, __wasm_memory_base',
    '    add rdi, r11',
    '    mov rcx, rdx',
    '    rep movsb',
    '    ret',
    '.oob:',
    `    mov edi, ${oob}`,
    '    and rsp, -16',
    '    call __wasm_trap',
  ];
}
