// The conformance runner: the official WebAssembly spec suite (JSON + .wasm
// form, one folder per .wast file, see the suite's README.md) through our
// backend for the build-host target.
//
// Contract: every binary module of a file is compiled by wasmc for the build
// host. Modules that import from each other (through `register`) form a link
// group: they are linked, each under its own symbol prefix, into one
// executable with toolchain/runtime/host.c, which holds their instances; a
// module that imports from nobody is a group of its own. The commands that
// concern a group (instantiations, invocations, gets) are sent to its process
// in file order through the runtime's line protocol. Checked: assert_return
// (values; NaNs by class), assert_trap (trap message), assert_exhaustion,
// bare actions (must not trap), assert_invalid / assert_malformed (binary
// ones must be rejected), assert_unlinkable (imports nobody provides, or of
// the wrong type), assert_uninstantiable and module-form assert_trap
// (instantiation traps; what the failed instantiation wrote stays visible).
// Nothing is silently dropped: a command that is not run is a skip with its
// reason (a text-format module; a module our backend rejects with a
// CompileError, which names the missing feature).
//
// Memory: a group with at most one linear memory (its own or spectest's) is
// compiled with the fixed memory model that the kernel uses (base
// __wasm_memory_base); a group with several memories in the relocatable
// model (ABI.md), where each memory is an object the runtime places.
// WASMC_SPEC_MEMORY=relocatable compiles every group that way (a whole-suite
// check of that model).
//
// Representation of references at the protocol: null is 0; the spec's
// `ref.extern n` is n + 1.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadModule, WasmError } from './wasm/index.js';
import { compileModule, moduleSymbols, linkTable, CompileOptions, LinkedModule } from './codegen/module.js';
import { CompileError } from './codegen/errors.js';
import { linkHostExecutable, runRequests } from './host.js';
import type { Module, Import } from './wasm/types.js';
import { ValType } from './wasm/types.js';

interface Val { type: string; value?: string }
interface Action { type: 'invoke' | 'get'; module?: string; field: string; args?: Val[] }
interface Cmd {
  type: string; line: number; filename?: string; module_type?: string; text?: string;
  name?: string; as?: string; action?: Action; expected?: Val[];
}

export interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  skips: Map<string, number>;
}

export interface SuiteResult {
  files: FileResult[];
  passed: number;
  failed: number;
  skipped: number;
  skips: Map<string, number>;
}

/** The suite's folder: $WASM_SPEC_TESTS, or ../shared/wasm-spec-tests beside the repository. */
export function specSuiteDir(repoRoot: string): string {
  return process.env.WASM_SPEC_TESTS ?? path.resolve(repoRoot, '../shared/wasm-spec-tests');
}

export function specFiles(suite: string): string[] {
  if (!existsSync(suite)) return [];
  return readdirSync(suite).filter((f) => existsSync(path.join(suite, f, `${f}.json`))).sort();
}

// What the host runtime's spectest module offers (host.c), as import signatures.
const I = ValType.I32, L = ValType.I64, F = ValType.F32, D = ValType.F64;
const SPECTEST_FUNCS: Record<string, ValType[]> = {
  print: [], print_i32: [I], print_i64: [L], print_f32: [F], print_f64: [D], print_i32_f32: [I, F], print_f64_f64: [D, D],
};
const SPECTEST_GLOBALS: Record<string, ValType> = { global_i32: I, global_i64: L, global_f32: F, global_f64: D };

/** A compiled module of the file. */
interface Mod {
  seq: number; // its position in the file
  m: Module;
  opts: CompileOptions; // prefix and import resolution it was compiled with
  asm: string;
  group: Group;
  needPages: number; // an imported memory's minimum, checked at instantiation
}

/** One request to a group's process, and the command it answers. */
interface Req {
  seq: number;
  text: (g: Group) => string; // the protocol line(s), once the group is final
  cmd?: Cmd; // judged on the answer (none: bookkeeping)
  inst?: boolean; // an instantiation: the answer is "ok" or "trap ..."
  mod: Mod;
}

interface Group {
  mods: Mod[];
  reqs: Req[];
  merged?: Group; // set when merged into another group
  tainted?: string; // a module linked to it was skipped: its state is not the script's
}

const root = (g: Group): Group => (g.merged ? root(g.merged) : g);

/** Why import `imp` cannot be satisfied by the spectest module (or null). */
function spectestMismatch(m: Module, imp: Import): string | null {
  const what = `incompatible import spectest.${imp.name}`;
  switch (imp.kind) {
    case 'func': {
      const want = SPECTEST_FUNCS[imp.name];
      const t = m.types[imp.type!];
      return !want || t.results.length || t.params.join() !== want.join() ? what : null;
    }
    case 'global': {
      const want = SPECTEST_GLOBALS[imp.name];
      return want === undefined || imp.global!.type !== want || imp.global!.mutable ? what : null;
    }
    case 'table': {
      const t = imp.table!;
      return imp.name !== 'table' || t.elem !== ValType.FuncRef || t.limits.min > 10 || (t.limits.max !== undefined && t.limits.max < 20) ? what : null;
    }
    case 'memory': {
      const l = imp.memory!;
      return imp.name !== 'memory' || l.min > 1 || (l.max !== undefined && l.max < 2) ? what : null;
    }
  }
  return what;
}

/** Why import `imp` cannot be satisfied by exporter `e` (or null). */
function exportMismatch(m: Module, imp: Import, e: Module): string | null {
  const x = e.exports.find((y) => y.name === imp.name);
  const what = `${imp.module}.${imp.name}`;
  if (!x) return `unknown import ${what}`;
  if (x.kind !== imp.kind) return `incompatible import ${what} (a ${x.kind})`;
  const limitsOk = (have: { min: number; max?: number }, want: { min: number; max?: number }) =>
    have.min >= want.min && (want.max === undefined || (have.max !== undefined && have.max <= want.max));
  switch (imp.kind) {
    case 'func': {
      const a = m.types[imp.type!], b = e.funcTypes[x.index];
      return a.params.join() === b.params.join() && a.results.join() === b.results.join() ? null : `incompatible import ${what}`;
    }
    case 'global': {
      const a = imp.global!, b = e.globalTypes[x.index];
      return a.type === b.type && a.mutable === b.mutable ? null : `incompatible import ${what}`;
    }
    case 'table': {
      const a = imp.table!, b = e.tableTypes[x.index];
      return a.elem === b.elem && limitsOk(b.limits, a.limits) ? null : `incompatible import ${what}`;
    }
    case 'memory': {
      // The minimum is checked at instantiation against the current size
      // (the exporter may have grown); the maximum here.
      const have = e.memoryTypes[x.index], want = imp.memory!;
      return limitsOk({ min: Infinity, max: have.max }, { min: 0, max: want.max }) ? null : `incompatible import ${what}`;
    }
  }
  return `incompatible import ${what}`;
}

function argBits(v: Val): bigint {
  if (v.type === 'externref' || v.type === 'funcref') return v.value === 'null' ? 0n : BigInt(v.value!) + 1n;
  return BigInt.asUintN(64, BigInt(v.value!));
}

/** Does raw result `got` match the expected value? */
function matches(v: Val, got: bigint): boolean {
  if (v.type === 'f32' || v.type === 'f64') {
    const [sign, quiet, exp] = v.type === 'f32' ? [0x80000000n, 0x400000n, 0x7f800000n] : [1n << 63n, 1n << 51n, 0x7ffn << 52n];
    if (v.value === 'nan:canonical') return (got & ~sign) === (exp | quiet);
    if (v.value === 'nan:arithmetic') return (got & (exp | quiet)) === (exp | quiet);
  }
  return got === argBits(v);
}

const hexOf = (x: bigint) => '0x' + x.toString(16);
const showVal = (v: Val) => `${v.type}:${v.value}`;
const hexName = (s: string) => 'x' + Buffer.from(s, 'utf8').toString('hex');

/** Plans one file: compiles its modules, forms the link groups, and lists
 * each group's requests. Commands judged without running are counted here. */
function planFile(suite: string, file: string, res: FileResult): Group[] {
  const dir = path.join(suite, file);
  const json = JSON.parse(readFileSync(path.join(dir, `${file}.json`), 'utf8')) as { commands: Cmd[] };
  const groups: Group[] = [];
  const named = new Map<string, Mod | string>(); // name -> module, or why there is none
  const registered = new Map<string, Mod | string>();
  let current: Mod | string = 'no module yet';
  let seq = 0;
  const where = (cmd: Cmd) => `${file}.wast:${cmd.line}`;
  const fail = (cmd: Cmd, msg: string) => {
    res.failed++;
    res.failures.push(`${where(cmd)} ${cmd.type}: ${msg}`);
  };
  const skip = (reason: string) => {
    res.skipped++;
    res.skips.set(reason, (res.skips.get(reason) ?? 0) + 1);
  };

  /** Decodes, links and compiles a module command. */
  const build = (cmd: Cmd): Mod | { skip: string } | { fail: string } | { unlinkable: string } => {
    let m: Module;
    try {
      m = loadModule(readFileSync(path.join(dir, cmd.filename!)));
    } catch (e) {
      return { fail: `valid module rejected: ${(e as Error).message}` };
    }
    // Resolve the imports: the spectest module, or registered modules.
    const providers: Mod[] = [];
    for (const imp of m.imports) {
      if (imp.module === 'spectest') {
        const bad = spectestMismatch(m, imp);
        if (bad) return { unlinkable: bad };
        continue;
      }
      const p = registered.get(imp.module);
      if (p === undefined) return { unlinkable: `unknown import ${imp.module}.${imp.name}` };
      if (typeof p === 'string') return { skip: `imports from a module that did not compile (${p})` };
      const bad = exportMismatch(m, imp, p.m);
      if (bad) return { unlinkable: bad };
      providers.push(p);
    }
    const groupsToJoin = [...new Set(providers.map((p) => root(p.group)))];
    const taint = (why: string) => {
      for (const g of groupsToJoin) g.tainted ??= `state shared with a skipped module (${why})`;
      return { skip: why };
    };
    const prefix = `m${seq}.`;
    const byName = new Map<string, Mod>();
    for (const imp of m.imports) if (imp.module !== 'spectest') byName.set(imp.module, registered.get(imp.module) as Mod);
    const opts: CompileOptions = {
      target: 'host',
      prefix,
      resolveImport: (module, name, kind) => {
        const p = byName.get(module);
        if (!p) return undefined; // spectest: the runtime's symbols
        const x = p.m.exports.find((y) => y.name === name)!;
        const s = moduleSymbols(p.m, p.opts);
        if (kind === 'func') return s.syms[x.index];
        if (kind === 'global') return s.globalSym(x.index);
        if (kind === 'table') return s.tableSym(x.index);
        if (kind === 'memory') return s.memSym(); // the relocatable model's memory object
        return undefined;
      },
    };
    let asm: string;
    try {
      asm = compileModule(m, opts);
    } catch (e) {
      if (e instanceof CompileError) return taint(`not supported: ${e.message.replace(/^at byte 0x[0-9a-f]+ in function '[^']*': /, '')}`);
      return { fail: `internal compiler error: ${((e as Error).stack ?? String(e)).split('\n').slice(0, 3).join(' ')}` };
    }
    // Join the providers' groups (their requests interleave in file order).
    let g: Group;
    if (groupsToJoin.length === 0) {
      g = { mods: [], reqs: [] };
      groups.push(g);
    } else {
      g = groupsToJoin[0];
      for (const o of groupsToJoin.slice(1)) {
        g.mods.push(...o.mods);
        g.reqs.push(...o.reqs);
        o.merged = g;
        o.mods = [];
        o.reqs = [];
      }
      g.reqs.sort((a, b) => a.seq - b.seq);
    }
    const memImport = m.imports.find((x) => x.kind === 'memory' && x.module !== 'spectest');
    const mod: Mod = { seq: seq++, m, opts, asm, group: g, needPages: memImport ? memImport.memory!.min : 0 };
    g.mods.push(mod);
    return mod;
  };

  const instantiate = (mod: Mod, cmd?: Cmd) => {
    const g = root(mod.group);
    g.reqs.push({ seq: seq++, mod, cmd, inst: true, text: (gg) => `inst ${gg.mods.indexOf(mod)}${mod.needPages ? ` ${mod.needPages}` : ''}` });
  };
  const target = (a: Action): Mod | string => (a.module ? (named.get(a.module) ?? `unknown module ${a.module}`) : current);

  for (const cmd of json.commands) {
    switch (cmd.type) {
      case 'module': {
        if (cmd.module_type === 'text') {
          current = 'text-format module';
          skip('text-format module');
          break;
        }
        const b = build(cmd);
        if ('asm' in b) {
          current = b;
          instantiate(b);
        } else {
          current = 'skip' in b ? b.skip : 'fail' in b ? `module failed: ${b.fail}` : `module unlinkable: ${b.unlinkable}`;
          if ('fail' in b) fail(cmd, b.fail);
          else if ('unlinkable' in b) fail(cmd, `valid module considered unlinkable: ${b.unlinkable}`);
          else skip(b.skip);
        }
        if (cmd.name) named.set(cmd.name, current);
        break;
      }
      case 'register':
        registered.set(cmd.as!, cmd.name ? (named.get(cmd.name) ?? 'unknown module') : current);
        break;
      case 'action':
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion': {
        if (!cmd.action) {
          // assert_trap on a module: instantiation must trap.
          const b = build(cmd);
          if ('asm' in b) instantiate(b, cmd);
          else if ('skip' in b) skip(b.skip);
          else fail(cmd, 'fail' in b ? b.fail : b.unlinkable);
          break;
        }
        const mod = target(cmd.action);
        if (typeof mod !== 'string' && root(mod.group).tainted) {
          skip(root(mod.group).tainted!);
          break;
        }
        if (typeof mod === 'string') {
          if (mod.startsWith('module failed') || mod.startsWith('module unlinkable')) fail(cmd, mod);
          else skip(mod);
          break;
        }
        const a = cmd.action;
        const line = `${a.type === 'get' ? 'get' : 'call'} ${hexName(a.field)}${(a.args ?? []).map((v) => ' ' + argBits(v).toString(16)).join('')}`;
        root(mod.group).reqs.push({ seq: seq++, mod, cmd, text: (g) => `use ${g.mods.indexOf(mod)}\n${line}` });
        break;
      }
      case 'assert_invalid':
      case 'assert_malformed': {
        if (cmd.module_type === 'text') {
          skip('text-format module');
          break;
        }
        try {
          loadModule(readFileSync(path.join(dir, cmd.filename!)));
          fail(cmd, `accepted, expected "${cmd.text}"`);
        } catch (e) {
          if (e instanceof WasmError) res.passed++;
          else fail(cmd, `threw ${(e as Error).message} instead of a WasmError`);
        }
        break;
      }
      case 'assert_unlinkable': {
        const b = build(cmd);
        if ('unlinkable' in b) res.passed++;
        else if ('asm' in b && b.needPages) instantiate(b, cmd); // decided at run time
        else if ('skip' in b) skip(b.skip);
        else fail(cmd, `linked, expected "${cmd.text}"`);
        break;
      }
      case 'assert_uninstantiable': {
        const b = build(cmd);
        if ('asm' in b) instantiate(b, cmd);
        else if ('skip' in b) skip(b.skip);
        else fail(cmd, 'fail' in b ? b.fail : b.unlinkable);
        break;
      }
      default:
        skip(`command ${cmd.type}`);
    }
  }
  // Several memories in one group (or all groups, on request): the
  // relocatable memory model for all its modules.
  const final = groups.filter((g) => !g.merged && g.mods.length);
  for (const g of final) {
    const memories = g.mods.filter((x) => x.m.memories.length > 0).length +
      (g.mods.some((x) => x.m.imports.some((i) => i.kind === 'memory' && i.module === 'spectest')) ? 1 : 0);
    if (memories <= 1 && process.env.WASMC_SPEC_MEMORY !== 'relocatable') continue;
    for (const x of g.mods) {
      x.opts.memory = 'relocatable';
      x.asm = compileModule(x.m, x.opts);
    }
  }
  return final;
}

/** A module's entry in its executable's link table. */
function linked(x: Mod): LinkedModule {
  const memory = x.opts.memory === 'relocatable' && x.m.memoryTypes.length > 0 ? moduleSymbols(x.m, x.opts).memSym() : undefined;
  return { prefix: x.opts.prefix!, memory };
}

/** Judges one request's answer. */
function judge(file: string, req: Req, answer: string | undefined, dead: string, res: FileResult) {
  const cmd = req.cmd;
  if (!cmd) {
    // A plain module instantiation: only a failure is news.
    if (answer !== 'ok') {
      res.failed++;
      res.failures.push(`${file}: instantiation of module m${req.mod.seq} failed: ${answer ?? dead}`);
    }
    return;
  }
  const fail = (msg: string) => {
    res.failed++;
    res.failures.push(`${file}.wast:${cmd.line} ${cmd.type}: ${msg}`);
  };
  if (req.inst && cmd.type === 'assert_unlinkable') {
    if (answer === 'unlinkable') res.passed++;
    else fail(`linked, expected "${cmd.text}" (answer: ${answer ?? dead})`);
    return;
  }
  if (req.inst) {
    const trap = answer?.startsWith('trap ') ? answer.slice(5) : undefined;
    if (trap !== undefined && (cmd.type === 'assert_uninstantiable' || trap.startsWith(cmd.text!) || cmd.text!.startsWith(trap))) res.passed++;
    else fail(`expected instantiation to trap with "${cmd.text}", got ${answer ?? dead}`);
    return;
  }
  const a = cmd.action!;
  const what = `${a.field}(${(a.args ?? []).map(showVal).join(', ')})`;
  if (answer === undefined) return fail(`${what}: no answer (${dead})`);
  if (answer.startsWith('error')) return fail(`${what}: runtime ${answer}`);
  const trap = answer.startsWith('trap ') ? answer.slice(5) : undefined;
  const ok = answer.startsWith('ok') ? answer.split(' ').slice(1).map((x) => BigInt('0x' + x)) : [];
  switch (cmd.type) {
    case 'action':
      if (trap !== undefined) fail(`${what}: trapped "${trap}"`);
      else res.passed++;
      break;
    case 'assert_return': {
      const exp = cmd.expected!;
      if (trap !== undefined) fail(`${what}: trapped "${trap}", expected ${exp.map(showVal).join(' ')}`);
      else if (exp.length === ok.length && exp.every((v, k) => matches(v, ok[k]))) res.passed++;
      else fail(`${what}: got ${ok.map(hexOf).join(' ')}, expected ${exp.map(showVal).join(' ')}`);
      break;
    }
    case 'assert_trap':
    case 'assert_exhaustion':
      if (trap !== undefined && (trap.startsWith(cmd.text!) || cmd.text!.startsWith(trap))) res.passed++;
      else fail(`${what}: expected trap "${cmd.text}", got ${trap !== undefined ? `trap "${trap}"` : `ok ${ok.map(hexOf).join(' ')}`}`);
      break;
  }
}

/** Runs async jobs, at most `n` at a time. */
async function pool<T>(items: T[], n: number, job: (x: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export interface SuiteOptions {
  suite: string;
  workDir: string;
  files?: string[];
  jobs?: number;
}

export async function runSpecSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const files = opts.files ?? specFiles(opts.suite);
  const results: FileResult[] = [];
  const work: { file: string; group: Group; res: FileResult }[] = [];
  for (const file of files) {
    const res: FileResult = { file, passed: 0, failed: 0, skipped: 0, failures: [], skips: new Map() };
    results.push(res);
    for (const group of planFile(opts.suite, file, res)) work.push({ file, group, res });
  }
  await pool(work, opts.jobs ?? availableParallelism(), async ({ file, group, res }) => {
    const name = `g${group.mods[0].seq}`;
    let answers: string[] = [];
    let dead = '';
    try {
      const exe = await linkHostExecutable(
        group.mods.map((x) => ({ name: `${name}.m${x.seq}`, asm: x.asm })),
        linkTable(group.mods.map(linked)),
        path.join(opts.workDir, file),
        name,
      );
      const lines = group.reqs.map((r) => r.text(group).split('\n'));
      const flat = lines.flat();
      const run = await runRequests(exe, flat, 60000);
      // One answer per line sent; those to `use` are bookkeeping.
      let k = 0;
      answers = lines.map((ls) => run.answers[(k += ls.length) - 1]);
      if (run.answers.length < flat.length) dead = `the process died: ${run.stderr.trim() || `exit ${run.status}`}`;
    } catch (e) {
      dead = `build failed: ${(e as Error).message}`;
    }
    group.reqs.forEach((r, k) => judge(file, r, answers[k], dead, res));
  });
  const skips = new Map<string, number>();
  for (const r of results) for (const [k, n] of r.skips) skips.set(k, (skips.get(k) ?? 0) + n);
  const sum = (f: (r: FileResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return { files: results, passed: sum((r) => r.passed), failed: sum((r) => r.failed), skipped: sum((r) => r.skipped), skips };
}

/** The report: a table per file, the skip reasons, failures, and the final line. */
export function formatSuite(r: SuiteResult, maxFailuresPerFile = 10): string {
  const out: string[] = [];
  const w = Math.max(...r.files.map((f) => f.file.length), 4);
  out.push(`${'file'.padEnd(w)}  ${'passed'.padStart(7)} ${'failed'.padStart(7)} ${'skipped'.padStart(7)}`);
  for (const f of r.files) {
    out.push(`${f.file.padEnd(w)}  ${String(f.passed).padStart(7)} ${String(f.failed).padStart(7)} ${String(f.skipped).padStart(7)}`);
  }
  out.push(`${'total'.padEnd(w)}  ${String(r.passed).padStart(7)} ${String(r.failed).padStart(7)} ${String(r.skipped).padStart(7)}`);
  if (r.skips.size) {
    out.push('', 'skipped, by reason:');
    for (const [k, n] of [...r.skips].sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(6)}  ${k}`);
  }
  const failing = r.files.filter((f) => f.failures.length);
  if (failing.length) {
    out.push('', 'failures:');
    for (const f of failing) {
      for (const m of f.failures.slice(0, maxFailuresPerFile)) out.push(`  ${m}`);
      if (f.failures.length > maxFailuresPerFile) out.push(`  ... and ${f.failures.length - maxFailuresPerFile} more in ${f.file}`);
    }
  }
  out.push('', `${r.passed} passed, ${r.failed} failed`);
  return out.join('\n');
}
