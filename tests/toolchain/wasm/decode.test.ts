// decode.ts: every section, the module-level format rules, instruction
// immediates, and the errors (kind, reason, byte offset, function).

import { describe, expect, it } from 'vitest';
import { decodeModule, MAX_LOCALS, Op, ValType, type Instr } from '../../../toolchain/src/wasm/index.js';
import {
  EXTERNREF, F32, FUNCREF, HEADER, I32, I64, body, expectWasmError, funcType, module, name, oneFunc, section, u32, vec, wat,
} from './helpers.js';

const ops = (body: Instr[]) => body.map((i) => i.op);

describe('header', () => {
  it('accepts the empty module', () => {
    const m = decodeModule(module());
    expect(m.types).toEqual([]);
    expect(m.codes).toEqual([]);
    expect(m.funcTypes).toEqual([]);
    expect(m.start).toBeUndefined();
    expect(m.dataCount).toBeUndefined();
  });
  it('rejects a wrong magic, a wrong version, truncation', () => {
    expectWasmError(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0])), { kind: 'malformed', reason: 'magic header not detected', offset: 0 });
    expectWasmError(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), { kind: 'malformed', reason: 'unknown binary version', offset: 4 });
    expectWasmError(() => decodeModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0])), { kind: 'malformed', reason: 'unexpected end' });
    expectWasmError(() => decodeModule(new Uint8Array([0, 0x61])), { reason: 'magic header not detected' });
    expectWasmError(() => decodeModule(new Uint8Array([])), { reason: 'magic header not detected' });
  });
});

describe('module-level sections', () => {
  it('decodes types with multiple results', () => {
    const m = decodeModule(module(section(1, vec([funcType([I32, I64], [F32, I32]), funcType([], [])]))));
    expect(m.types).toEqual([{ params: [I32, I64], results: [F32, I32] }, { params: [], results: [] }]);
  });

  it('decodes every import kind and fills the index-space helpers', async () => {
    const m = decodeModule(await wat(`(module
      (type $t (func (param i32) (result i64)))
      (import "env" "f" (func (type $t)))
      (import "env" "tab" (table 2 10 externref))
      (import "env" "mem" (memory 1 2))
      (import "env" "g" (global (mut f64)))
      (func (type $t) (i64.const 0))
      (table 1 funcref)
      (global i32 (i32.const 7)))`));
    expect(m.imports).toEqual([
      { module: 'env', name: 'f', kind: 'func', type: 0 },
      { module: 'env', name: 'tab', kind: 'table', table: { elem: ValType.ExternRef, limits: { min: 2, max: 10 } } },
      { module: 'env', name: 'mem', kind: 'memory', memory: { min: 1, max: 2 } },
      { module: 'env', name: 'g', kind: 'global', global: { type: ValType.F64, mutable: true } },
    ]);
    expect(m.numImportedFuncs).toBe(1);
    expect(m.numImportedGlobals).toBe(1);
    expect(m.funcs).toEqual([0]);
    expect(m.funcTypes).toHaveLength(2);
    expect(m.funcTypes[1]).toBe(m.types[0]);
    expect(m.tableTypes.map((t) => t.elem)).toEqual([ValType.ExternRef, ValType.FuncRef]);
    expect(m.memoryTypes).toEqual([{ min: 1, max: 2 }]);
    expect(m.globalTypes).toEqual([{ type: ValType.F64, mutable: true }, { type: ValType.I32, mutable: false }]);
    expect(m.globals[0].init).toMatchObject([{ op: Op.i32_const, imm: 7 }]);
  });

  it('decodes exports and start', async () => {
    const m = decodeModule(await wat(`(module (func $s) (memory 1) (table 0 funcref) (global i32 (i32.const 0))
      (export "f" (func $s)) (export "m" (memory 0)) (export "t" (table 0)) (export "g" (global 0)) (start $s))`));
    expect(m.exports).toEqual([
      { name: 'f', kind: 'func', index: 0 }, { name: 'm', kind: 'memory', index: 0 },
      { name: 't', kind: 'table', index: 0 }, { name: 'g', kind: 'global', index: 0 },
    ]);
    expect(m.start).toBe(0);
  });

  it('decodes all eight element segment forms', () => {
    const tab = section(4, vec([[FUNCREF, 0x00, 0x01]]));
    const fn = [section(1, vec([funcType([], [])])), section(3, vec([[0]]))];
    const code = section(10, vec([body([], [0x0b])]));
    const off = [0x41, 0x00, 0x0b];
    const refFunc0 = [0xd2, 0x00, 0x0b];
    const segs = [
      [0x00, ...off, ...vec([[0]])],                        // active table 0, funcidx
      [0x01, 0x00, ...vec([[0]])],                          // passive, elemkind, funcidx
      [0x02, 0x00, ...off, 0x00, ...vec([[0]])],            // active table x, elemkind, funcidx
      [0x03, 0x00, ...vec([[0]])],                          // declarative, funcidx
      [0x04, ...off, ...vec([refFunc0])],                   // active table 0, exprs
      [0x05, FUNCREF, ...vec([[0xd0, FUNCREF, 0x0b]])],     // passive, reftype, exprs
      [0x06, 0x00, ...off, FUNCREF, ...vec([refFunc0])],    // active table x, reftype, exprs
      [0x07, EXTERNREF, ...vec([[0xd0, EXTERNREF, 0x0b]])], // declarative, reftype, exprs
    ];
    const m = decodeModule(module(...fn, tab, section(9, vec(segs)), code));
    expect(m.elems.map((e) => e.mode)).toEqual(['active', 'passive', 'active', 'declarative', 'active', 'passive', 'active', 'declarative']);
    expect(m.elems.map((e) => e.type)).toEqual([FUNCREF, FUNCREF, FUNCREF, FUNCREF, FUNCREF, FUNCREF, FUNCREF, EXTERNREF]);
    for (const i of [0, 2, 4, 6]) expect(m.elems[i].offset).toMatchObject([{ op: Op.i32_const, imm: 0 }]);
    for (const i of [1, 3, 5, 7]) expect(m.elems[i].offset).toBeUndefined();
    expect(m.elems[0].init).toMatchObject([[{ op: Op.ref_func, imm: 0 }]]);
    expect(m.elems[4].init).toMatchObject([[{ op: Op.ref_func, imm: 0 }]]);
    expect(m.elems[5].init).toMatchObject([[{ op: Op.ref_null, imm: FUNCREF }]]);
    expectWasmError(() => decodeModule(module(...fn, tab, section(9, vec([[0x08, 0x00]])), code)), { kind: 'malformed', reason: 'malformed element segment kind' });
    expectWasmError(() => decodeModule(module(...fn, tab, section(9, vec([[0x01, 0x01, 0x00]])), code)), { reason: 'malformed element kind' });
    expectWasmError(() => decodeModule(module(...fn, tab, section(9, vec([[0x05, I32, 0x00]])), code)), { reason: 'malformed reference type' });
  });

  it('decodes the three data segment forms as views of the input', () => {
    const bytes = module(
      section(5, vec([[0x00, 0x01]])),
      section(12, [3]),
      section(11, vec([
        [0x00, 0x41, 0x10, 0x0b, ...vec([[1], [2]])],
        [0x01, ...vec([[3]])],
        [0x02, 0x00, 0x41, 0x20, 0x0b, ...vec([])],
      ])),
    );
    const m = decodeModule(bytes);
    expect(m.dataCount).toBe(3);
    expect(m.datas.map((d) => [d.mode, d.memory, [...d.bytes]])).toEqual([['active', 0, [1, 2]], ['passive', 0, [3]], ['active', 0, []]]);
    expect(m.datas[0].offset).toMatchObject([{ op: Op.i32_const, imm: 16 }]);
    expect(m.datas[0].bytes.buffer).toBe(bytes.buffer);
    expectWasmError(() => decodeModule(module(section(11, vec([[0x03, 0x00]])))), { reason: 'malformed data segment kind' });
  });

  it('decodes limits and rejects bad flags; shared memory is unsupported', () => {
    const m = decodeModule(module(section(5, vec([[0x01, ...u32(1), ...u32(65536)]]))));
    expect(m.memories).toEqual([{ min: 1, max: 65536 }]);
    expectWasmError(() => decodeModule(module(section(4, vec([[FUNCREF, 0x02, 0x00]])))), { kind: 'malformed', reason: 'malformed limits flags' });
    expectWasmError(() => decodeModule(module(section(4, vec([[FUNCREF, 0x81, 0x00]])))), { kind: 'malformed' });
    expectWasmError(() => decodeModule(module(section(5, vec([[0x03, 0x01, 0x01]])))), { kind: 'unsupported', reason: 'shared memory' });
    expectWasmError(() => decodeModule(module(section(5, vec([[0x04, 0x01]])))), { kind: 'unsupported', reason: 'memory64' });
  });

  it('rejects bad value types, mutability, import and export kinds', () => {
    expectWasmError(() => decodeModule(module(section(1, vec([funcType([0x7a], [])])))), { kind: 'malformed', reason: 'malformed value type 0x7a', offset: 13 });
    expectWasmError(() => decodeModule(module(section(1, vec([funcType([0x7b], [])])))), { kind: 'unsupported', reason: 'SIMD' });
    expectWasmError(() => decodeModule(module(section(1, vec([[0x5f, 0x00, 0x00]])))), { kind: 'unsupported', reason: 'GC' });
    expectWasmError(() => decodeModule(module(section(1, vec([[0x61, 0x00, 0x00]])))), { kind: 'malformed', reason: 'malformed function type' });
    expectWasmError(() => decodeModule(module(section(6, vec([[I32, 0x02, 0x41, 0x00, 0x0b]])))), { reason: 'malformed mutability' });
    expectWasmError(() => decodeModule(module(section(2, vec([[...name('a'), ...name('b'), 0x05, 0x00]])))), { reason: 'malformed import kind' });
    expectWasmError(() => decodeModule(module(section(2, vec([[...name('a'), ...name('b'), 0x04, 0x00, 0x00]])))), { kind: 'unsupported', reason: 'exception handling' });
    expectWasmError(() => decodeModule(module(section(7, vec([[...name('a'), 0x05, 0x00]])))), { reason: 'malformed export kind' });
  });

  it('rejects invalid UTF-8 in import, export and custom section names', () => {
    const bad = [0x01, 0xc0];
    expectWasmError(() => decodeModule(module(section(2, vec([[...bad, ...name('b'), 0x00, 0x00]])))), { reason: 'malformed UTF-8 encoding' });
    expectWasmError(() => decodeModule(module(section(7, vec([[...bad, 0x00, 0x00]])))), { reason: 'malformed UTF-8 encoding' });
    expectWasmError(() => decodeModule(module(section(0, [...bad]))), { reason: 'malformed UTF-8 encoding' });
  });
});

describe('section framing', () => {
  const type = section(1, vec([funcType([], [])]));
  const func = section(3, vec([[0]]));
  const code = section(10, vec([body([], [0x0b])]));

  it('requires the spec order, data count between element and code', () => {
    expect(decodeModule(module(type, func, section(12, [0]), code)).dataCount).toBe(0);
    expectWasmError(() => decodeModule(module(func, type, code)), { kind: 'malformed', reason: 'unexpected content after last section', offset: 12 });
    expectWasmError(() => decodeModule(module(type, func, code, section(12, [0]))), { reason: 'data count section after code section' });
  });

  it('rejects duplicate sections', () => {
    expectWasmError(() => decodeModule(module(type, type)), { kind: 'malformed', reason: 'duplicate type section', offset: 14 });
    expectWasmError(() => decodeModule(module(section(8, [0]), section(8, [0]))), { reason: 'duplicate start section' });
  });

  it('allows custom sections anywhere, records them, and skips their payload', () => {
    const c1 = section(0, [...name('first'), 1, 2, 3]);
    const c2 = section(0, [...name('between'), 0xff]);
    const c3 = section(0, [...name('last')]);
    const bytes = module(c1, type, c2, func, code, c3);
    const m = decodeModule(bytes);
    expect(m.customs.map((c) => [c.name, c.size])).toEqual([['first', 3], ['between', 1], ['last', 0]]);
    expect([...bytes.subarray(m.customs[0].offset, m.customs[0].offset + 3)]).toEqual([1, 2, 3]);
  });

  it('rejects custom sections whose name does not fit', () => {
    expectWasmError(() => decodeModule(module([0x00, 0x02, 0x05, 0x61])), { kind: 'malformed', reason: 'unexpected end' });
  });

  it('rejects a section whose content is shorter or longer than its size', () => {
    // type section declares 5 bytes but its one type takes 4: one byte left over
    expectWasmError(() => decodeModule(module([0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00])), { kind: 'malformed', reason: 'section size mismatch', offset: 14 });
    // declares 3 bytes, needs 4
    expectWasmError(() => decodeModule(module([0x01, 0x03, 0x01, 0x60, 0x00, 0x00])), { reason: 'unexpected end of section or function' });
    // runs past the end of the file
    expectWasmError(() => decodeModule(module([0x01, 0x10, 0x01, 0x60, 0x00, 0x00])), { reason: 'unexpected end', offset: 8 });
  });

  it('rejects unknown section ids; the tag section is unsupported', () => {
    expectWasmError(() => decodeModule(module(section(14, []))), { kind: 'malformed', reason: 'malformed section id 14', offset: 8 });
    expectWasmError(() => decodeModule(module(section(13, [0]))), { kind: 'unsupported', reason: 'tag section' });
  });

  it('requires function and code sections to agree', () => {
    expectWasmError(() => decodeModule(module(type, func)), { kind: 'malformed', reason: 'function and code section have inconsistent lengths' });
    expectWasmError(() => decodeModule(module(type, code)), { reason: 'function and code section have inconsistent lengths' });
    expectWasmError(() => decodeModule(module(type, section(3, vec([[0], [0]])), code)), { reason: 'function and code section have inconsistent lengths' });
    expect(decodeModule(module(section(3, [0]))).funcs).toEqual([]);
    expect(decodeModule(module(section(10, [0]))).codes).toEqual([]);
  });

  it('requires the data count to match the data section', () => {
    expectWasmError(() => decodeModule(module(section(12, [2]), section(11, vec([[0x01, 0x00]])))), { kind: 'malformed', reason: 'data count and data section have inconsistent lengths' });
    expectWasmError(() => decodeModule(module(section(12, [1]))), { reason: 'data count and data section have inconsistent lengths' });
  });

  it('requires a data count section for memory.init and data.drop', () => {
    const mem = section(5, vec([[0x00, 0x01]]));
    const data = section(11, vec([[0x01, 0x00]]));
    const drop = body([], [0xfc, 0x09, 0x00, 0x0b]);
    expectWasmError(() => decodeModule(module(type, func, mem, section(10, vec([drop])), data)), { kind: 'malformed', reason: 'data count section required', offset: 28, funcIndex: 0 });
    expect(decodeModule(module(type, func, mem, section(12, [1]), section(10, vec([drop])), data)).codes[0].body.map((i) => i.op)).toEqual([Op.data_drop, Op.end]);
  });
});

describe('function bodies', () => {
  it('expands local declarations in order and records the body range', () => {
    const bytes = oneFunc([I32], [], [0x0b], [[2, I64], [0, F32], [1, EXTERNREF]]);
    const m = decodeModule(bytes);
    const c = m.codes[0];
    expect(c.locals).toEqual([I64, I64, EXTERNREF]);
    expect(bytes[c.offset + c.size - 1]).toBe(0x0b);
    expect(c.body).toEqual([{ op: Op.end, offset: c.offset + c.size - 1 }]);
  });

  it('rejects more than 2^32-1 locals without allocating, and more than MAX_LOCALS as a limit', () => {
    const huge: [number, number][] = [[0xffffffff, I32], [2, I64]];
    expectWasmError(() => decodeModule(oneFunc([], [], [0x0b], huge)), { kind: 'malformed', reason: 'too many locals' });
    const four: [number, number][] = [[0x40000000, I32], [0x40000000, I64], [0x40000000, F32], [0x40000000, I32]];
    expectWasmError(() => decodeModule(oneFunc([], [], [0x0b], four)), { kind: 'malformed', reason: 'too many locals' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x0b], [[MAX_LOCALS + 1, I32]])), { kind: 'unsupported', reason: 'implementation limit' });
    expect(decodeModule(oneFunc([], [], [0x0b], [[MAX_LOCALS, I32]])).codes[0].locals).toHaveLength(MAX_LOCALS);
  });

  it('decodes immediates into the documented Instr fields', async () => {
    const m = decodeModule(await wat(`(module
      (type $mv (func (param i32) (result i32 i64)))
      (memory 1) (table $t0 2 funcref) (table $t1 2 funcref)
      (data $d "xy") (elem $e func $f)
      (func $f (param $p i32) (result i32) (local $l i64)
        (drop (i32.const -5))
        (drop (i64.const -9007199254740993))
        (drop (f32.const nan:0x200001))
        (drop (f64.const -nan:0x8000000000001))
        (drop (i64.load32_u offset=0x10 align=4 (i32.const 0)))
        (block $b (result i32) (i32.const 1))
        (drop (block (type $mv) (i32.const 2)))
        drop
        (call_indirect $t1 (type $mv) (i32.const 0) (i32.const 0))
        drop drop
        (block $a (block $c (br_table $a $c $a (i32.const 0))))
        (drop (select (result i64) (i64.const 1) (i64.const 2) (i32.const 0)))
        (drop (ref.null extern))
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
        (table.init $t1 $e (i32.const 0) (i32.const 0) (i32.const 1))
        (table.copy $t0 $t1 (i32.const 0) (i32.const 0) (i32.const 1))
        (drop (i32.trunc_sat_f64_u (f64.const 1)))
        (local.get $p)))`));
    const b = m.codes[0].body;
    const find = (op: Op) => b.find((i) => i.op === op)!;
    expect(find(Op.i32_const)).toMatchObject({ imm: -5 });
    expect(find(Op.i64_const)).toMatchObject({ big: -9007199254740993n });
    expect(find(Op.f32_const)).toMatchObject({ bits: 0x7fa00001 });
    expect(find(Op.f64_const)).toMatchObject({ big: 0xfff8000000000001n });
    expect(find(Op.i64_load32_u)).toMatchObject({ imm: 16, imm2: 2 });
    const blocks = b.filter((i) => i.op === Op.block);
    expect(blocks[0].bt).toEqual({ params: [], results: [I32] });
    expect(blocks[1].bt).toBe(m.types[0]);
    expect(blocks[1].imm).toBe(0);
    expect(find(Op.call_indirect)).toMatchObject({ imm: 0, imm2: 1 });
    expect(find(Op.br_table).targets).toEqual([1, 0, 1]);
    expect(find(Op.select_t).types).toEqual([I64]);
    expect(find(Op.ref_null)).toMatchObject({ imm: EXTERNREF });
    expect(find(Op.memory_init)).toMatchObject({ op: 0xfc08, imm: 0 });
    expect(find(Op.table_init)).toMatchObject({ op: 0xfc0c, imm: 0, imm2: 1 });
    expect(find(Op.table_copy)).toMatchObject({ op: 0xfc0e, imm: 0, imm2: 1 });
    expect(find(Op.i32_trunc_sat_f64_u).op).toBe(0xfc03);
    expect(find(Op.local_get)).toMatchObject({ imm: 0 });
    expect(b[b.length - 1].op).toBe(Op.end);
  });

  it('records the byte offset of every opcode (the 0xFC prefix for prefixed ones)', () => {
    // i32.const 1; drop; f32.const 0; i32.trunc_sat_f32_s; drop; end
    const code = [0x41, 0x01, 0x1a, 0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a, 0x0b];
    const bytes = oneFunc([], [], code);
    const c = decodeModule(bytes).codes[0];
    const start = c.offset + 1; // after the local-group count
    expect(c.body.map((i) => [i.op, i.offset - start])).toEqual([
      [Op.i32_const, 0], [Op.drop, 2], [Op.f32_const, 3], [Op.i32_trunc_sat_f32_s, 8], [Op.drop, 10], [Op.end, 11],
    ]);
  });

  it('checks nesting: else only in if, end closes the body exactly', () => {
    const start = 8 + 6 + 4 + 5; // header, type and function sections, code section id/size/count, body size, local groups
    expectWasmError(() => decodeModule(oneFunc([], [], [0x00, 0x05, 0x0b])), { kind: 'malformed', reason: "'else' without a matching 'if'", funcIndex: 0 });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b])), { reason: "'else' without a matching 'if'" });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x02, 0x40, 0x0b])), { reason: 'END opcode expected' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x0b, 0x01])), { reason: 'section size mismatch', offset: start + 1 });
    expect(ops(decodeModule(oneFunc([], [], [0x04, 0x40, 0x05, 0x0b, 0x0b])).codes[0].body)).toEqual([Op.if, Op.else, Op.end, Op.end]);
  });

  it('rejects illegal opcodes and bad reserved bytes', () => {
    expectWasmError(() => decodeModule(oneFunc([], [], [0xc5, 0x0b])), { kind: 'malformed', reason: 'illegal opcode 0xc5' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0xfc, 0x12, 0x0b])), { reason: 'illegal opcode 0xfc 18' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x3f, 0x01, 0x1a, 0x0b])), { reason: 'zero byte expected' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x3f, 0x80, 0x00, 0x1a, 0x0b])), { reason: 'zero byte expected' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x02, 0x7a, 0x0b, 0x0b])), { reason: 'malformed block type' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x02, 0xff, 0x7f, 0x0b, 0x0b])), { reason: 'malformed block type' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0xd0, 0x7f, 0x0b])), { reason: 'malformed reference type' });
  });

  it('names unsupported features, with the offset and the function', async () => {
    const simd = oneFunc([], [], [0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, 0x0b]);
    const e = expectWasmError(() => decodeModule(simd), { kind: 'unsupported', reason: 'SIMD instruction (0xfd prefix) is not supported', funcIndex: 0 });
    expect(e.message).toMatch(/^unsupported feature in module at byte 0x[0-9a-f]+ \(function 0\): SIMD/);
    expectWasmError(() => decodeModule(oneFunc([], [], [0xfe, 0x03, 0x00, 0x0b])), { kind: 'unsupported', reason: 'threads' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x06, 0x40, 0x0b, 0x0b])), { kind: 'unsupported', reason: 'exception handling' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x12, 0x00, 0x0b])), { kind: 'unsupported', reason: 'tail call' });
    expectWasmError(() => decodeModule(oneFunc([], [], [0x02, 0x7b, 0x0b, 0x0b])), { kind: 'unsupported', reason: 'v128' });
  });

  it('puts the function name from the name section (after the code) in decode errors', () => {
    const names = section(0, [...name('name'), ...section(1, vec([[0, ...name('kernel/main/kmain')]]))]);
    const bytes = module(
      section(1, vec([funcType([], [])])), section(3, vec([[0]])),
      section(10, vec([body([], [0xfd, 0x0f, 0x0b])])), names,
    );
    const e = expectWasmError(() => decodeModule(bytes), { kind: 'unsupported', funcIndex: 0 });
    expect(e.funcName).toBe('kernel/main/kmain');
    expect(e.message).toContain("(function 0 'kernel/main/kmain')");
  });
});

describe('name section', () => {
  const base = [section(1, vec([funcType([I32], [])])), section(3, vec([[0], [0]])), section(10, vec([body([], [0x0b]), body([], [0x0b])]))];
  const nameSec = (...subs: number[][]) => section(0, [...name('name'), ...subs.flat()]);

  it('parses module, function and local names', async () => {
    const m = decodeModule(await wat(`(module $mod (func $first (param $x i32) (local $y i64)) (func $second))`));
    expect(m.names.module).toBe('mod');
    expect([...m.names.funcs]).toEqual([[0, 'first'], [1, 'second']]);
    expect([...m.names.locals.get(0)!]).toEqual([[0, 'x'], [1, 'y']]);
  });

  it('ignores a malformed name section without rejecting the module', () => {
    const variants = [
      nameSec([0x01, 0x10, 0x01]),                                          // subsection runs past the end
      nameSec(section(1, vec([[0, 0x02, 0xc0, 0x80]]))),                    // bad UTF-8
      nameSec(section(1, vec([[1, ...name('b')], [0, ...name('a')]]))),     // indices not increasing
      nameSec(section(1, vec([[0, ...name('a')]])), section(0, name('m'))), // subsections out of order
      nameSec(section(1, [...vec([[0, ...name('a')]]), 0x00])),             // subsection size mismatch
      nameSec([0x01]),                                                      // truncated header
    ];
    for (const n of variants) {
      const m = decodeModule(module(...base, n));
      expect(m.names.funcs.size).toBe(0);
      expect(m.customs).toHaveLength(1);
    }
  });

  it('skips unknown subsections and uses only the first name section', () => {
    const good = nameSec(section(1, vec([[1, ...name('g')]])), section(7, [1, 2, 3]));
    const second = nameSec(section(1, vec([[0, ...name('other')]])));
    const m = decodeModule(module(...base, good, second));
    expect([...m.names.funcs]).toEqual([[1, 'g']]);
  });
});

describe('header bytes helper sanity', () => {
  it('HEADER is the magic and version 1', () => {
    expect(HEADER).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  });
});
