// The build-host target end to end, for tests, the spec runner and benchmarks:
// compile a module with wasmc --target=host, assemble it with NASM, link it
// with toolchain/runtime/host.c, and run calls through the runtime's
// line protocol (see host.c).

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, Cpu } from './compile.js';

/** Where linear memory lives in host executables (below 2 GiB, see ABI.md). */
export const HOST_MEMORY_BASE = 0x10000000;

function repoRoot(): string {
  // Works from the sources (toolchain/src) and from the bundle (build/toolchain).
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('cannot find the repository root');
    d = up;
  }
  return d;
}

/** The runtime object, compiled once and reused until host.c changes. */
export function runtimeObject(): string {
  const root = repoRoot();
  const src = join(root, 'toolchain/runtime/host.c');
  const obj = join(root, 'build/toolchain/host.o');
  if (!existsSync(obj) || statSync(obj).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(dirname(obj), { recursive: true });
    execFileSync('gcc', ['-O2', '-Wall', '-c', src, '-o', obj], { stdio: 'inherit' });
  }
  return obj;
}

const linkArgs = (exe: string, obj: string) => [
  '-no-pie', '-o', exe, runtimeObject(), obj, '-lpthread',
  `-Wl,--defsym=__wasm_memory_base=0x${HOST_MEMORY_BASE.toString(16)}`,
  '-Wl,-z,noexecstack',
];

/** Compiles `wasm` into an executable at dir/name; returns its path. */
export function buildHostExecutable(wasm: Uint8Array, dir: string, name: string, opts: { cpu?: Cpu } = {}): string {
  mkdirSync(dir, { recursive: true });
  const asm = join(dir, `${name}.asm`);
  const obj = join(dir, `${name}.o`);
  const exe = resolve(dir, name);
  writeFileSync(asm, compile(wasm, { target: 'host', cpu: opts.cpu }));
  execFileSync('nasm', ['-f', 'elf64', '-o', obj, asm], { stdio: 'inherit' });
  execFileSync('gcc', linkArgs(exe, obj), { stdio: 'inherit' });
  return exe;
}

const execFileP = promisify(execFile);

/** Assembles and links already generated modules (asynchronously, for
 * runners that build many executables in parallel), with an optional link
 * table (codegen/module.ts linkTable) when there are several; returns the
 * executable. */
export async function linkHostExecutable(mods: { name: string; asm: string }[], table: string | null, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const exe = resolve(dir, name);
  const units = table === null ? mods : [...mods, { name: `${name}.link`, asm: table }];
  const objs = await Promise.all(units.map(async (u) => {
    const asm = join(dir, `${u.name}.asm`);
    const obj = join(dir, `${u.name}.o`);
    writeFileSync(asm, u.asm);
    await execFileP('nasm', ['-f', 'elf64', '-o', obj, asm]);
    return obj;
  }));
  const args = linkArgs(exe, objs[0]);
  args.splice(args.indexOf(objs[0]) + 1, 0, ...objs.slice(1));
  await execFileP('gcc', args);
  return exe;
}

/** Sends request lines to a host executable (see host.c); returns one answer
 * line per request line (after the initial "ready"). */
export function runRequests(exe: string, lines: string[], timeoutMs = 30000): Promise<{ answers: string[]; stderr: string; status: number | null }> {
  return new Promise((done) => {
    const p = spawn(exe, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    p.stdin.on('error', () => {});
    p.on('close', (code) => {
      clearTimeout(timer);
      const answers = out.split('\n').filter((l) => l.length > 0);
      if (answers[0] === 'ready') answers.shift();
      else err = `did not start: ${answers.shift() ?? ''} ${err}`;
      done({ answers, stderr: err, status: code });
    });
    p.stdin.end(lines.map((l) => l + '\n').join(''));
  });
}

/** The protocol's request lines for calls (see host.c). */
function callLines(calls: HostCall[]): string {
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  return calls
    .map((c) => `call x${hex(c.name)}${c.args.map((a) => ' ' + BigInt.asUintN(64, a).toString(16)).join('')}\n`)
    .join('');
}

/** Parses the runtime's answer lines. */
function parseRun(stdout: string, stderr: string, status: number | null): HostRun {
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  const first = lines.shift() ?? '';
  const run: HostRun = { ready: first === 'ready', outcomes: [], stderr, status };
  if (first.startsWith('init-trap ')) run.initTrap = first.slice('init-trap '.length);
  for (const l of lines) {
    if (l.startsWith('ok')) run.outcomes.push({ ok: l.split(' ').slice(1).map((x) => BigInt('0x' + x)) });
    else if (l.startsWith('trap ')) run.outcomes.push({ trap: l.slice(5) });
    else run.outcomes.push({ error: l.replace(/^error /, '') });
  }
  return run;
}


export type Outcome = { ok: bigint[] } | { trap: string } | { error: string };

export interface HostCall {
  name: string;
  args: bigint[]; // raw bits of each argument
}

export interface HostRun {
  ready: boolean;
  initTrap?: string;
  outcomes: Outcome[];
  stderr: string;
  status: number | null;
}

/** Runs the calls in order in one instance of the executable. */
export function runHost(exe: string, calls: HostCall[], timeoutMs = 30000): HostRun {
  const r = spawnSync(exe, [], { input: callLines(calls), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return parseRun(r.stdout ?? '', r.stderr ?? '', r.status);
}
