// `npm run bench`: the backend's speed, host part. Each AssemblyScript
// program in toolchain/bench/ is compiled once by asc; the same .wasm is run
// by Node (V8) and, compiled by wasmc, natively on the build host. Both must
// return the same checksum. Printed: each time (best of REPS runs after a
// warm-up, timed inside the process), the ratio ours/V8, the geometric mean;
// then compile throughput (Wasm bytes/s through decode + validate + codegen)
// and the time to compile the kernel (best of REPS after a first compile).
// Files go to build/bench/ (the kernel is read from build/kernel/), or under
// $TSOS_BUILD instead of build/.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile } from './compile.js';
import { buildHostExecutable } from './host.js';

/** Program and the argument of its run(). */
const PROGRAMS: [string, number][] = [
  ['sort', 1_000_000], ['sieve', 2_000_000], ['sha256', 150], ['crc32', 40],
  ['matmul', 256], ['nbody', 2_000_000], ['hashmap', 3_000_000], ['interp', 3_000_000],
];
const REPS = 5;

function repoRoot(): string {
  let d = process.cwd();
  while (!existsSync(path.join(d, 'package.json')) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

function asc(root: string, name: string, out: string) {
  execFileSync(path.join(root, 'node_modules/.bin/asc'), [
    path.join(root, 'toolchain/bench', `${name}.ts`), '-o', out, '--runtime', 'stub', '-O3', '--noAssert',
  ], { stdio: 'inherit' });
}

/** Best time (ms) and result of REPS runs of run(arg) in V8, after a warm-up. */
function inV8(wasm: Buffer, arg: number): { ms: number; result: string } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), { env: { abort: () => { throw new Error('abort'); } } });
  const run = instance.exports.run as (n: number) => number;
  let result = String(run(arg));
  let best = Infinity;
  for (let k = 0; k < REPS; k++) {
    const t0 = performance.now();
    result = String(run(arg));
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, result };
}

/** The same natively, timed inside the host runtime. */
function native(exe: string, arg: number, isFloat: boolean): { ms: number; result: string } {
  const line = `time x${Buffer.from('run').toString('hex')} ${arg.toString(16)}\n`;
  const r = spawnSync(exe, [], { input: line.repeat(REPS + 1), encoding: 'utf8', timeout: 600000 });
  const answers = r.stdout.split('\n').filter((l) => l.startsWith('ok '));
  if (answers.length !== REPS + 1) throw new Error(`native run failed: ${r.stdout} ${r.stderr}`);
  let best = Infinity;
  let bits = 0n;
  for (const a of answers.slice(1)) {
    const [, ns, res] = a.split(' ');
    best = Math.min(best, Number(ns) / 1e6);
    bits = BigInt('0x' + res);
  }
  let result: string;
  if (isFloat) {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, bits);
    result = String(dv.getFloat64(0));
  } else result = String(Number(BigInt.asIntN(32, bits)));
  return { ms: best, result };
}

async function main() {
  const root = repoRoot();
  const build = path.join(root, process.env.TSOS_BUILD ?? 'build');
  const dir = path.join(build, 'bench');
  mkdirSync(dir, { recursive: true });
  const only = process.argv.slice(2);
  const rows: string[] = [];
  const ratios: number[] = [];
  let bytes = 0, compileMs = 0;
  let failed = false;
  rows.push(`${'program'.padEnd(10)} ${'V8 ms'.padStart(9)} ${'ours ms'.padStart(9)} ${'ours/V8'.padStart(8)}  result`);
  for (const [name, arg] of PROGRAMS) {
    if (only.length && !only.includes(name)) continue;
    const wasmPath = path.join(dir, `${name}.wasm`);
    asc(root, name, wasmPath);
    const wasm = readFileSync(wasmPath);
    const t0 = performance.now();
    compile(wasm, { target: 'host' });
    compileMs += performance.now() - t0;
    bytes += wasm.length;
    const exe = buildHostExecutable(wasm, dir, name);
    const isFloat = name === 'matmul' || name === 'nbody';
    const v8 = inV8(wasm, arg);
    const ours = native(exe, arg, isFloat);
    const ok = v8.result === ours.result;
    if (!ok) failed = true;
    const ratio = ours.ms / v8.ms;
    ratios.push(ratio);
    rows.push(`${name.padEnd(10)} ${v8.ms.toFixed(1).padStart(9)} ${ours.ms.toFixed(1).padStart(9)} ${ratio.toFixed(2).padStart(8)}  ${ok ? v8.result : `MISMATCH: V8 ${v8.result}, ours ${ours.result}`}`);
  }
  const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  rows.push(`${'geomean'.padEnd(10)} ${''.padStart(9)} ${''.padStart(9)} ${geo.toFixed(2).padStart(8)}`);
  console.log(rows.join('\n'));

  // Compile throughput, and the kernel (if it has been built).
  const kernel = path.join(build, 'kernel/kernel.wasm');
  if (existsSync(kernel)) {
    const k = readFileSync(kernel);
    // The first compile also warms the compiler's own JIT; then the best of REPS.
    const times: number[] = [];
    for (let r = 0; r <= REPS; r++) {
      const t0 = performance.now();
      compile(k, { target: 'kernel' });
      times.push(performance.now() - t0);
    }
    const ms = Math.min(...times.slice(1));
    bytes += k.length;
    compileMs += ms;
    console.log(`kernel: ${k.length} bytes of Wasm compiled in ${ms.toFixed(1)} ms (best of ${REPS}; the first: ${times[0].toFixed(1)} ms)`);
  }
  console.log(`compile throughput: ${((bytes / compileMs) * 1000 / 1024).toFixed(0)} KiB of Wasm per second (${bytes} bytes in ${compileMs.toFixed(1)} ms)`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 3;
});
