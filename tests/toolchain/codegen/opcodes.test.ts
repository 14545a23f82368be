// Each class of Wasm operations that the backend supports, compiled by our
// backend and run on the build host, compared call by call with V8 running
// the same module (see differential.ts).

import { describe, it, expect } from 'vitest';
import { differential, wat2wasm } from './differential.js';

async function check(name: string, wat: string, perFunc = 40) {
  const wasm = await wat2wasm(wat);
  const r = await differential(wasm, name, perFunc);
  expect(r.mismatches, r.mismatches.slice(0, 20).join('\n')).toEqual([]);
  expect(r.calls.length).toBeGreaterThan(0);
}

const INT_BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const INT_CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const CONSTS: Record<string, string[]> = { i32: ['0', '1', '-1', '7', '31', '0x7fffffff', '-0x80000000', '100000'], i64: ['0', '1', '-1', '63', '0x7fffffff', '-0x80000000', '0x123456789', '-0x8000000000000000'] };

function binops(t: 'i32' | 'i64'): string {
  const fs: string[] = [];
  for (const op of INT_BIN) {
    fs.push(`(func (export "${t}.${op}") (param ${t} ${t}) (result ${t}) (${t}.${op} (local.get 0) (local.get 1)))`);
    CONSTS[t].forEach((c, k) => {
      fs.push(`(func (export "${t}.${op}/r${k}") (param ${t}) (result ${t}) (${t}.${op} (local.get 0) (${t}.const ${c})))`);
      fs.push(`(func (export "${t}.${op}/l${k}") (param ${t}) (result ${t}) (${t}.${op} (${t}.const ${c}) (local.get 0)))`);
    });
    // Result into the second operand's local: exercises two-address aliasing.
    fs.push(`(func (export "${t}.${op}/alias") (param ${t} ${t}) (result ${t}) (local.set 1 (${t}.${op} (local.get 0) (local.get 1))) (local.get 1))`);
  }
  return `(module ${fs.join('\n')})`;
}

function unops(): string {
  const fs: string[] = [];
  for (const t of ['i32', 'i64']) {
    for (const op of ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s', ...(t === 'i64' ? ['extend32_s'] : [])]) {
      const res = op === 'eqz' ? 'i32' : t;
      fs.push(`(func (export "${t}.${op}") (param ${t}) (result ${res}) (${t}.${op} (local.get 0)))`);
    }
  }
  fs.push(`(func (export "i32.wrap_i64") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))`);
  fs.push(`(func (export "i64.extend_i32_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))`);
  fs.push(`(func (export "i64.extend_i32_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))`);
  fs.push(`(func (export "wrap-add") (param i64 i64) (result i32) (i32.add (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (local.get 1))))`);
  fs.push(`(func (export "ext-index") (param i32) (result i64) (i64.add (i64.extend_i32_u (local.get 0)) (i64.const 1)))`);
  return `(module ${fs.join('\n')})`;
}

function compares(): string {
  const fs: string[] = [];
  for (const t of ['i32', 'i64']) {
    for (const op of INT_CMP) {
      fs.push(`(func (export "${t}.${op}") (param ${t} ${t}) (result i32) (${t}.${op} (local.get 0) (local.get 1)))`);
      fs.push(`(func (export "${t}.${op}/c") (param ${t}) (result i32) (${t}.${op} (local.get 0) (${t}.const 7)))`);
      fs.push(`(func (export "${t}.${op}/cl") (param ${t}) (result i32) (${t}.${op} (${t}.const -3) (local.get 0)))`);
      // As a branch condition (fused compare-and-branch) and as an if.
      fs.push(`(func (export "${t}.${op}/br") (param ${t} ${t}) (result i32) (block (br_if 0 (${t}.${op} (local.get 0) (local.get 1))) (return (i32.const 10))) (i32.const 20))`);
      fs.push(`(func (export "${t}.${op}/if") (param ${t} ${t}) (result i32) (if (result i32) (${t}.${op} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))`);
      fs.push(`(func (export "${t}.${op}/sel") (param ${t} ${t}) (result ${t}) (select (local.get 0) (local.get 1) (${t}.${op} (local.get 0) (local.get 1))))`);
    }
    fs.push(`(func (export "${t}.select") (param ${t} ${t} i32) (result ${t}) (select (local.get 0) (local.get 1) (local.get 2)))`);
  }
  return `(module ${fs.join('\n')})`;
}

const CONTROL = `(module
  (func (export "loop-sum") (param i32) (result i32) (local i32)
    (local.set 0 (i32.and (local.get 0) (i32.const 0xfff)))
    (block (loop (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br 0)))
    (local.get 1))
  (func (export "block-value") (param i32) (result i32)
    (block (result i32) (br_if 0 (i32.const 5) (i32.lt_u (local.get 0) (i32.const 10))) (drop) (i32.const 6)))
  (func (export "nested") (param i32) (result i32)
    (block (result i32) (block (result i32) (block (result i32)
      (br_table 0 1 2 (i32.const 100) (local.get 0)))
      (i32.add (i32.const 1))) (i32.add (i32.const 2))))
  (func (export "br-table-many") (param i32) (result i32)
    (block (block (block (block (block (br_table 3 2 1 0 4 (local.get 0)))
      (return (i32.const 0))) (return (i32.const 1))) (return (i32.const 2))) (return (i32.const 3))) (i32.const 4))
  (func (export "if-no-else") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3)) (if (local.get 0) (then (local.set 1 (i32.const 4)))) (local.get 1))
  (func (export "early-return") (param i32) (result i32)
    (if (i32.gt_s (local.get 0) (i32.const 0)) (then (return (i32.const 1)))) (i32.const -1))
  (func (export "unreachable") (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 3)) (then (unreachable))) (local.get 0))
  (func (export "loop-params") (param i32) (result i32)
    (i32.const 0) (i32.and (local.get 0) (i32.const 0x3ff))
    (loop (param i32 i32) (result i32 i32)
      (local.set 0) (i32.add (local.get 0)) (local.get 0) (i32.sub (i32.const 1)) (local.tee 0)
      (br_if 0 (i32.gt_s (local.get 0) (i32.const 0)) (i32.and (i32.const 1)) ))
    (drop))
  (func (export "swap") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32) (local.set 0) (local.set 1) (local.get 0) (local.get 1))
    (i32.sub))
  (func (export "tee-chain") (param i32) (result i32) (local i32 i32)
    (i32.add (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (local.tee 2 (i32.add (local.get 1) (i32.const 1)))))
  (func (export "stale-get") (param i32) (result i32)
    (local.get 0) (local.set 0 (i32.const 99)) (local.get 0) (i32.sub))
  ${''/* Regression (found by fuzz.ts): a local read before an if and written in one arm only. */}
  (func (export "stale-get-if") (param i32 i32) (result i32)
    (local.get 0) (if (result i32) (local.get 1) (then (local.tee 0 (i32.const 5))) (else (i32.const 32))) (i32.shr_u))
  (func (export "stale-get-loop") (param i32 i32) (result i32)
    (local.get 0) (local.set 1 (i32.and (local.get 1) (i32.const 7)))
    (loop (if (local.get 1) (then (local.set 0 (i32.add (local.get 0) (i32.const 3))) (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br 1))))
    (local.get 0) (i32.sub))
  (func (export "dead-after-br") (param i32) (result i32)
    (block (result i32) (br 0 (local.get 0)) (i32.const 1) (i32.add) (drop) (i32.const 3)))
)`;

const CALLS = `(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $many (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.sub (i32.add (local.get 0) (local.get 6)) (i32.mul (local.get 7) (local.get 8))))
  (func (export "many") (param i32 i32) (result i32)
    (call $many (local.get 0) (local.get 1) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (local.get 1) (local.get 0) (i32.const 9)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "live-across") (param i32 i32) (result i32) (local i32 i32)
    (local.set 2 (i32.add (local.get 0) (i32.const 1)))
    (local.set 3 (i32.mul (local.get 1) (i32.const 3)))
    (i32.add (i32.add (call $id (local.get 0)) (local.get 2)) (i32.add (call $id (local.get 3)) (local.get 1))))
  (func $swapargs (param i32 i32 i32) (result i32) (i32.sub (local.get 0) (i32.mul (local.get 1) (local.get 2))))
  (func (export "rotate-args") (param i32 i32 i32) (result i32) (call $swapargs (local.get 2) (local.get 0) (local.get 1)))
  (func $even (param i32) (result i32) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "even") (param i32) (result i32) (call $even (i32.and (local.get 0) (i32.const 0xfff))))
  (func $runaway (export "runaway") (param i32) (result i32) (i32.add (call $runaway (local.get 0)) (i32.const 1)))
)`;

const MEMORY = `(module
  (memory 1 3)
  (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\f0\\f1\\f2\\f3\\f4\\f5\\f6\\f7")
  (data (i32.const 65530) "abcdef")
  (global $g (mut i32) (i32.const 42))
  (global $h (mut i64) (i64.const -5))
  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u offset=1 (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s offset=7 (local.get 0)))
  (func (export "i32.load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "i64.load16_s") (param i32) (result i64) (i64.load16_s (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
  (func (export "load-const") (result i64) (i64.load offset=4 (i32.const 4)))
  (func (export "load-big-offset") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))
  (func (export "store-load") (param i32 i64) (result i64)
    (i64.store offset=100 (local.get 0) (local.get 1))
    (i32.store8 offset=200 (local.get 0) (i32.wrap_i64 (local.get 1)))
    (i32.store16 offset=300 (local.get 0) (i32.const -2))
    (i64.store32 offset=400 (local.get 0) (local.get 1))
    (i64.add (i64.add (i64.load offset=100 (local.get 0)) (i64.load8_u offset=200 (local.get 0)))
             (i64.add (i64.load16_s offset=300 (local.get 0)) (i64.load32_u offset=400 (local.get 0)))))
  (func (export "store-imm") (param i32) (result i64)
    (i64.store (local.get 0) (i64.const -7)) (i32.store8 offset=8 (local.get 0) (i32.const 0x1ff)) (i64.load (local.get 0)))
  (func (export "globals") (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.set $h (i64.mul (global.get $h) (i64.const 3)))
    (i32.add (global.get $g) (i32.wrap_i64 (global.get $h))))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (i32.and (local.get 0) (i32.const 3))))
  (func (export "fill") (param i32 i32 i32) (result i32)
    (memory.fill (i32.and (local.get 0) (i32.const 0xffff)) (local.get 1) (i32.and (local.get 2) (i32.const 0xff)))
    (i32.load (i32.and (local.get 0) (i32.const 0xfff0))))
  (func (export "copy") (param i32 i32 i32) (result i32)
    (memory.copy (i32.and (local.get 0) (i32.const 0x3f)) (i32.and (local.get 1) (i32.const 0x3f)) (i32.and (local.get 2) (i32.const 0x1f)))
    (i32.add (i32.load (i32.const 0)) (i32.add (i32.load (i32.const 8)) (i32.load (i32.const 16)))))
  (func (export "copy-oob") (param i32) (memory.copy (local.get 0) (i32.const 0) (i32.const 16)))
)`;

/** More live values than registers: forces spills and reloads. */
function pressure(): string {
  const n = 24;
  const locals = Array.from({ length: n }, () => 'i32').join(' ');
  const sets = Array.from({ length: n }, (_, k) => `(local.set ${k + 2} (i32.add (i32.mul (local.get 0) (i32.const ${k + 3})) (local.get 1)))`).join('\n');
  let sum = '(local.get 2)';
  for (let k = 1; k < n; k++) sum = `(i32.${k % 3 === 0 ? 'xor' : k % 3 === 1 ? 'add' : 'sub'} ${sum} (local.get ${k + 2}))`;
  let sum64 = '(i64.extend_i32_u (local.get 2))';
  for (let k = 1; k < n; k++) sum64 = `(i64.add ${sum64} (i64.mul (i64.extend_i32_s (local.get ${k + 2})) (i64.const ${k})))`;
  return `(module
    (func $f (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "pressure") (param i32 i32) (result i32) (local ${locals}) ${sets} ${sum})
    (func (export "pressure64") (param i32 i32) (result i64) (local ${locals}) ${sets} ${sum64})
    (func (export "pressure-call") (param i32 i32) (result i32) (local ${locals}) ${sets}
      (i32.add (call $f ${sum}) ${sum}))
    ${''/* Regression: more than 32 vregs live around a loop once made the liveness fixpoint spin (a signed/unsigned bitset compare). */}
    (func (export "pressure-loop") (param i32 i32) (result i32) (local ${locals}) ${sets}
      (local.set 0 (i32.add (i32.and (local.get 0) (i32.const 15)) (i32.const 1)))
      (loop (local.set 1 (i32.add ${sum} (local.get 1))) (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1)))`;
}

/** Regression: with 32 or more vregs live into a block (bit 31 of a bitset
 * word set), the liveness fixpoint compared a signed with an unsigned word and
 * never ended. Forty locals, all read inside a loop. */
function manyLiveInLoop(): string {
  const n = 40;
  const init = Array.from({ length: n }, (_, k) => `(local.set ${k + 2} (i32.add (local.get 0) (i32.const ${k})))`).join(' ');
  let sum = '(local.get 2)';
  for (let k = 1; k < n; k++) sum = `(i32.add ${sum} (local.get ${k + 2}))`;
  return `(module (func (export "live-loop") (param i32 i32) (result i32) (local ${Array(n).fill('i32').join(' ')}) ${init}
    (local.set 0 (i32.add (i32.and (local.get 0) (i32.const 7)) (i32.const 1)))
    (loop (local.set 1 (i32.add ${sum} (local.get 1))) (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1)))`;
}

// --- floating point -------------------------------------------------------------

const F_BIN = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];
const F_UN = ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
const F_CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];

function floats(): string {
  const fs: string[] = [];
  for (const t of ['f32', 'f64']) {
    for (const op of F_BIN) {
      fs.push(`(func (export "${t}.${op}") (param ${t} ${t}) (result ${t}) (${t}.${op} (local.get 0) (local.get 1)))`);
      fs.push(`(func (export "${t}.${op}/c") (param ${t}) (result ${t}) (${t}.${op} (local.get 0) (${t}.const -0.5)))`);
      fs.push(`(func (export "${t}.${op}/alias") (param ${t} ${t}) (result ${t}) (local.set 1 (${t}.${op} (local.get 0) (local.get 1))) (local.get 1))`);
    }
    for (const op of F_UN) fs.push(`(func (export "${t}.${op}") (param ${t}) (result ${t}) (${t}.${op} (local.get 0)))`);
    // Exact bits (through reinterpret) where the spec fixes them: abs, neg, copysign of NaNs.
    const it = t === 'f32' ? 'i32' : 'i64';
    for (const op of ['abs', 'neg']) fs.push(`(func (export "${t}.${op}/bits") (param ${it}) (result ${it}) (${it}.reinterpret_${t} (${t}.${op} (${t}.reinterpret_${it} (local.get 0)))))`);
    fs.push(`(func (export "${t}.copysign/bits") (param ${it} ${it}) (result ${it}) (${it}.reinterpret_${t} (${t}.copysign (${t}.reinterpret_${it} (local.get 0)) (${t}.reinterpret_${it} (local.get 1)))))`);
    for (const op of F_CMP) {
      fs.push(`(func (export "${t}.${op}") (param ${t} ${t}) (result i32) (${t}.${op} (local.get 0) (local.get 1)))`);
      // Fused compare-and-branch, both polarities (br_if and if/else invert it): NaN must go the right way.
      fs.push(`(func (export "${t}.${op}/br") (param ${t} ${t}) (result i32) (block (br_if 0 (${t}.${op} (local.get 0) (local.get 1))) (return (i32.const 10))) (i32.const 20))`);
      fs.push(`(func (export "${t}.${op}/if") (param ${t} ${t}) (result i32) (if (result i32) (${t}.${op} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))`);
      fs.push(`(func (export "${t}.${op}/brz") (param ${t} ${t}) (result i32) (block (br_if 0 (i32.eqz (${t}.${op} (local.get 0) (local.get 1)))) (return (i32.const 10))) (i32.const 20))`);
      fs.push(`(func (export "${t}.${op}/sel") (param ${t} ${t}) (result ${t}) (select (local.get 0) (local.get 1) (${t}.${op} (local.get 0) (local.get 1))))`);
    }
    fs.push(`(func (export "${t}.select") (param ${t} ${t} i32) (result ${t}) (select (local.get 0) (local.get 1) (local.get 2)))`);
  }
  return `(module ${fs.join('\n')})`;
}

function conversions(): string {
  const fs: string[] = [];
  for (const [i, f] of [['i32', 'f32'], ['i32', 'f64'], ['i64', 'f32'], ['i64', 'f64']]) {
    for (const s of ['s', 'u']) {
      fs.push(`(func (export "${i}.trunc_${f}_${s}") (param ${f}) (result ${i}) (${i}.trunc_${f}_${s} (local.get 0)))`);
      fs.push(`(func (export "${i}.trunc_sat_${f}_${s}") (param ${f}) (result ${i}) (${i}.trunc_sat_${f}_${s} (local.get 0)))`);
      fs.push(`(func (export "${f}.convert_${i}_${s}") (param ${i}) (result ${f}) (${f}.convert_${i}_${s} (local.get 0)))`);
    }
  }
  fs.push(`(func (export "f32.demote_f64") (param f64) (result f32) (f32.demote_f64 (local.get 0)))`);
  fs.push(`(func (export "f64.promote_f32") (param f32) (result f64) (f64.promote_f32 (local.get 0)))`);
  // (Float arguments would lose NaN payloads on the way through JS: bits in, bits out.)
  fs.push(`(func (export "f32.reinterpret_i32") (param i32) (result i32) (i32.reinterpret_f32 (f32.reinterpret_i32 (local.get 0))))`);
  fs.push(`(func (export "f64.reinterpret_i64") (param i64) (result i64) (i64.reinterpret_f64 (f64.reinterpret_i64 (local.get 0))))`);
  return `(module ${fs.join('\n')})`;
}

/** Floats in memory, globals, calls (XMM and stack arguments), across calls, spilled. */
const FLOAT_PLUMBING = `(module
  (memory 1)
  (global $g (mut f64) (f64.const 2.5))
  (global $h (mut f32) (f32.const -1.25))
  (func (export "mem") (param i32 f64 f32) (result f64)
    (f64.store offset=8 (i32.and (local.get 0) (i32.const 0xff0)) (local.get 1))
    (f32.store offset=100 (i32.and (local.get 0) (i32.const 0xff0)) (local.get 2))
    (f64.add (f64.load offset=8 (i32.and (local.get 0) (i32.const 0xff0)))
             (f64.promote_f32 (f32.load offset=100 (i32.and (local.get 0) (i32.const 0xff0))))))
  (func (export "const-store") (result i64) (f64.store (i32.const 16) (f64.const -0)) (i64.load (i32.const 16)))
  (func (export "globals") (param f64) (result f64)
    (global.set $g (f64.mul (global.get $g) (local.get 0)))
    (global.set $h (f32.add (global.get $h) (f32.demote_f64 (local.get 0))))
    (f64.add (global.get $g) (f64.promote_f32 (global.get $h))))
  (func $many (param f64 f32 f64 f32 f64 f32 f64 f32 f64 f32 i32 f64) (result f64)
    (f64.add (f64.add (f64.add (local.get 0) (f64.promote_f32 (local.get 7)))
                      (f64.add (local.get 8) (f64.promote_f32 (local.get 9))))
             (f64.add (f64.convert_i32_s (local.get 10)) (local.get 11))))
  (func (export "many") (param f64 f32) (result f64)
    (call $many (local.get 0) (local.get 1) (f64.const 3) (f32.const 4) (f64.const 5) (f32.const 6) (f64.const 7)
      (local.get 1) (local.get 0) (f32.const 10) (i32.const 11) (f64.neg (local.get 0))))
  (func $sq (param f64) (result f64) (f64.mul (local.get 0) (local.get 0)))
  (func (export "live-across") (param f64 f64) (result f64) (local f64)
    (local.set 2 (f64.sub (local.get 0) (local.get 1)))
    (f64.add (f64.add (call $sq (local.get 0)) (local.get 2)) (f64.mul (call $sq (local.get 1)) (local.get 1))))
  (func (export "loop") (param f64 i32) (result f64) (local f64)
    (local.set 1 (i32.and (local.get 1) (i32.const 63)))
    (block (loop (br_if 1 (i32.eqz (local.get 1)))
      (local.set 2 (f64.add (local.get 2) (f64.div (local.get 0) (f64.convert_i32_u (local.get 1)))))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br 0)))
    (local.get 2))
)`;

function floatPressure(): string {
  const n = 20;
  const sets = Array.from({ length: n }, (_, k) => `(local.set ${k + 2} (f64.add (f64.mul (local.get 0) (f64.const ${k + 1}.5)) (local.get 1)))`).join('\n');
  let sum = '(local.get 2)';
  for (let k = 1; k < n; k++) sum = `(f64.${k % 2 ? 'add' : 'sub'} ${sum} (local.get ${k + 2}))`;
  return `(module (func $id (param f64) (result f64) (local.get 0))
    (func (export "fpressure") (param f64 f64) (result f64) (local ${Array(n).fill('f64').join(' ')}) ${sets} ${sum})
    (func (export "fpressure-call") (param f64 f64) (result f64) (local ${Array(n).fill('f64').join(' ')}) ${sets} (f64.add (call $id ${sum}) ${sum})))`;
}

// --- multi-value, tables, references -----------------------------------------------

const MULTI = `(module
  (func $divmod (param i32 i32) (result i32 i32) (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "divmod") (param i32 i32) (result i32 i32) (call $divmod (local.get 0) (i32.or (local.get 1) (i32.const 1))))
  (func $mixed (param f64 i64) (result f64 i64 f32 i32) (local.get 0) (local.get 1) (f32.demote_f64 (local.get 0)) (i32.wrap_i64 (local.get 1)))
  (func (export "mixed") (param f64 i64) (result i64 f32 f64 i32)
    (local i32 f32 i64 f64)
    (call $mixed (local.get 0) (local.get 1))
    (local.set 2) (local.set 3) (local.set 4) (local.set 5)
    (local.get 4) (local.get 3) (f64.add (local.get 5) (f64.const 1)) (local.get 2))
  (func $swap (param i64 i64) (result i64 i64) (local.get 1) (local.get 0))
  (func (export "swap-sum") (param i64 i64) (result i64)
    (call $swap (local.get 0) (local.get 1)) (i64.sub))
  (func $eight (param i32 i32 i32 i32 i32 i32 i32) (result i32 i32 i32 i32 i32 i32 i32 i32)
    (local.get 6) (local.get 5) (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0) (i32.const 99))
  (func (export "stack-hidden") (param i32) (result i32)
    (call $eight (local.get 0) (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6))
    (i32.add) (i32.sub) (i32.add) (i32.sub) (i32.add) (i32.sub) (i32.add))
  (func (export "block-multi") (param i32) (result i32 i32)
    (block (result i32 i32) (br_if 0 (i32.const 7) (i32.const 8) (local.get 0)) (drop) (drop) (local.get 0) (i32.const 3)))
)`;

const TABLES = `(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table $t 8 16 funcref)
  (table $e 4 externref)
  (elem (table $t) (i32.const 1) func $inc $dbl $neg)
  (elem $pass func $dbl $inc)
  (elem declare func $sq $nop)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.shl (local.get 0) (i32.const 1)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (func $sq (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $nop (type $v))
  (func (export "call") (param i32 i32) (result i32) (call_indirect $t (type $ii) (local.get 1) (i32.and (local.get 0) (i32.const 15))))
  (func (export "call-v") (param i32) (call_indirect $t (type $v) (i32.and (local.get 0) (i32.const 15))))
  (func (export "set-call") (param i32 i32) (result i32)
    (table.set $t (i32.and (local.get 0) (i32.const 7)) (ref.func $sq))
    (call_indirect $t (type $ii) (local.get 1) (i32.and (local.get 0) (i32.const 7))))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $nop) (i32.and (local.get 0) (i32.const 7))))
  (func (export "is-null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "fill") (param i32 i32) (result i32)
    (table.fill $t (i32.and (local.get 0) (i32.const 7)) (ref.func $neg) (i32.and (local.get 1) (i32.const 3)))
    (call_indirect $t (type $ii) (i32.const 5) (i32.const 4)))
  (func (export "copy") (param i32 i32 i32) (result i32)
    (table.copy $t $t (i32.and (local.get 0) (i32.const 7)) (i32.and (local.get 1) (i32.const 7)) (i32.and (local.get 2) (i32.const 3)))
    (call_indirect $t (type $ii) (i32.const 9) (i32.and (local.get 0) (i32.const 7))))
  (func (export "init") (param i32 i32) (result i32)
    (table.init $t $pass (i32.and (local.get 0) (i32.const 7)) (i32.const 0) (i32.and (local.get 1) (i32.const 3)))
    (call_indirect $t (type $ii) (i32.const 9) (i32.and (local.get 0) (i32.const 7))))
  (func (export "drop-init") (param i32) (result i32)
    (elem.drop $pass)
    (table.init $t $pass (i32.const 0) (i32.const 0) (i32.and (local.get 0) (i32.const 1)))
    (i32.const 1))
  (func (export "extern") (param i32) (result i32)
    (table.set $e (i32.const 1) (table.get $e (i32.const 0)))
    (ref.is_null (table.get $e (i32.and (local.get 0) (i32.const 7)))))
)`;

const BULK = `(module
  (memory 1)
  (data $d "hello, world")
  (data (i32.const 100) "active")
  (func (export "init") (param i32 i32 i32) (result i64)
    (memory.init $d (i32.and (local.get 0) (i32.const 0xffff)) (local.get 1) (local.get 2))
    (i64.load (i32.and (local.get 0) (i32.const 0xfff8))))
  (func (export "drop") (param i32) (result i32)
    (data.drop $d) (memory.init $d (i32.const 0) (i32.const 0) (local.get 0)) (i32.const 1))
  (func (export "active") (result i64) (i64.load (i32.const 100)))
)`;

/** Division and remainder by constants (shifts, multiplication by a reciprocal). */
function divConsts(): string {
  const fs: string[] = [];
  const D: Record<string, string[]> = {
    i32: ['2', '3', '5', '6', '7', '10', '12', '25', '641', '1000', '0x10000', '1000000007', '0x7fffffff', '0x80000000', '0xfffffffe', '0xaaaaaaab',
      '-2', '-3', '-7', '-8', '-1000', '-0x7fffffff', '-0x40000000', '1'],
    i64: ['2', '3', '7', '16', '1000', '0x40000000', '0x7fffffff', '-0x80000000', '-2', '-5', '-16', '1'],
  };
  for (const t of ['i32', 'i64']) {
    for (const op of ['div_s', 'div_u', 'rem_s', 'rem_u']) {
      D[t].forEach((c, k) => fs.push(`(func (export "${t}.${op}/${k}") (param ${t}) (result ${t}) (${t}.${op} (local.get 0) (${t}.const ${c})))`));
    }
  }
  return `(module ${fs.join('\n')})`;
}

/** Loop-invariant code motion: invariant address arithmetic and float
 * constants in nested loops, with loop-carried values, a call in the loop,
 * a loop entered zero times, and an invariant division by a constant. */
const LICM = `(module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "nest") (param $n i32) (param $m i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (block $done (loop $outer
      (br_if $done (i32.ge_s (local.get $i) (i32.and (local.get $n) (i32.const 15))))
      (local.set $j (i32.const 0))
      (block $d2 (loop $inner
        (br_if $d2 (i32.ge_s (local.get $j) (i32.and (local.get $m) (i32.const 15))))
        (i32.store (i32.shl (i32.add (i32.mul (local.get $i) (i32.const 16)) (local.get $j)) (i32.const 2))
          (i32.add (i32.mul (local.get $n) (local.get $i)) (i32.div_u (local.get $m) (i32.const 3))))
        (local.set $s (i32.add (local.get $s)
          (i32.load (i32.shl (i32.add (i32.mul (local.get $i) (i32.const 16)) (local.get $j)) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.get $s))
  (func (export "withcall") (param $n i32) (param $k i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.and (local.get $n) (i32.const 255))))
      (local.set $s (i32.add (local.get $s) (call $id (i32.xor (i32.mul (local.get $k) (local.get $k)) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "floats") (param $n i32) (param $x f64) (result f64)
    (local $i i32) (local $s f64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.and (local.get $n) (i32.const 63))))
      (local.set $s (f64.add (f64.mul (local.get $s) (f64.const 0.5)) (f64.mul (local.get $x) (f64.const 1.25))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s)))`;

/** Branches on `or`/`and` of two comparisons (both polarities, through eqz,
 * floats with NaN), a global read right after it is written, and local
 * updates through a temporary (fuse.ts). */
function logicalBranches(): string {
  const fs: string[] = [];
  const conds: Record<string, string> = {
    or: '(i32.or (i32.lt_s (local.get 0) (local.get 1)) (i32.eq (local.get 1) (i32.const 7)))',
    and: '(i32.and (i32.gt_u (local.get 0) (i32.const 100)) (i32.ne (local.get 0) (local.get 1)))',
    'or-f': '(i32.or (f64.lt (f64.convert_i32_s (local.get 0)) (f64.div (f64.convert_i32_s (local.get 1)) (f64.const 0))) (f64.ne (f64.convert_i32_s (local.get 0)) (f64.const 3)))',
    'and-f': '(i32.and (f32.ge (f32.div (f32.convert_i32_s (local.get 0)) (f32.convert_i32_s (local.get 1))) (f32.const 1)) (f32.eq (f32.convert_i32_u (local.get 1)) (f32.const 5)))',
  };
  for (const [name, c] of Object.entries(conds)) {
    fs.push(`(func (export "${name}/nz") (param i32 i32) (result i32) (block (br_if 0 ${c}) (return (i32.const 10))) (i32.const 20))`);
    fs.push(`(func (export "${name}/z") (param i32 i32) (result i32) (block (br_if 0 (i32.eqz ${c})) (return (i32.const 10))) (i32.const 20))`);
    fs.push(`(func (export "${name}/if") (param i32 i32) (result i32) (if (result i32) ${c} (then (i32.const 1)) (else (i32.const 2))))`);
    fs.push(`(func (export "${name}/loop") (param i32 i32) (result i32) (local i32)
      (loop $l (local.set 2 (i32.add (local.get 2) (i32.const 1))) (local.set 0 (i32.add (local.get 0) (i32.const 37)))
        (br_if $l (i32.and (i32.lt_u (local.get 2) (i32.const 50)) (i32.eqz ${c})))) (local.get 2))`);
  }
  fs.push(`(global $g (mut i32) (i32.const 5))`);
  fs.push(`(func (export "global-fwd") (param i32) (result i32) (global.set $g (i32.add (global.get $g) (local.get 0))) (i32.mul (global.get $g) (global.get $g)))`);
  fs.push(`(func (export "update") (param i32 i32) (result i32) (local i32)
    (loop $l (local.set 0 (i32.and (i32.add (local.get 0) (i32.const 1)) (i32.const 1023)))
      (local.set 1 (i32.xor (i32.shl (local.get 1) (i32.const 1)) (local.get 0)))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 2) (i32.const 20)))) (i32.add (local.get 0) (local.get 1)))`);
  return `(module ${fs.join('\n')})`;
}

describe('backend vs V8, per operation class', () => {
  it('branches on or/and of comparisons, global forwarding, local updates', () => check('logical', logicalBranches(), 60), 60000);
  it('division and remainder by constants', () => check('divconst', divConsts(), 30), 60000);
  it('loop-invariant code motion', () => check('licm', LICM, 40));
  it('many values live into a loop (liveness bitsets past bit 31)', () => check('live-loop', manyLiveInLoop()), 20000);
  it('i32 binary operations (registers, immediates, aliasing)', () => check('i32-bin', binops('i32')), 60000);
  it('i64 binary operations (registers, immediates, aliasing)', () => check('i64-bin', binops('i64')), 60000);
  it('unary operations and conversions', () => check('unops', unops()));
  it('comparisons as values, branches, ifs and selects', () => check('compares', compares()), 60000);
  it('control flow: blocks, loops, if, br_table, multi-value blocks', () => check('control', CONTROL));
  it('calls: recursion, stack arguments, values live across calls, stack exhaustion', () => check('calls', CALLS, 20));
  it('memory: loads, stores, data segments, globals, size, grow, fill, copy, bounds', () => check('memory', MEMORY));
  it('register pressure: spills and reloads', () => check('pressure', pressure()));
  it('f32/f64 arithmetic, comparisons (values, fused branches both ways, selects)', () => check('floats', floats(), 60), 60000);
  it('conversions: trapping and saturating truncation, convert, demote/promote, reinterpret', () => check('conversions', conversions(), 60), 60000);
  it('floats in memory, globals, calls (XMM and stack arguments), across calls', () => check('float-plumbing', FLOAT_PLUMBING));
  it('float register pressure: spills and values live across calls', () => check('fpressure', floatPressure()));
  it('multi-value functions and blocks (hidden result buffer, stack arguments)', () => check('multi', MULTI));
  it('tables: call_indirect and its traps, table.get/set/size/grow/fill/copy/init, elem.drop, externref', () => check('tables', TABLES));
  it('bulk memory: memory.init, data.drop, active segments', () => check('bulk', BULK));
});
