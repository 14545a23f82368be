// Address arithmetic fusion and code layout (toolchain/src/codegen/fuse.ts,
// x64/emit.ts): `t = a shl k; d = t add c` (k = 1..3, t used once) is one
// lea, which must wrap at 32 bits exactly like the two Wasm operations; br_table
// targets start a 64-byte line and loop heads a 32-byte block (except a dispatch loop's head, whose
// bounds check and indirect jump measured slower so) (padding: long
// NOPs through NASM's smartalign).

import { describe, it, expect } from 'vitest';
import { wat2wasm, differential } from './differential.js';
import { compile } from '../../../toolchain/src/compile.js';

const CONSTS = ['0', '1', '1056', '-1', '-4096', '0x7fffffff', '-0x80000000', '0xfffffff0'];
const SHLADD = `(module
  (memory 1)
${[1, 2, 3, 4].map((k) => CONSTS.map((c, n) => `
  (func (export "i32.${k}.${n}") (param i32) (result i32) (i32.add (i32.shl (local.get 0) (i32.const ${k})) (i32.const ${c})))
  (func (export "i64.${k}.${n}") (param i64) (result i64) (i64.add (i64.shl (local.get 0) (i64.const ${k})) (i64.const ${c})))`).join('')).join('')}
  ;; the shifted value used twice: no fusion
  (func (export "twice") (param i32) (result i32) (local i32)
    (local.set 1 (i32.shl (local.get 0) (i32.const 2)))
    (i32.mul (i32.add (local.get 1) (i32.const 8)) (local.get 1)))
  ;; as an address, with the result of the fusion spilled under pressure
  (func (export "addr") (param i32) (result i32)
    (i32.store (i32.add (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)) (i32.const 1024)) (local.get 0))
    (i32.load (i32.add (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)) (i32.const 1024))))
)`;

describe('shl + add as lea', () => {
  it('matches V8 (wrap-around, negative and large constants, i32 and i64)', async () => {
    const wasm = await wat2wasm(SHLADD);
    const asm = compile(wasm, { target: 'host' });
    expect(asm).toMatch(/lea e\w+, \[r\w+\*4 \+ 1056\]/);
    const r = await differential(wasm, 'shladd', 30);
    expect(r.mismatches).toEqual([]);
  }, 60000);
});

describe('code layout', () => {
  it('br_table targets on 64 bytes, loop heads on 32, long NOP padding', async () => {
    const asm = compile(await wat2wasm(`(module
      (func (export "f") (param i32) (result i32) (local i32)
        (loop $top
          (block $b2 (block $b1 (block $b0
            (br_table $b0 $b1 $b2 (i32.and (local.get 0) (i32.const 3))))
            (local.set 1 (i32.add (local.get 1) (i32.const 1))))
            (local.set 1 (i32.add (local.get 1) (i32.const 2))))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br_if $top (local.get 0)))
        (local.get 1))
      (func (export "g") (param i32) (result i32) (local i32)
        (loop $top
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br_if $top (local.get 0)))
        (local.get 1)))`), { target: 'host' });
    expect(asm).toMatch(/^%use smartalign$/m);
    expect(asm).toMatch(/align 64\n\.L\d+:/);
    expect(asm).toMatch(/align 32\n\.L\d+:/);
  });
});
