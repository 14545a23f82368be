// wasmc: the command-line face of the backend.
//
//   wasmc <input.wasm> -o <output.asm> [--target=kernel|host|user] [--cpu=x86-64|x86-64-v2] [--dump=ir,fuse,dce,webs,licm,regalloc] [--time-passes]
//
// --time-passes prints on stderr the time of each step (timing.ts).
// Exit status 0 on success; 1 for a bad module or one we cannot compile
// (one line on stderr naming the byte offset and the reason, and no output
// file); 2 for bad usage; 3 for an internal error (a bug: please report it).

import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { compile, Target, Cpu } from './compile.js';
import { WasmError } from './wasm/errors.js';
import { CompileError } from './codegen/errors.js';
import { PassTimer } from './timing.js';

const USAGE = 'usage: wasmc <input.wasm> -o <output.asm> [--target=kernel|host|user] [--cpu=x86-64|x86-64-v2] [--dump=ir,fuse,dce,webs,licm,regalloc] [--time-passes]';

function main(argv: string[]): number {
  let input: string | undefined;
  let output: string | undefined;
  let target: Target = 'host';
  let cpu: Cpu = 'x86-64';
  const dump = new Set<string>();
  let timer: PassTimer | undefined;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '-o') output = argv[++k];
    else if (a.startsWith('--target=')) {
      const t = a.slice('--target='.length);
      if (t !== 'kernel' && t !== 'host' && t !== 'user') {
        console.error(`wasmc: unknown target '${t}' (kernel, host or user)`);
        return 2;
      }
      target = t;
    } else if (a.startsWith('--cpu=')) {
      // x86-64: baseline (SSE2 only), the default; x86-64-v2 adds SSE4.1 and popcnt.
      const c = a.slice('--cpu='.length);
      if (c !== 'x86-64' && c !== 'x86-64-v2') {
        console.error(`wasmc: unknown cpu '${c}' (x86-64 or x86-64-v2)`);
        return 2;
      }
      cpu = c;
    } else if (a.startsWith('--dump=')) {
      for (const p of a.slice('--dump='.length).split(',')) {
        if (!['ir', 'fuse', 'dce', 'webs', 'licm', 'regalloc'].includes(p)) {
          console.error(`wasmc: unknown pass '${p}' for --dump (ir, fuse, dce, webs, licm, regalloc)`);
          return 2;
        }
        dump.add(p);
      }
    } else if (a === '--time-passes') timer = new PassTimer();
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      console.error(`wasmc: unknown option '${a}'\n${USAGE}`);
      return 2;
    } else if (input === undefined) input = a;
    else {
      console.error(`wasmc: more than one input file\n${USAGE}`);
      return 2;
    }
  }
  if (!input || !output) {
    console.error(USAGE);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(input);
  } catch (e) {
    console.error(`wasmc: cannot read ${input}: ${(e as Error).message}`);
    return 1;
  }
  try {
    const asm = compile(bytes, { target, cpu, dump, timer });
    const tmp = `${output}.tmp`;
    writeFileSync(tmp, asm);
    renameSync(tmp, output);
    if (timer) process.stderr.write(timer.report());
    return 0;
  } catch (e) {
    if (e instanceof WasmError || e instanceof CompileError) {
      console.error(`wasmc: ${input}: ${e.message}`);
      return 1;
    }
    console.error(`wasmc: internal error while compiling ${input} (a bug in wasmc):`);
    console.error((e as Error).stack ?? String(e));
    return 3;
  }
}

process.exitCode = main(process.argv.slice(2));
