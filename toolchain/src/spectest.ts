// The conformance runner: the official WebAssembly spec suite (JSON + .wasm
// form, one folder per .wast file, see the suite's README.md) through our
// backend for the build-host target.
//
// Contract: every binary module of a file is compiled by wasmc and linked
// with toolchain/runtime/host.c into its own executable (one instance); the
// commands that act on that instance are sent to it in file order through the
// runtime's line protocol. Checked: assert_return (values; NaNs by class),
// assert_trap (trap message), assert_exhaustion, bare actions (must not
// trap), assert_invalid / assert_malformed (binary ones must be rejected),
// assert_unlinkable (imports that the spectest module cannot satisfy),
// assert_uninstantiable and module-form assert_trap (instantiation traps).
// Nothing is silently dropped: a command that is not run is a skip with its
// reason (a text-format module; a module our backend rejects with a
// CompileError, which names the missing feature; an import from another
// registered module, since each instance is its own process).
//
// Representation of references at the protocol: null is 0; the spec's
// `ref.extern n` is n + 1.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadModule, WasmError } from './wasm/index.js';
import { compileModule } from './codegen/module.js';
import { CompileError } from './codegen/errors.js';
import { linkHostExecutable, runHostAsync, HostCall, HostRun } from './host.js';
import type { Module } from './wasm/types.js';
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

/** Why a module cannot be linked here: { unlinkable } if no environment could
 * satisfy its imports, { skip } if we do not support the link, or null. */
function checkImports(m: Module, registered: Map<string, unknown>): { unlinkable?: string; skip?: string; links?: string[] } | null {
  const links = m.imports.filter((imp) => registered.has(imp.module)).map((imp) => imp.module);
  if (links.length) return { skip: 'imports from a registered module (instances are separate processes)', links };
  for (const imp of m.imports) {
    const what = `${imp.module}.${imp.name}`;
    if (imp.module !== 'spectest') {
      return { unlinkable: `unknown import ${what}` };
    }
    switch (imp.kind) {
      case 'func': {
        const want = SPECTEST_FUNCS[imp.name];
        const t = m.types[imp.type!];
        if (!want || t.results.length || t.params.join() !== want.join()) return { unlinkable: `incompatible import ${what}` };
        break;
      }
      case 'global': {
        const want = SPECTEST_GLOBALS[imp.name];
        if (want === undefined || imp.global!.type !== want || imp.global!.mutable) return { unlinkable: `incompatible import ${what}` };
        break;
      }
      case 'table': {
        const t = imp.table!;
        if (imp.name !== 'table' || t.elem !== ValType.FuncRef || t.limits.min > 10 || (t.limits.max !== undefined && t.limits.max < 20)) {
          return { unlinkable: `incompatible import ${what}` };
        }
        break;
      }
      case 'memory': {
        const l = imp.memory!;
        if (imp.name !== 'memory' || l.min > 1 || (l.max !== undefined && l.max < 2)) return { unlinkable: `incompatible import ${what}` };
        return { skip: 'imported memory (spectest.memory)' };
      }
    }
  }
  return null;
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

interface Check {
  cmd: Cmd;
  call?: number; // index of its request in the instance's run
}

interface Instance {
  id: string;
  asm: string;
  calls: HostCall[];
  checks: Check[];
  expectInitTrap?: Cmd; // assert_trap / assert_uninstantiable on the module itself
}

/** Plans one file: which instances to build, which command goes where. */
function planFile(suite: string, file: string, res: FileResult): Instance[] {
  const dir = path.join(suite, file);
  const json = JSON.parse(readFileSync(path.join(dir, `${file}.json`), 'utf8')) as { commands: Cmd[] };
  const instances: Instance[] = [];
  const named = new Map<string, Instance | string>(); // name -> instance, or why there is none
  let current: Instance | string = 'no module yet';
  const registered = new Map<string, Instance | string>();
  // Instances whose state another module could change through a link we do
  // not make: what they answer afterwards is not what the script expects.
  const tainted = new Set<Instance>();
  const TAINT = 'state shared with a module linked to it (instances are separate processes)';
  const where = (cmd: Cmd) => `${file}.wast:${cmd.line}`;
  const pass = () => res.passed++;
  const fail = (cmd: Cmd, msg: string) => {
    res.failed++;
    res.failures.push(`${where(cmd)} ${cmd.type}: ${msg}`);
  };
  const skip = (reason: string) => {
    res.skipped++;
    res.skips.set(reason, (res.skips.get(reason) ?? 0) + 1);
  };

  /** Compiles a module command: an instance, or a reason why not. */
  const build = (cmd: Cmd): Instance | { skip: string } | { fail: string } | { unlinkable: string } => {
    const bytes = readFileSync(path.join(dir, cmd.filename!));
    let m: Module;
    try {
      m = loadModule(bytes);
    } catch (e) {
      return { fail: `valid module rejected: ${(e as Error).message}` };
    }
    const link = checkImports(m, registered);
    for (const name of link?.links ?? []) {
      const r = registered.get(name);
      if (r && typeof r !== 'string') tainted.add(r);
    }
    if (link?.unlinkable) return { unlinkable: link.unlinkable };
    if (link?.skip) return { skip: link.skip };
    try {
      const asm = compileModule(m, { target: 'host' });
      return { id: `${file}.${cmd.line}`, asm, calls: [], checks: [] };
    } catch (e) {
      if (e instanceof CompileError) return { skip: `not supported: ${e.message.replace(/^at byte 0x[0-9a-f]+ in function '[^']*': /, '')}` };
      return { fail: `internal compiler error: ${((e as Error).stack ?? String(e)).split('\n').slice(0, 3).join(' ')}` };
    }
  };

  const target = (a: Action): Instance | string => (a.module ? (named.get(a.module) ?? `unknown module ${a.module}`) : current);

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
          instances.push(b);
          current = b;
        } else {
          current = 'skip' in b ? b.skip : 'fail' in b ? `module failed: ${b.fail}` : `module unlinkable: ${b.unlinkable}`;
          if ('fail' in b) fail(cmd, b.fail);
          else if ('unlinkable' in b) fail(cmd, `valid module considered unlinkable: ${b.unlinkable}`);
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
          if ('asm' in b) {
            b.expectInitTrap = cmd;
            instances.push(b);
          } else if ('skip' in b) skip(b.skip);
          else fail(cmd, 'fail' in b ? b.fail : b.unlinkable);
          break;
        }
        const inst = target(cmd.action);
        if (typeof inst !== 'string' && tainted.has(inst)) {
          skip(TAINT);
          break;
        }
        if (typeof inst === 'string') {
          if (inst.startsWith('module failed') || inst.startsWith('module unlinkable')) fail(cmd, inst);
          else skip(inst);
          break;
        }
        const a = cmd.action;
        inst.checks.push({ cmd, call: inst.calls.length });
        inst.calls.push({ name: a.field, args: (a.args ?? []).map(argBits), get: a.type === 'get' });
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
          if (e instanceof WasmError) pass();
          else fail(cmd, `threw ${(e as Error).message} instead of a WasmError`);
        }
        break;
      }
      case 'assert_unlinkable': {
        const b = build(cmd);
        if ('unlinkable' in b) pass();
        else if ('skip' in b) skip(b.skip);
        else fail(cmd, `linked, expected "${cmd.text}"`);
        break;
      }
      case 'assert_uninstantiable': {
        const b = build(cmd);
        if ('asm' in b) {
          b.expectInitTrap = cmd;
          instances.push(b);
        } else if ('skip' in b) skip(b.skip);
        else fail(cmd, 'fail' in b ? b.fail : b.unlinkable);
        break;
      }
      default:
        skip(`command ${cmd.type}`);
    }
  }
  return instances;
}

/** Judges the answers of one instance. */
function judge(file: string, inst: Instance, run: HostRun, res: FileResult) {
  const fail = (cmd: Cmd, msg: string) => {
    res.failed++;
    res.failures.push(`${file}.wast:${cmd.line} ${cmd.type}: ${msg}`);
  };
  if (inst.expectInitTrap) {
    const cmd = inst.expectInitTrap;
    if (run.initTrap !== undefined && (cmd.type === 'assert_uninstantiable' || run.initTrap.startsWith(cmd.text!) || cmd.text!.startsWith(run.initTrap))) res.passed++;
    else fail(cmd, `expected instantiation to trap with "${cmd.text}", got ${run.initTrap ? `trap "${run.initTrap}"` : run.ready ? 'success' : run.stderr.trim()}`);
    return;
  }
  for (const { cmd, call } of inst.checks) {
    if (!run.ready) {
      fail(cmd, `instance did not start: ${run.initTrap ? `trap "${run.initTrap}"` : run.stderr.trim() || `exit ${run.status}`}`);
      continue;
    }
    const o = run.outcomes[call!];
    const a = cmd.action!;
    const what = `${a.field}(${(a.args ?? []).map(showVal).join(', ')})`;
    if (o === undefined) {
      fail(cmd, `${what}: no answer (the instance died: ${run.stderr.trim() || `exit ${run.status}`})`);
      continue;
    }
    if ('error' in o) {
      fail(cmd, `${what}: runtime error: ${o.error}`);
      continue;
    }
    switch (cmd.type) {
      case 'action':
        if ('trap' in o) fail(cmd, `${what}: trapped "${o.trap}"`);
        else res.passed++;
        break;
      case 'assert_return': {
        if ('trap' in o) {
          fail(cmd, `${what}: trapped "${o.trap}", expected ${cmd.expected!.map(showVal).join(' ')}`);
          break;
        }
        const exp = cmd.expected!;
        if (exp.length === o.ok.length && exp.every((v, k) => matches(v, o.ok[k]))) res.passed++;
        else fail(cmd, `${what}: got ${o.ok.map(hexOf).join(' ')}, expected ${exp.map(showVal).join(' ')}`);
        break;
      }
      case 'assert_trap':
      case 'assert_exhaustion':
        if ('trap' in o && (o.trap.startsWith(cmd.text!) || cmd.text!.startsWith(o.trap))) res.passed++;
        else fail(cmd, `${what}: expected trap "${cmd.text}", got ${'trap' in o ? `trap "${o.trap}"` : `ok ${o.ok.map(hexOf).join(' ')}`}`);
        break;
    }
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
  const work: { file: string; inst: Instance; res: FileResult }[] = [];
  for (const file of files) {
    const res: FileResult = { file, passed: 0, failed: 0, skipped: 0, failures: [], skips: new Map() };
    results.push(res);
    for (const inst of planFile(opts.suite, file, res)) work.push({ file, inst, res });
  }
  await pool(work, opts.jobs ?? availableParallelism(), async ({ file, inst, res }) => {
    let run: HostRun;
    try {
      const exe = await linkHostExecutable(inst.asm, path.join(opts.workDir, file), inst.id);
      run = await runHostAsync(exe, inst.calls, 60000);
    } catch (e) {
      run = { ready: false, outcomes: [], stderr: `build failed: ${(e as Error).message}`, status: null };
    }
    judge(file, inst, run, res);
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
