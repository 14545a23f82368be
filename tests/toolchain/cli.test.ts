// The wasmc command line: good modules give readable assembly, bad ones a
// one-line error with the byte offset, a non-zero exit and no output file.

import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { wat2wasm } from './codegen/differential.js';

const BUILD = process.env.TSOS_BUILD ?? 'build';
const WASMC = `${BUILD}/toolchain/wasmc.js`;
let dir: string;

function wasmc(args: string[]) {
  return spawnSync('node', [WASMC, ...args], { encoding: 'utf8' });
}

beforeAll(() => {
  if (!existsSync(WASMC)) execFileSync('make', [`BUILD=${BUILD}`, WASMC], { stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'wasmc-'));
});

describe('wasmc', () => {
  it('compiles a valid module with named functions and offset comments', async () => {
    const wasm = await wat2wasm('(module (func $add_one (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))');
    writeFileSync(join(dir, 'ok.wasm'), wasm);
    const r = wasmc([join(dir, 'ok.wasm'), '-o', join(dir, 'ok.asm')]);
    expect(r.status, r.stderr).toBe(0);
    const asm = readFileSync(join(dir, 'ok.asm'), 'utf8');
    expect(asm).toMatch(/^add_one:/m);
    expect(asm).toMatch(/^wasm_export_inc:/m);
    expect(asm).toMatch(/; @[0-9a-f]+ +v\d+ = i32\.add/);
  });

  it('rejects a truncated module with the byte offset and writes nothing', () => {
    writeFileSync(join(dir, 'trunc.wasm'), Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1]));
    const r = wasmc([join(dir, 'trunc.wasm'), '-o', join(dir, 'trunc.asm')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/byte 0x[0-9a-f]+/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(existsSync(join(dir, 'trunc.asm'))).toBe(false);
  });

  it('rejects an invalid module (type error) naming the function', async () => {
    // i32.add of an i64: built by hand, since wat2wasm would refuse it.
    const body = [0x00, 0x42, 0x01, 0x41, 0x02, 0x6a, 0x1a, 0x0b];
    const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body];
    writeFileSync(join(dir, 'invalid.wasm'), Uint8Array.from(bytes));
    const r = wasmc([join(dir, 'invalid.wasm'), '-o', join(dir, 'invalid.asm')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/byte 0x[0-9a-f]+/);
    expect(r.stderr).toMatch(/function 0/);
    expect(existsSync(join(dir, 'invalid.asm'))).toBe(false);
  });

  it('names an unsupported feature and its function', async () => {
    const wasm = await wat2wasm('(module (import "x86" "hlt" (func $hlt)) (elem declare func $hlt) (func $f (export "f") (drop (ref.func $hlt))))');
    writeFileSync(join(dir, 'reffunc.wasm'), wasm);
    const r = wasmc([join(dir, 'reffunc.wasm'), '--target=kernel', '-o', join(dir, 'reffunc.asm')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/at byte 0x[0-9a-f]+ in function 'f'/);
    expect(r.stderr).toMatch(/x86\.hlt is not supported/);
    expect(existsSync(join(dir, 'reffunc.asm'))).toBe(false);
  });

  it('accepts x86 intrinsics only for the kernel target', async () => {
    const wasm = await wat2wasm('(module (import "x86" "hlt" (func $hlt)) (func (export "f") (call $hlt)))');
    writeFileSync(join(dir, 'intr.wasm'), wasm);
    const host = wasmc([join(dir, 'intr.wasm'), '-o', join(dir, 'intr.asm')]);
    expect(host.status).toBe(1);
    expect(host.stderr).toMatch(/x86\.hlt.*--target=kernel/);
    const kernel = wasmc([join(dir, 'intr.wasm'), '--target=kernel', '-o', join(dir, 'intr.asm')]);
    expect(kernel.status, kernel.stderr).toBe(0);
    expect(readFileSync(join(dir, 'intr.asm'), 'utf8')).toMatch(/^\s+hlt$/m);
  });

  it('checks the signature of an intrinsic', async () => {
    const wasm = await wat2wasm('(module (import "x86" "inb" (func $inb (param i64) (result i32))) (func (export "f") (drop (call $inb (i64.const 1)))))');
    writeFileSync(join(dir, 'sig.wasm'), wasm);
    const r = wasmc([join(dir, 'sig.wasm'), '--target=kernel', '-o', join(dir, 'sig.asm')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/x86\.inb must have type \(i32->i32\)/);
  });

  it('prints the IR with --dump=ir and reports bad usage', async () => {
    const wasm = await wat2wasm('(module (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))');
    writeFileSync(join(dir, 'dump.wasm'), wasm);
    const r = wasmc([join(dir, 'dump.wasm'), '--dump=ir', '-o', join(dir, 'dump.asm')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/v\d+ = i32\.mul v0, v0/);
    expect(wasmc(['--dump=nothing', 'x.wasm', '-o', 'y']).status).toBe(2);
    expect(wasmc([]).status).toBe(2);
  });

  it('prints the time of each step with --time-passes', async () => {
    const wasm = await wat2wasm('(module (func $f (export "f") (param i32) (result i32) (loop (br_if 0 (local.get 0))) (local.get 0)))');
    writeFileSync(join(dir, 'time.wasm'), wasm);
    const r = wasmc([join(dir, 'time.wasm'), '--time-passes', '-o', join(dir, 'time.asm')]);
    expect(r.status, r.stderr).toBe(0);
    for (const pass of ['decode', 'validate', 'lower', 'fuse', 'dce', 'webs', 'licm', 'regalloc', 'emit', 'total']) {
      expect(r.stderr).toMatch(new RegExp(`^${pass} +\\d+\\.\\d ms`, 'm'));
    }
    expect(r.stderr).toMatch(/^slowest function: f \(\d+\.\d ms\)$/m);
    expect(readFileSync(join(dir, 'time.asm'), 'utf8')).toMatch(/^wasm_export_f:/m);
  });
});
