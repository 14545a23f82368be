// abi.test.ts — the system-call table (toolchain/src/abi/syscalls.ts) and
// what is generated from it: the table's rules, the committed generated
// files being current (the freshness test: run `make abi` when it fails),
// the NASM include, the user library's declarations, and the generated
// kernel dispatch itself, compiled by asc with recording handlers and run:
// every call reaches its handler with its arguments, out-of-range
// arguments and unknown numbers fail before any handler runs.

import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { SYSCALLS, CONSTANTS, type Syscall } from '../../toolchain/src/abi/syscalls.js';
import { checkTable, handlerName, constName, kernelSyscalls, kernelDispatch, nasmInc, parseKErr, stubSignatures } from '../../toolchain/src/abi/generate.js';
import { generatedFiles } from '../../toolchain/src/abi/files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const kerr = parseKErr(readFileSync(join(ROOT, 'kernel/errors.ts'), 'utf8'));
const KERR = Object.fromEntries(kerr.map((e) => [e.name, e.value]));

describe('the system-call table', () => {
  it('is well formed: dense numbers in order, snake_case names, at most six arguments', () => {
    expect(() => checkTable()).not.toThrow();
    expect(SYSCALLS.map((s) => s.number)).toEqual([...SYSCALLS.keys()]);
    for (const n of ['null', 'debug_putc', 'debug_write', 'exit', 'yield', 'call', 'reply_recv', 'memory_grow', 'trap']) {
      expect(SYSCALLS.some((s) => s.name === n), n).toBe(true);
    }
  });

  it('rejects broken tables', () => {
    const ok: Syscall = { name: 'a', number: 0, args: [], result: 'status', doc: '' };
    expect(() => checkTable([ok, { ...ok, name: 'b', number: 2 }])).toThrow(/number 2, expected 1/);
    expect(() => checkTable([ok, { ...ok, number: 1 }])).toThrow(/twice/);
    expect(() => checkTable([{ ...ok, name: 'BadName' }])).toThrow(/snake_case/);
    expect(() => checkTable([{ ...ok, args: Array.from({ length: 7 }, (_, k) => ({ name: `x${k}`, type: 'u64' as const })) }])).toThrow(/at most 6/);
    expect(() => checkTable([{ ...ok, result: 'noreturn', out: [{ name: 'x', reg: 'rdi' }] }])).toThrow(/no out registers/);
  });

  it('the committed generated files are current (else: make abi)', () => {
    for (const [rel, text] of Object.entries(generatedFiles(ROOT))) {
      const path = join(ROOT, rel);
      expect(existsSync(path), `${rel} exists`).toBe(true);
      expect(readFileSync(path, 'utf8') === text, `${rel} is stale: run make abi`).toBe(true);
    }
  });

  it('kernel/syscalls.ts has every number and shared constant', () => {
    const src = kernelSyscalls();
    for (const s of SYSCALLS) expect(src).toContain(`export const ${constName(s)}: u32 = ${s.number};`);
    expect(src).toContain(`export const SYS_COUNT: u32 = ${SYSCALLS.length};`);
    for (const c of CONSTANTS) expect(src).toMatch(new RegExp(`export const ${c.name}: u64 = (0x[0-9A-F]+|\\d+);`));
    expect(src).toContain('case 1: return "unreachable";');
  });

  it('the NASM include has every number, constant and error code', () => {
    const inc = nasmInc(kerr);
    for (const s of SYSCALLS) expect(inc).toMatch(new RegExp(`^${constName(s)} equ ${s.number}$`, 'm'));
    for (const c of CONSTANTS) expect(inc).toMatch(new RegExp(`^${c.name} equ `, 'm'));
    expect(inc).toMatch(/^KERR_BAD_ADDRESS equ 9$/m);
  });

  it('servers/lib/sys.ts declares every call as a sys.* import with the signature wasmc expects', () => {
    const lib = readFileSync(join(ROOT, 'servers/lib/sys.ts'), 'utf8');
    for (const s of SYSCALLS) {
      const m = lib.match(new RegExp(`@external\\("sys", "${s.name}"\\)\\nexport declare function ${handlerName(s)}\\(([^)]*)\\): (\\w+);`));
      expect(m, s.name).not.toBeNull();
      const wasm = (t: string) => (t === 'u64' || t === 'i64' ? 'i64' : 'i32');
      const params = m![1] ? m![1].split(', ').map((p) => wasm(p.split(': ')[1])) : [];
      const sig = `${params.join(',')}->${m![2] === 'void' ? '' : 'i64'}`;
      expect(stubSignatures(s.name), s.name).toContain(sig);
    }
  });
});

// --- the generated dispatch, compiled and run ------------------------------------------

/** Handlers that record their call: number and arguments (as u64). */
function recordingHandlers(): string {
  const out = ['export let lastCall: i32 = -1;', 'export const lastArgs = new StaticArray<u64>(6);'];
  for (const s of SYSCALLS) {
    const kt = (t: string) => ({ u64: 'u64', i64: 'i64', u32: 'u32', u8: 'u8', cap: 'u32', uptr: 'u64', usize: 'u64' } as Record<string, string>)[t];
    out.push(`export function ${handlerName(s)}(${s.args.map((a, k) => `a${k}: ${kt(a.type)}`).join(', ')}): i64 {`,
      `  lastCall = ${s.number};`, ...s.args.map((_, k) => `  lastArgs[${k}] = <u64>a${k};`), `  return ${1000 + s.number};`, '}');
  }
  return out.join('\n');
}

async function compileDispatch(): Promise<WebAssembly.Instance> {
  const files: Record<string, string> = {
    'entry.ts': 'export { syscallDispatch } from "./syscall_dispatch";\nexport { lastCall, lastArgs } from "./syscall_handlers";\nimport { lastArgs } from "./syscall_handlers";\nexport function arg(k: i32): u64 { return lastArgs[k]; }\n',
    'syscall_dispatch.ts': kernelDispatch(),
    'syscalls.ts': kernelSyscalls(),
    'errors.ts': readFileSync(join(ROOT, 'kernel/errors.ts'), 'utf8'),
    'syscall_handlers.ts': recordingHandlers(),
  };
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(['entry.ts', '--runtime', 'stub', '-O3', '-o', 'out.wasm', '--noColors'], {
    stderr,
    stdout: asc.createMemoryStream(),
    readFile: (name: string) => files[name.replace(/^\.\//, '')] ?? null,
    writeFile: (name: string, contents: Uint8Array | string) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    listFiles: () => [],
  });
  if (error || !binary) throw new Error(`asc: ${error?.message}\n${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary, { env: { abort: () => { throw new Error('abort'); } } });
  return instance;
}

describe('the generated kernel dispatch', () => {
  it('calls each handler with its decoded arguments; bad numbers and arguments fail first', async () => {
    const ex = (await compileDispatch()).exports as any;
    const dispatch = (num: bigint, ...a: bigint[]) => ex.syscallDispatch(num, ...[...a, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6)) as bigint;
    const lastCall = () => ex.lastCall.value as number;
    for (const s of SYSCALLS) {
      const args = s.args.map((_, k) => BigInt(k + 7));
      expect(dispatch(BigInt(s.number), ...args), s.name).toBe(BigInt(1000 + s.number));
      expect(lastCall(), s.name).toBe(s.number);
      args.forEach((v, k) => expect(ex.arg(k), `${s.name} argument ${k}`).toBe(v));
    }
    // i64 arguments pass negative values through.
    const big = 0xFFFF_FFFF_FFFF_FFF0n;
    const u64call = SYSCALLS.find((s) => s.args.some((a) => a.type === 'u64'))!;
    const k64 = u64call.args.findIndex((a) => a.type === 'u64');
    const argv = u64call.args.map((_, k) => (k === k64 ? big : 1n));
    dispatch(BigInt(u64call.number), ...argv);
    expect(BigInt.asUintN(64, ex.arg(k64))).toBe(big);
    // Out of range: nothing runs.
    const EINVAL = -BigInt(KERR.INVALID_ARGUMENT), ESLOT = -BigInt(KERR.INVALID_SLOT);
    ex.lastCall.value = -1;
    expect(dispatch(BigInt(SYSCALLS.length))).toBe(EINVAL);
    expect(dispatch(1n << 40n)).toBe(EINVAL);
    expect(dispatch(0xFFFF_FFFF_FFFF_FFFFn)).toBe(EINVAL);
    for (const s of SYSCALLS) {
      s.args.forEach((a, k) => {
        const bad = a.type === 'u8' ? 0x100n : a.type === 'u32' || a.type === 'cap' ? 1n << 32n : null;
        if (bad === null) return;
        const argv = s.args.map((_, j) => (j === k ? bad : 1n));
        expect(dispatch(BigInt(s.number), ...argv), `${s.name} ${a.name} = ${bad}`).toBe(a.type === 'cap' ? ESLOT : EINVAL);
      });
    }
    expect(lastCall()).toBe(-1);
  }, 60_000);
});
