// The whole output file for one module: every function through the passes
// (lower -> fuse -> dce -> allocate -> emit), then what the environment needs around
// them (toolchain/ABI.md): globals, tables, function references, element and
// data segments and __wasm_init, the out-of-line helpers (bulk memory, tables),
// the trap-name table, the export table and its call wrappers.
//
// Run-time shapes (private to the module, see also ABI.md):
// - a function reference is the address of its descriptor
//   `dq code, signature hash`, or 0 for null; call_indirect compares hashes
//   (FNV-1a of the signature text), so references also work across modules;
// - a table is `dq size, capacity, entry 0, entry 1, ...` (capacity: the
//   maximum, or the minimum plus TABLE_SLACK entries, so table.grow needs no
//   allocator);
// - a segment (element or data) is `dq address, length`; dropping it sets
//   the length to 0.

import type { Module, Instr } from '../wasm/types.js';
import { opName } from '../wasm/opcodes.js';
import { lowerFunction, valTy, sigTys } from './lower.js';
import { fuse } from './fuse.js';
import { dce } from './dce.js';
import { licm } from './licm.js';
import { splitWebs } from './webs.js';
import { allocate, SLOT, argPlaces } from './regalloc.js';
import { emitFunction, ModuleInfo } from './x64/emit.js';
import { R64 } from './x64/regs.js';
import { identifier, functionSymbols, cString } from './names.js';
import { showFunc, Ty, isFloat } from './ir.js';
import { CompileError } from './errors.js';
import { TRAPS, trapCode } from '../traps.js';
import { checkUserImports, userHeader, userText } from '../abi/user.js';
import type { PassTimer } from '../timing.js';

export type Target = 'kernel' | 'host' | 'user';
/** Instruction-set level of the generated code: baseline x86-64 (SSE2 only,
 * the default, what the kernel and every x86-64 PC can run) or x86-64-v2
 * (adds SSE4.1 `rounds*` for ceil/floor/trunc/nearest and `popcnt`). */
export type Cpu = 'x86-64' | 'x86-64-v2';

export interface CompileOptions {
  target: Target;
  /** Instruction-set level (default 'x86-64': SSE2 only). */
  cpu?: Cpu;
  /** Prepended to every global symbol of the module (functions, exports,
   * __wasm_init, export tables, exported globals and tables) so that several
   * modules can be linked into one executable. Memory symbols are shared and
   * never prefixed; the trap-name table is emitted only without a prefix. */
  prefix?: string;
  /** Where linear memory is (ABI.md): 'fixed' (the default) at the link-time
   * constant __wasm_memory_base, one memory per executable; 'relocatable'
   * (host target only) in a memory object `dq base, pages, max_pages` that
   * the environment fills in, so that several modules of one executable can
   * each own a memory. Code then reads the base once per function. */
  memory?: 'fixed' | 'relocatable';
  /** The symbol an import binds to (default: wasm_import_<module>_<name>). */
  resolveImport?: (module: string, name: string, kind: string) => string | undefined;
  /** Passes whose result to print: 'ir', 'fuse', 'dce', 'webs', 'licm', 'regalloc'. */
  dump?: Set<string>;
  dumpTo?: (text: string) => void;
  /** Collects the time of each pass (wasmc --time-passes). */
  timer?: PassTimer;
}

const PAGE = 65536;
/** Entries a table without a (small) maximum can grow by. */
const TABLE_SLACK = 4096;

/** The signature hash that call_indirect compares (refs count as i64 here,
 * so the Wasm value types are spelled out). */
export function sigHash(params: readonly number[], results: readonly number[]): bigint {
  const text = `${params.join(',')}->${results.join(',')}`;
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

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
    case 'ref.func': return { global: `=${i.imm!}` };
    case 'global.get': return { global: globalSym(i.imm!) };
    default: throw new CompileError(`constant expression ${opName(i.op)} is not supported`, i.offset);
  }
}


export function compileModule(m: Module, opts: CompileOptions): string {
  // User programs (toolchain/src/abi/user.ts) get the ring-3 intrinsics only.
  const intrinsicModule = opts.target === 'kernel' || opts.target === 'user' ? 'x86' : null;
  const dump = (pass: string, text: () => string) => {
    if (opts.dump?.has(pass)) (opts.dumpTo ?? ((t: string) => process.stderr.write(t)))(text());
  };
  const timer = opts.timer;
  const time = <T>(pass: string, f: () => T): T => (timer ? timer.run(pass, f) : f());

  const funcImports = m.imports.filter((x) => x.kind === 'func');
  const tableImports = m.imports.filter((x) => x.kind === 'table');
  for (const imp of funcImports) {
    if (imp.module === 'x86' && intrinsicModule !== 'x86') {
      throw new CompileError(`import x86.${imp.name}: x86 intrinsics exist only for --target=kernel`);
    }
  }
  const user = opts.target === 'user';
  if (user) checkUserImports(m);
  const memoryImported = m.imports.some((x) => x.kind === 'memory');
  const prefix = opts.prefix ?? '';
  const nfuncs = m.funcTypes.length;
  const { syms, globalSym, tableSym, memSym } = moduleSymbols(m, opts);
  const relocatable = opts.memory === 'relocatable';
  if (relocatable && opts.target !== 'host') throw new CompileError('the relocatable memory model exists only for --target=host');
  const hasMemory = m.memoryTypes.length > 0;
  // Relocatable: the memory object this module defines or imports.
  const memObject = relocatable && hasMemory ? memSym() : undefined;
  const isIntrinsic = (i: number) => i < m.numImportedFuncs && funcImports[i].module === intrinsicModule;
  const funcRefSym = (i: number) => {
    if (isIntrinsic(i)) throw new CompileError(`a reference to intrinsic ${funcImports[i].module}.${funcImports[i].name} is not possible`);
    return `wasm.fref${i}`;
  };
  const hashOf = (ti: number) => sigHash(m.types[ti].params, m.types[ti].results);
  const funcHash = (fi: number) => sigHash(m.funcTypes[fi].params, m.funcTypes[fi].results);

  const info: ModuleInfo = {
    funcSymbol: (i) => syms[i],
    globalSymbol: globalSym,
    tableSymbol: tableSym,
    funcRefSymbol: funcRefSym,
    typeHash: hashOf,
    memoryObject: memObject,
  };

  const text: string[] = [];
  const rodata: string[] = [];
  const data: string[] = [];
  const bss: string[] = [];
  const externs = new Set<string>(relocatable ? ['__wasm_trap', '__wasm_memory_grow_at'] : ['__wasm_memory_base', '__wasm_trap', '__wasm_memory_grow']);
  // A user program's environment is in its own output (abi/user.ts).
  if (user) ['__wasm_memory_base', '__wasm_trap', '__wasm_memory_grow'].forEach((s) => externs.delete(s));
  const P = (s: string) => prefix + s;
  const globals = new Set<string>([P('__wasm_init'), P('__wasm_exports'), P('__wasm_global_exports')]);
  if (!prefix) ['__wasm_trap_names', '__wasm_trap_count'].forEach((x) => globals.add(x));
  // Linear memory: defined here, or the environment's (an imported memory).
  // A module without memory defines the (empty) memory only when it stands
  // alone; linked with others (a prefix) it leaves that to whoever has one.
  // Relocatable: the module's own memory object is global, an imported one extern.
  const definesMemory = relocatable ? m.memories.length > 0 : m.memories.length > 0 || (!memoryImported && !prefix);
  const memorySymbols = relocatable ? (memObject ? [memObject] : []) : ['__wasm_memory_pages', '__wasm_memory_max_pages'];
  if (definesMemory) memorySymbols.forEach((x) => globals.add(x));
  else memorySymbols.forEach((x) => externs.add(x));
  // Exported globals and tables are visible to modules linked with this one.
  for (const e of m.exports) {
    if (e.kind === 'global' && e.index >= m.numImportedGlobals) globals.add(globalSym(e.index));
    if (e.kind === 'table' && e.index >= tableImports.length) globals.add(tableSym(e.index));
  }

  // Imported functions that are called (not intrinsics) are external symbols.
  // (User programs: the sys.* stubs are in the output.)
  for (let i = 0; i < m.numImportedFuncs; i++) if (!isIntrinsic(i) && !user) externs.add(syms[i]);
  for (let i = 0; i < m.numImportedGlobals; i++) externs.add(globalSym(i));
  for (let i = 0; i < tableImports.length; i++) externs.add(tableSym(i));

  // Export labels for defined functions.
  const exportLabels = new Map<number, string[]>();
  const usedExportLabels = new Set<string>();
  for (const e of m.exports) {
    if (e.kind !== 'func' || e.index < m.numImportedFuncs) continue;
    const l = P(identifier(`wasm_export_${e.name}`));
    if (usedExportLabels.has(l)) continue;
    usedExportLabels.add(l);
    const list = exportLabels.get(e.index) ?? [];
    list.push(l);
    exportLabels.set(e.index, list);
    globals.add(l);
  }

  // --- functions ---------------------------------------------------------------
  const lowerOpts = {
    intrinsicModule, tableSym, elemSym: (k: number) => `wasm.elemseg${k}`, dataSym: (k: number) => `wasm.dataseg${k}`,
    memBaseValue: memObject !== undefined,
  };
  for (let fi = m.numImportedFuncs; fi < nfuncs; fi++) {
    const sym = syms[fi];
    globals.add(sym);
    timer?.beginFunction();
    const f = time('lower', () => lowerFunction(m, fi, sym, lowerOpts));
    dump('ir', () => showFunc(f));
    time('fuse', () => fuse(f));
    dump('fuse', () => showFunc(f));
    time('dce', () => dce(f));
    dump('dce', () => showFunc(f));
    time('webs', () => splitWebs(f));
    dump('webs', () => showFunc(f));
    time('licm', () => licm(f));
    dump('licm', () => showFunc(f));
    const alloc = time('regalloc', () => allocate(f));
    const where = (l: number) => (l < 0 ? '-' : l >= SLOT ? `slot${l - SLOT}` : l >= 16 ? `xmm${l - 16}` : R64[l]);
    dump('regalloc', () => `${sym}: ${[...alloc.loc].map((l, v) => `v${v}=${where(l)}`).join(' ')}\n`);
    const { text: ft, rodata: fr } = time('emit', () => emitFunction(f, alloc, info, { v2: opts.cpu === 'x86-64-v2' }));
    timer?.endFunction(sym);
    const name = m.names.funcs.get(fi);
    text.push('', `; function ${fi}${name !== undefined ? ` '${name}'` : ''}`);
    for (const l of exportLabels.get(fi) ?? []) text.push(`${l}:`);
    text.push(...ft);
    rodata.push(...fr);
  }

  // --- function references -----------------------------------------------------------
  rodata.push('align 8');
  for (let fi = 0; fi < nfuncs; fi++) {
    if (!isIntrinsic(fi)) rodata.push(`wasm.fref${fi}:`, `    dq ${syms[fi]}, ${BigInt.asUintN(64, funcHash(fi))}`);
  }

  // --- memory ---------------------------------------------------------------------
  if (definesMemory) {
    const mem = m.memoryTypes[0];
    const minPages = mem ? mem.min : 0;
    const maxPages = mem ? (mem.max ?? PAGE) : 0;
    if (relocatable) data.push('align 8', `${memObject}:`, `    dq 0, ${minPages}, ${maxPages}`);
    else data.push('align 8', '__wasm_memory_pages:', `    dq ${minPages}`, '__wasm_memory_max_pages:', `    dq ${maxPages}`);
  }

  /** A constant expression's value into rax (at init time). */
  const valueToRax = (e: Instr[]): string[] => {
    const c = constExpr(e, globalSym);
    if (c.value !== undefined) return [`    mov rax, ${c.value}`];
    if (c.global!.startsWith('=')) return [`    lea rax, [${funcRefSym(Number(c.global!.slice(1)))}]`];
    return [`    mov rax, [${c.global}]`];
  };

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
      initCode.push(...valueToRax(g.init), `    mov [${globalSym(i)}], ${ty === 'i32' || ty === 'f32' ? 'eax' : 'rax'}`);
    }
  });

  // --- tables ---------------------------------------------------------------------------
  m.tables.forEach((t, k) => {
    const i = tableImports.length + k;
    const cap = Math.min(t.limits.max ?? 0xffffffff, t.limits.min + TABLE_SLACK);
    bss.push('alignb 8', `${tableSym(i)}:`, `    resq ${2 + cap}`);
    initCode.push(`    mov qword [${tableSym(i)}], ${t.limits.min}`, `    mov qword [${tableSym(i)} + 8], ${cap}`);
  });

  // --- segments ---------------------------------------------------------------------------
  // Element segments live in .data: global.get entries are filled in at init.
  m.elems.forEach((e, k) => {
    data.push('align 8', `wasm.elem${k}:`);
    e.init.forEach((x, j) => {
      const c = constExpr(x, globalSym);
      if (c.value !== undefined) data.push('    dq 0');
      else if (c.global!.startsWith('=')) data.push(`    dq ${funcRefSym(Number(c.global!.slice(1)))}`);
      else {
        data.push('    dq 0');
        initCode.push(`    mov rax, [${c.global}]`, `    mov [wasm.elem${k} + ${8 * j}], rax`);
      }
    });
    data.push(`wasm.elemseg${k}:`, `    dq wasm.elem${k}, ${e.mode === 'passive' ? e.init.length : 0}`);
  });
  m.datas.forEach((d, k) => {
    const lbl = `wasm.data${k}`;
    rodata.push(`${lbl}:`);
    for (let o = 0; o < d.bytes.length; o += 32) {
      rodata.push(`    db ${[...d.bytes.subarray(o, o + 32)].join(', ')}`);
    }
    data.push('align 8', `wasm.dataseg${k}:`, `    dq ${lbl}, ${d.bytes.length}`);
  });
  // Instantiation, in the spec's order: active element segments, then active
  // data segments (each checked, copied, then dropped), then the start function.
  const offsetToEdx = (e: Instr[]) => {
    const c = constExpr(e, globalSym);
    return c.value !== undefined ? `    mov edx, ${BigInt.asUintN(32, c.value)}` : `    mov edx, [${c.global}]`;
  };
  m.elems.forEach((e, k) => {
    if (e.mode !== 'active') return;
    initCode.push(
      `    mov qword [wasm.elemseg${k} + 8], ${e.init.length}`,
      `    lea rdi, [${tableSym(e.table)}]`, `    lea rsi, [wasm.elemseg${k}]`, offsetToEdx(e.offset!),
      '    xor ecx, ecx', `    mov r8d, ${e.init.length}`, '    call __wasm_table_init',
      `    mov qword [wasm.elemseg${k} + 8], 0`,
    );
  });
  m.datas.forEach((d, k) => {
    if (d.mode !== 'active') return;
    initCode.push(
      `    lea rdi, [wasm.dataseg${k}]`, offsetToEdx(d.offset!).replace('edx', 'esi'), '    xor edx, edx',
      `    mov ecx, ${d.bytes.length}`, '    call __wasm_memory_init', `    mov qword [wasm.dataseg${k} + 8], 0`,
    );
  });
  if (m.start !== undefined) initCode.push(`    call ${syms[m.start]}`);

  text.push(
    '',
    '; Set up the instance: globals, tables, segments, then the start function.',
    `${P('__wasm_init')}:`,
    '    push rbp',
    '    mov rbp, rsp',
    ...initCode,
    '    pop rbp',
    '    ret',
  );
  text.push(...helpers(relocatable ? memObject ?? null : '__wasm_memory_base'));

  // --- traps --------------------------------------------------------------------------------
  if (!prefix) rodata.push(...trapTable());

  // --- exports: table and wrappers --------------------------------------------------------
  const funcExports = m.exports.filter((e) => e.kind === 'func');
  rodata.push('align 8', `${P('__wasm_exports')}:`, `    dq ${funcExports.length}`);
  funcExports.forEach((e, k) => {
    rodata.push(`    dq wasm.expname${k}, ${utf8Length(e.name)}, wasm.wrap${k}, wasm.expparams${k}, wasm.expresults${k}`);
  });
  funcExports.forEach((e, k) => {
    const sig = sigTys(m.funcTypes[e.index]);
    if (isIntrinsic(e.index)) throw new CompileError(`export '${e.name}' re-exports an intrinsic`);
    rodata.push(`wasm.expname${k}:`, `    db ${cString(e.name)}`);
    rodata.push(`wasm.expparams${k}:`, `    db ${cString(m.funcTypes[e.index].params.map(typeLetter).join(''))}`);
    rodata.push(`wasm.expresults${k}:`, `    db ${cString(m.funcTypes[e.index].results.map(typeLetter).join(''))}`);
    text.push(...wrapper(`wasm.wrap${k}`, syms[e.index], sig.params, sig.results));
  });

  const globalExports = m.exports.filter((e) => e.kind === 'global');
  rodata.push('align 8', `${P('__wasm_global_exports')}:`, `    dq ${globalExports.length}`);
  globalExports.forEach((e, k) => rodata.push(`    dq wasm.gexpname${k}, ${utf8Length(e.name)}, ${globalSym(e.index)}, wasm.gexptype${k}`));
  globalExports.forEach((e, k) => {
    rodata.push(`wasm.gexpname${k}:`, `    db ${cString(e.name)}`);
    rodata.push(`wasm.gexptype${k}:`, `    db ${cString(typeLetter(m.globalTypes[e.index].type))}`);
  });

  return time('output', () => [
    `; Generated by wasmc (toolchain/) for target ${opts.target}. Do not edit.`,
    '; Contract with the environment: toolchain/ABI.md',
    'bits 64',
    'default rel',
    '%use smartalign', // `align` pads code with long NOPs (padding in data is never read)
    'alignmode p6, 64',
    ...[...externs].map((s) => `extern ${s}`),
    ...[...globals].map((s) => `global ${s}`),
    ...(user ? userHeader() : []),
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
    'section .bss',
    ...bss,
    '',
    ...(user ? ['section .text', ...userText(m, ...userMain(m, syms), tableImports.length + m.tables.length > 0 ? tableSym(0) : null), ''] : []),
  ].join('\n'));
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** A user program's exported `main` (no parameters; no result or an i32
 * exit status), called after __wasm_init; or none. */
function userMain(m: Module, syms: string[]): [string | null, boolean] {
  const e = m.exports.find((x) => x.kind === 'func' && x.name === 'main');
  if (!e) return [null, false];
  const t = m.funcTypes[e.index];
  if (t.params.length !== 0 || t.results.length > 1 || (t.results.length === 1 && t.results[0] !== 0x7f)) {
    throw new CompileError('export main of a user program must take no parameters and return nothing or an i32 (its exit status)');
  }
  return [syms[e.index], t.results.length === 1];
}

/** The global symbols of a module's functions, globals and tables (imports
 * resolved through opts.resolveImport). */
export function moduleSymbols(m: Module, opts: CompileOptions) {
  const prefix = opts.prefix ?? '';
  const imp = (kind: string) => m.imports.filter((x) => x.kind === kind);
  const funcImports = imp('func'), globalImports = imp('global'), tableImports = imp('table');
  const importSym = (x: { module: string; name: string; kind: string }) =>
    opts.resolveImport?.(x.module, x.name, x.kind) ?? identifier(`wasm_import_${x.module}_${x.name}`);
  const syms = functionSymbols(
    m.funcTypes.length,
    (i) => m.names.funcs.get(i),
    (i) => (i < m.numImportedFuncs ? importSym(funcImports[i]) : null),
  ).map((s, i) => (i < m.numImportedFuncs ? s : prefix + s));
  const globalSym = (i: number) => (i < m.numImportedGlobals ? importSym(globalImports[i]) : `${prefix}wasm.global${i}`);
  const tableSym = (i: number) => (i < tableImports.length ? importSym(tableImports[i]) : `${prefix}wasm.table${i}`);
  /** The memory object of the relocatable model (ABI.md): the module's own,
   * `<prefix>__wasm_memory`, or the one its memory import binds to. */
  const memSym = () => {
    const mi = imp('memory')[0];
    return mi ? importSym(mi) : `${prefix}__wasm_memory`;
  };
  return { syms, globalSym, tableSym, memSym };
}

/** __wasm_trap_names and __wasm_trap_count (ABI.md): once per executable. */
export function trapTable(): string[] {
  const out = ['align 8', '__wasm_trap_count:', `    dq ${TRAPS.length}`, '__wasm_trap_names:'];
  TRAPS.forEach((_, k) => out.push(`    dq wasm.trapname${k}`));
  TRAPS.forEach((t, k) => out.push(`wasm.trapname${k}:`, `    db ${cString(t)}`));
  return out;
}

/** A module of a linked executable, for its link table: its symbol prefix
 * and, in the relocatable memory model, the memory object it uses (its own
 * or an imported one; the runtime reserves the memory of an object whose base
 * is still 0 when it instantiates the module). */
export interface LinkedModule {
  prefix: string;
  memory?: string;
}

/** The link table of an executable made of several modules (host runtime
 * only, ABI.md): the modules in instantiation order, plus the trap-name table. */
export function linkTable(mods: LinkedModule[]): string {
  const externs = new Set<string>();
  for (const x of mods) {
    for (const s of ['__wasm_init', '__wasm_exports', '__wasm_global_exports']) externs.add(x.prefix + s);
    if (x.memory) externs.add(x.memory);
  }
  return [
    '; Generated by wasmc: the modules of this executable (see runtime/host.c).',
    'bits 64',
    'default rel',
    '%use smartalign', // `align` pads code with long NOPs (padding in data is never read)
    'alignmode p6, 64',
    ...[...externs].map((s) => `extern ${s}`),
    'global __wasm_modules, __wasm_trap_names, __wasm_trap_count',
    'section .rodata',
    'align 8',
    '__wasm_modules:',
    `    dq ${mods.length}`,
    ...mods.map((x) => `    dq ${x.prefix}__wasm_init, ${x.prefix}__wasm_exports, ${x.prefix}__wasm_global_exports, ${x.memory ?? 0}`),
    ...trapTable(),
    '',
  ].join('\n');
}

/** One letter per value type in the export table (ABI.md). */
function typeLetter(t: number): string {
  return { 0x7f: 'i', 0x7e: 'I', 0x7d: 'f', 0x7c: 'F' }[t] ?? 'r';
}

/** wrapper(uint64_t *args, uint64_t *results): calls fn with args from memory;
 * results[0] from rax/xmm0, results[1..] through the hidden buffer. */
function wrapper(label: string, fn: string, params: Ty[], results: Ty[]): string[] {
  const many = results.length > 1;
  const places = argPlaces(many ? [...params, 'i64'] : params);
  const out = [`${label}:`, '    push rbp', '    mov rbp, rsp', '    push rbx', '    push r12', '    mov rbx, rdi', '    mov r12, rsi'];
  const stack = places.map((p, k) => ({ p, k })).filter((x) => 'stack' in x.p);
  const pad = stack.length & 1;
  if (pad) out.push('    sub rsp, 8');
  for (let j = stack.length - 1; j >= 0; j--) {
    if (stack[j].k === params.length) out.push('    lea rax, [r12 + 8]', '    push rax'); // the hidden result buffer
    else out.push(`    push qword [rbx + ${8 * stack[j].k}]`);
  }
  places.forEach((p, k) => {
    if (!('reg' in p)) return;
    if (k === params.length) out.push(`    lea ${R64[p.reg]}, [r12 + 8]`);
    else if (isFloat(params[k])) out.push(`    ${params[k] === 'f32' ? 'movss' : 'movsd'} xmm${p.reg - 16}, [rbx + ${8 * k}]`);
    else out.push(`    mov ${R64[p.reg]}, [rbx + ${8 * k}]`);
  });
  out.push(`    call ${fn}`);
  if (stack.length + pad) out.push(`    add rsp, ${8 * (stack.length + pad)}`);
  if (results.length >= 1) {
    if (results[0] === 'f32') out.push('    movd eax, xmm0');
    else if (results[0] === 'f64') out.push('    movq rax, xmm0');
    else if (results[0] === 'i32') out.push('    mov eax, eax');
    out.push('    mov [r12], rax');
  }
  out.push('    pop r12', '    pop rbx', '    pop rbp', '    ret');
  return out;
}

/** The out-of-line helpers: bulk memory, segments and tables, with their
 * bounds checks. System V calls; local to the module. `memory`: the fixed
 * base symbol (__wasm_memory_base), a relocatable memory object, or null
 * (relocatable without a memory: no memory helpers). */
function helpers(memory: string | null): string[] {
  const oob = trapCode('out of bounds memory access');
  const toob = trapCode('out of bounds table access');
  const trap = (code: number) => [`    mov edi, ${code}`, '    and rsp, -16', '    call __wasm_trap'];
  const fixed = memory === '__wasm_memory_base';
  const memEnd = [`    mov r8, [${fixed ? '__wasm_memory_pages' : memory + ' + 8'}]`, '    shl r8, 16'];
  const baseToR11 = fixed ? '    mov r11, __wasm_memory_base' : `    mov r11, [${memory}]`;
  const mem = memory === null ? [] : [
    '',
    '; memory.copy(dst edi, src esi, n edx): trap unless both ranges are inside memory.',
    '__wasm_memory_copy:',
    '    mov edi, edi',
    '    mov esi, esi',
    '    mov edx, edx',
    ...memEnd,
    '    lea rcx, [rdi + rdx]',
    '    cmp rcx, r8',
    '    ja .oob',
    '    lea rcx, [rsi + rdx]',
    '    cmp rcx, r8',
    '    ja .oob',
    baseToR11,
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
    ...trap(oob),
    '',
    '; memory.fill(dst edi, value esi, n edx)',
    '__wasm_memory_fill:',
    '    mov edi, edi',
    '    mov edx, edx',
    ...memEnd,
    '    lea rcx, [rdi + rdx]',
    '    cmp rcx, r8',
    '    ja .oob',
    baseToR11,
    '    add rdi, r11',
    '    mov eax, esi',
    '    mov rcx, rdx',
    '    rep stosb',
    '    ret',
    '.oob:',
    ...trap(oob),
    '',
    '; memory.init(segment rdi, dst esi, src edx, n ecx)',
    '__wasm_memory_init:',
    '    mov esi, esi',
    '    mov edx, edx',
    '    mov ecx, ecx',
    '    lea rax, [rdx + rcx]',
    '    cmp rax, [rdi + 8]',
    '    ja .oob',
    ...memEnd,
    '    lea rax, [rsi + rcx]',
    '    cmp rax, r8',
    '    ja .oob',
    '    mov rax, [rdi]',
    '    add rax, rdx',
    baseToR11,
    '    lea rdi, [r11 + rsi]',
    '    mov rsi, rax',
    '    rep movsb',
    '    ret',
    '.oob:',
    ...trap(oob),
  ];
  return [
    ...mem,
    '',
    '; data.drop / elem.drop (segment rdi)',
    '__wasm_segment_drop:',
    '    mov qword [rdi + 8], 0',
    '    ret',
    '',
    '; table.init(table rdi, segment rsi, dst edx, src ecx, n r8d)',
    '__wasm_table_init:',
    '    mov edx, edx',
    '    mov ecx, ecx',
    '    mov r8d, r8d',
    '    lea rax, [rcx + r8]',
    '    cmp rax, [rsi + 8]',
    '    ja .oob',
    '    lea rax, [rdx + r8]',
    '    cmp rax, [rdi]',
    '    ja .oob',
    '    mov rax, [rsi]',
    '    lea rsi, [rax + rcx*8]',
    '    lea rdi, [rdi + 16 + rdx*8]',
    '    mov rcx, r8',
    '    rep movsq',
    '    ret',
    '.oob:',
    ...trap(toob),
    '',
    '; table.copy(dst table rdi, src table rsi, dst edx, src ecx, n r8d)',
    '__wasm_table_copy:',
    '    mov edx, edx',
    '    mov ecx, ecx',
    '    mov r8d, r8d',
    '    lea rax, [rdx + r8]',
    '    cmp rax, [rdi]',
    '    ja .oob',
    '    lea rax, [rcx + r8]',
    '    cmp rax, [rsi]',
    '    ja .oob',
    '    lea rdi, [rdi + 16 + rdx*8]',
    '    lea rsi, [rsi + 16 + rcx*8]',
    '    mov rcx, r8',
    '    cmp rdi, rsi',
    '    ja .backward',
    '    rep movsq',
    '    ret',
    '.backward:',
    '    lea rdi, [rdi + rcx*8 - 8]',
    '    lea rsi, [rsi + rcx*8 - 8]',
    '    std',
    '    rep movsq',
    '    cld',
    '    ret',
    '.oob:',
    ...trap(toob),
    '',
    '; table.fill(table rdi, start esi, value rdx, n ecx)',
    '__wasm_table_fill:',
    '    mov esi, esi',
    '    mov ecx, ecx',
    '    lea rax, [rsi + rcx]',
    '    cmp rax, [rdi]',
    '    ja .oob',
    '    lea rdi, [rdi + 16 + rsi*8]',
    '    mov rax, rdx',
    '    rep stosq',
    '    ret',
    '.oob:',
    ...trap(toob),
    '',
    '; table.grow(table rdi, init rsi, delta edx) -> old size in eax, or -1',
    '__wasm_table_grow:',
    '    mov edx, edx',
    '    mov r9, [rdi]',
    '    mov rcx, [rdi + 8]',
    '    sub rcx, r9',
    '    cmp rdx, rcx',
    '    ja .fail',
    '    lea rcx, [r9 + rdx]',
    '    mov [rdi], rcx',
    '    lea rdi, [rdi + 16 + r9*8]',
    '    mov rax, rsi',
    '    mov rcx, rdx',
    '    rep stosq',
    '    mov eax, r9d',
    '    ret',
    '.fail:',
    '    mov eax, -1',
    '    ret',
  ];
}
