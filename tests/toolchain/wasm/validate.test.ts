// validate.ts: typing of code (including the polymorphic stack), index
// checks, constant expressions and module-level rules, with the messages a
// person will read. Modules are .wat text (wabt does not validate them here).

import { describe, expect, it } from 'vitest';
import { loadModule, type Module } from '../../../toolchain/src/wasm/index.js';
import { I32, expectWasmError, oneFunc, section, vec, wat } from './helpers.js';

// Each case is also put to V8 (WebAssembly.validate), so the expectations
// themselves are checked against an independent validator.
async function load(src: string, checkV8 = true): Promise<Module> {
  const bytes = await wat(src);
  if (checkV8) expect(WebAssembly.validate(bytes as BufferSource), `V8 rejects: ${src}`).toBe(true);
  return loadModule(bytes);
}
const fn = (sig: string, code: string, extra = '') => `(module ${extra} (func $f ${sig} ${code}))`;
async function rejects(src: string, reason: string | RegExp) {
  const bytes = await wat(src);
  expect(WebAssembly.validate(bytes as BufferSource), `V8 accepts: ${src}`).toBe(false);
  return expectWasmError(() => loadModule(bytes), { kind: 'invalid', reason });
}

describe('accepts valid code', () => {
  it('covers every instruction group in one module', async () => {
    const m = await load(`(module
      (type $bin (func (param i32 i32) (result i32)))
      (type $pair (func (param i64) (result i64 i64)))
      (import "env" "ext" (func $ext (param i32)))
      (import "env" "g" (global $gi i32))
      (memory 1 2)
      (table $ft 4 funcref) (table $et 2 externref)
      (global $gm (mut i64) (i64.const 0))
      (global $gr (mut funcref) (ref.func $add))
      (data $d "abc")
      (elem $e funcref (ref.func $add) (ref.null func))
      (elem declare func $pairs)
      (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
      (func $pairs (type $pair) (local.get 0) (local.get 0))
      (func (export "all") (param $x i32) (param $r externref) (result i32) (local $f f64) (local $y i64)
        (local.set $f (f64.promote_f32 (f32.demote_f64 (f64.convert_i32_s (local.get $x)))))
        (local.set $y (i64.extend32_s (i64.trunc_sat_f64_s (local.get $f))))
        (global.set $gm (i64.rotl (global.get $gm) (local.get $y)))
        (i32.store16 offset=2 align=2 (i32.const 0) (i32.load8_u (i32.const 1)))
        (drop (memory.grow (memory.size)))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
        (data.drop $d)
        (table.init $ft $e (i32.const 0) (i32.const 0) (i32.const 1))
        (elem.drop $e)
        (table.copy $ft $ft (i32.const 0) (i32.const 0) (i32.const 0))
        (drop (table.grow $et (local.get $r) (i32.const 1)))
        (table.fill $et (i32.const 0) (ref.null extern) (i32.const 0))
        (table.set $et (i32.const 0) (table.get $et (i32.const 1)))
        (drop (table.size $ft))
        (drop (ref.is_null (ref.func $pairs)))
        (drop (select (result externref) (local.get $r) (ref.null extern) (i32.const 1)))
        (drop (select (i32.const 1) (i32.const 2) (global.get $gi)))
        (call $ext (call_indirect $ft (type $bin) (i32.const 1) (i32.const 2) (i32.const 0)))
        (drop (drop (call $pairs (i64.const 3))))
        (block $out (result i32)
          (local.get $x)
          (loop $l (param i32) (result i32)
            (local.set $x)
            (br_if $l (local.get $x) (i32.eqz (local.get $x)))
            (br_table $out $out $l (i32.const 5))))
        (if (param i32) (result i32) (local.get $x) (then (i32.const 1) (i32.add)) (else (i32.const 2) (i32.sub)))
        (if (param i32) (result i32) (i32.const 0) (then))
        (return))
      (start $start) (func $start))`);
    expect(m.codes).toHaveLength(4);
  });

  it('types code after unreachable, br, return and br_table against the polymorphic stack', async () => {
    await load(fn('(result i32)', 'unreachable i32.add'));
    await load(fn('(result i32)', 'unreachable select'));
    await load(fn('(result i32)', 'unreachable (i32.const 1) select'));
    await load(fn('(result i64)', 'unreachable (i64.const 1) (i32.const 1) select'));
    await load(fn('(result i32)', '(return (i32.const 1)) (drop) (drop) (i32.const 2)'));
    await load(fn('', '(block $a (result i32) (block $b (result f32) unreachable (br_table $a $b $a)) drop unreachable) drop'));
    await load(fn('', '(block $a (br 0) (i32.add) (drop))'));
    await load(fn('(result i32)', '(drop (block (result i32) (unreachable))) (block (result i32) (br 0 (i32.const 0)) (i64.const 1) (drop))'));
    await load(fn('(result funcref)', 'unreachable (ref.is_null) (drop) (ref.null func)'));
    await load(fn('', 'unreachable (memory.size) (drop)', '(memory 1)'));
  });
});

describe('type errors in code', () => {
  it('renders the expected and actual operand types, the offset and the function', async () => {
    const src = fn('(result i32)', '(i32.add (i64.const 1) (i32.const 2))');
    const bytes = await wat(src);
    const e = expectWasmError(() => loadModule(bytes), { kind: 'invalid', reason: 'type mismatch: i32.add expects [i32 i32] but got [i64 i32]', funcIndex: 0 });
    expect(bytes[e.offset]).toBe(0x6a); // the offset is the i32.add opcode
    expect(e.funcName).toBe('f');
    expect(e.message).toBe(`invalid module at byte 0x${e.offset.toString(16)} (function 0 'f'): type mismatch: i32.add expects [i32 i32] but got [i64 i32]`);
  });

  it('counts imported functions in the function index', async () => {
    const e = await rejects(`(module (import "m" "f" (func)) (func $g (result i32) (i64.const 0)))`, 'end of function expects [i32] but got [i64]');
    expect(e.funcIndex).toBe(1);
  });

  it('rejects stack underflow, leftovers and wrong block results', async () => {
    await rejects(fn('', '(i32.const 1) (i32.add) (drop)'), 'i32.add expects [i32 i32] but got [i32]');
    await rejects(fn('', '(i32.const 1)'), 'end of function expects [] but got [i32]');
    await rejects(fn('(result i32)', '(block (result i32) (i32.const 1) (i32.const 2))'), 'end of block expects [i32] but got [i32 i32]');
    await rejects(fn('', '(block (result i32) (br 0)) (drop)'), 'br expects [i32] but got []');
    await rejects(fn('(result i32)', 'unreachable (i64.const 1) (i32.add)'), 'i32.add expects [i32 i32] but got [_ i64]');
    await rejects(fn('', '(block (result i32) (i32.const 0) (i32.const 0) (br_if 0)) (drop) (drop)'), 'type mismatch');
    await rejects(fn('', 'drop'), 'drop expects an operand but the stack is empty');
    await rejects(fn('', '(loop (param i32))'), 'loop expects [i32] but got []');
  });

  it('requires if without else to have equal params and results', async () => {
    await rejects(fn('(result i32)', '(if (result i32) (i32.const 1) (then (i32.const 1)))'), 'if without else');
    await load(fn('(result i32)', '(i32.const 7) (if (param i32) (result i32) (i32.const 1) (then))'));
  });

  it('checks br_table arity and the types each target receives', async () => {
    await rejects(fn('', '(block $a (result i32) (block $b (i32.const 0) (i32.const 0) (br_table $a $b))) (drop)'), 'br_table targets differ in arity');
    await rejects(fn('', '(block $a (result i32) (block $b (result f32) unreachable (i64.const 0) (br_table $a $b $a))) drop'), 'type mismatch');
    await rejects(fn('', '(block (br_table 0 2 (i32.const 0)))'), 'unknown label 2');
  });

  it('checks select', async () => {
    await rejects(fn('(param funcref) (result funcref)', '(select (local.get 0) (local.get 0) (i32.const 0))'), 'select without a type immediate needs numeric operands');
    await rejects(fn('(result i32)', '(select (i32.const 0) (i64.const 0) (i32.const 0))'), 'select operands differ');
    await rejects(fn('(result i32)', '(select (result i32) (i32.const 0) (i64.const 0) (i32.const 0))'), 'type mismatch');
    // select with two types: not expressible in wabt's text format
    const two = oneFunc([], [], [0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0x02, I32, I32, 0x1a, 0x0b]);
    expectWasmError(() => loadModule(two), { kind: 'invalid', reason: 'invalid result arity' });
  });

  it('checks reference instructions', async () => {
    await rejects(fn('(result i32)', '(ref.is_null (i32.const 0))'), 'ref.is_null expects a reference');
    await rejects(fn('', '(drop (ref.func $f))'), 'undeclared function reference');
    await load(fn('', '(drop (ref.func $f))', '(elem declare func $f)'));
    await load(fn('', '(drop (ref.func $f))', '(export "f" (func $f))'));
    await load(fn('', '(drop (ref.func $f))', '(global funcref (ref.func $f))'));
    await rejects(fn('', '(table.set $t (i32.const 0) (ref.null func))', '(table $t 1 externref)'), 'table.set expects [externref] but got [funcref]');
    await rejects(fn('', '(call_indirect $t (i32.const 0))', '(table $t 1 externref)'), 'call_indirect needs a funcref table');
    await rejects(fn('', '(table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))', '(table $a 1 funcref) (table $b 1 externref)'), 'table.copy');
    await rejects(fn('', '(table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0))', '(table $t 1 externref) (elem $e func)'), 'table.init');
  });
});

describe('index and context checks in code', () => {
  it('rejects out-of-range indices, naming them', async () => {
    await rejects(fn('', '(drop (local.get 1))', ''), 'unknown local 1');
    await rejects(fn('', '(drop (global.get 0))'), 'unknown global 0');
    await rejects(fn('', '(call 5)'), 'unknown function 5');
    await rejects(fn('', '(drop (table.size 0))'), 'unknown table 0');
    await rejects(fn('', '(br 1)'), 'unknown label 1');
    await rejects(fn('', '(elem.drop 0)'), 'unknown elem segment 0');
    await rejects(fn('', '(call_indirect (type 9) (i32.const 0))', '(table 1 funcref)'), 'unknown type 9');
    const badBlockType = oneFunc([], [], [0x02, 0x05, 0x0b, 0x0b]);
    expectWasmError(() => loadModule(badBlockType), { kind: 'invalid', reason: 'unknown type 5' });
  });

  it('requires a memory for memory instructions', async () => {
    await rejects(fn('(result i32)', '(i32.load (i32.const 0))'), 'unknown memory 0');
    await rejects(fn('(result i32)', '(memory.size)'), 'unknown memory 0');
    await rejects(fn('', '(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))'), 'unknown memory 0');
  });

  it('rejects alignment larger than natural', async () => {
    await rejects(fn('(result i32)', '(i32.load8_u align=2 (i32.const 0))', '(memory 1)'), 'alignment must not be larger than natural');
    await rejects(fn('', '(i64.store align=16 (i32.const 0) (i64.const 0))', '(memory 1)'), 'alignment must not be larger than natural');
    await load(fn('', '(i64.store align=8 (i32.const 0) (i64.const 0))', '(memory 1)'));
  });

  it('rejects writes to immutable globals', async () => {
    await rejects(fn('', '(global.set 0 (i32.const 1))', '(global i32 (i32.const 0))'), 'global is immutable');
  });

  it('checks data segment indices against the data count', async () => {
    await rejects(fn('', '(data.drop 1)', '(memory 1) (data "a")'), 'unknown data segment 1');
  });
});

describe('constant expressions', () => {
  it('allow constants, ref.null, ref.func and imported immutable globals', async () => {
    await load(`(module (import "m" "g" (global i32)) (global i32 (global.get 0)) (global externref (ref.null extern))
      (global funcref (ref.func 0)) (func) (memory 1) (data (global.get 0) "x") (table 1 funcref) (elem (global.get 0) func 0))`);
  });
  it('reject other instructions, mutable or defined globals, and wrong types', async () => {
    await rejects('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))', 'constant expression required');
    await rejects('(module (global i32 (i32.const 0)) (global i32 (global.get 0)))', 'unknown global 0');
    await rejects('(module (import "m" "g" (global (mut i32))) (global i32 (global.get 0)))', 'constant expression required');
    await rejects('(module (global i64 (i32.const 0)))', 'global initializer must produce [i64] but produces [i32]');
    await rejects('(module (global i32))', 'produces []');
    await rejects('(module (global i32 (i32.const 0) (i32.const 0)))', 'produces [i32 i32]');
    await rejects('(module (memory 1) (data (i64.const 0) "x"))', 'data segment offset must produce [i32]');
    await rejects('(module (table 1 funcref) (elem (i32.const 0) externref (ref.null extern)))', 'type mismatch');
    await rejects('(module (table 1 funcref) (elem (i32.const 0) funcref (ref.func 3)))', 'unknown function 3');
  });
});

describe('module-level rules', () => {
  it('checks the start function', async () => {
    await rejects('(module (func $s (param i32)) (start $s))', 'start function must have type [] -> []');
    await rejects('(module (func $s (result i32) (i32.const 0)) (start $s))', 'start function');
    await rejects('(module (start 3))', 'unknown function 3');
  });
  it('requires unique export names and valid export indices', async () => {
    await rejects('(module (func) (export "a" (func 0)) (export "a" (func 0)))', 'duplicate export name "a"');
    await rejects('(module (export "g" (global 0)))', 'unknown global 0');
  });
  it('allows at most one memory', async () => {
    await rejects('(module (import "m" "m" (memory 1)) (memory 1))', 'multiple memories');
  });
  it('checks limits', async () => {
    await rejects('(module (memory 65537))', 'memory size must be at most 65536 pages (4GiB)');
    await rejects('(module (memory 1 65537))', 'memory size must be at most 65536 pages (4GiB)');
    await rejects('(module (memory 2 1))', 'size minimum must not be greater than maximum');
    await rejects('(module (table 2 1 funcref))', 'size minimum must not be greater than maximum');
    await load('(module (memory 0 65536) (table 0xffffffff funcref))', false); // V8 caps initial table sizes at 10^7
  });
  it('checks element and data segment targets', async () => {
    await rejects('(module (elem (i32.const 0) func))', 'unknown table 0');
    await rejects('(module (data (i32.const 0) "x"))', 'unknown memory 0');
    await rejects('(module (table 1 externref) (func) (elem (table 0) (i32.const 0) func 0))', 'element segment 0 of funcref for table 0 of externref');
  });
  it('checks type indices of functions and imports', () => {
    const bad = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(3, vec([[1]])), ...section(10, vec([[2, 0, 0x0b]]))]);
    expectWasmError(() => loadModule(bad), { kind: 'invalid', reason: 'unknown type 1', offset: 11 });
  });
});
