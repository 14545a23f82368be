// opcodes.ts: the table is complete, consistent with the enum, and says what
// the decoder and validator rely on (immediates, signatures, access widths).

import { describe, expect, it } from 'vitest';
import { Imm, OPS, Op, ValType, opInfo, opName } from '../../../toolchain/src/wasm/index.js';
import { FC_COUNT, INFO_BY_INDEX, opIndex, unsupportedOpcode } from '../../../toolchain/src/wasm/opcodes.js';

const allOps = Object.values(Op).filter((v): v is Op => typeof v === 'number');

describe('opcode table', () => {
  it('has an entry for every Op and nothing else', () => {
    expect(Object.keys(OPS).map(Number).sort((a, b) => a - b)).toEqual([...allOps].sort((a, b) => a - b));
  });

  it('covers the 2.0 opcode space without SIMD: 0x00..0xd2 minus the gaps, 0xfc 0..17', () => {
    const gaps = [0x06, 0x07, 0x08, 0x09, 0x0a, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1d, 0x1e, 0x1f, 0x27];
    const single = allOps.filter((o) => o < 0x100);
    const expected: number[] = [];
    for (let b = 0x00; b <= 0xc4; b++) if (!gaps.includes(b)) expected.push(b);
    expected.push(0xd0, 0xd1, 0xd2);
    expect(single.sort((a, b) => a - b)).toEqual(expected);
    expect(allOps.filter((o) => o >= 0x100).sort((a, b) => a - b)).toEqual(Array.from({ length: FC_COUNT }, (_, i) => 0xfc00 + i));
  });

  it('names follow the text format and are unique (select appears twice)', () => {
    expect(opName(Op.i32_add)).toBe('i32.add');
    expect(opName(Op.br_if)).toBe('br_if');
    expect(opName(Op.i32_trunc_sat_f32_s)).toBe('i32.trunc_sat_f32_s');
    expect(opName(Op.memory_init)).toBe('memory.init');
    expect(opName(Op.call_indirect)).toBe('call_indirect');
    expect(opName(0xc5)).toBe('<opcode 0xc5>');
    const names = allOps.map(opName);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes).toEqual(['select']);
    for (const op of allOps) {
      const enumName = Op[op];
      expect(opName(op).replace(/\./g, '_'), enumName).toBe(enumName === 'select_t' ? 'select' : enumName);
    }
  });

  it('gives signatures to numeric, conversion, memory and constant instructions', () => {
    const I = ValType.I32, L = ValType.I64, F = ValType.F32, D = ValType.F64;
    expect(opInfo(Op.i32_add).sig).toEqual({ params: [I, I], results: [I] });
    expect(opInfo(Op.i64_eqz).sig).toEqual({ params: [L], results: [I] });
    expect(opInfo(Op.f32_lt).sig).toEqual({ params: [F, F], results: [I] });
    expect(opInfo(Op.f64_promote_f32).sig).toEqual({ params: [F], results: [D] });
    expect(opInfo(Op.i64_trunc_sat_f64_u).sig).toEqual({ params: [D], results: [L] });
    expect(opInfo(Op.f64_const).sig).toEqual({ params: [], results: [D] });
    expect(opInfo(Op.i64_store32).sig).toEqual({ params: [I, L], results: [] });
    expect(opInfo(Op.memory_grow).sig).toEqual({ params: [I], results: [I] });
    for (const op of allOps) {
      if ((op >= 0x45 && op <= 0xc4) || (op >= 0xfc00 && op <= 0xfc07)) expect(OPS[op].sig, opName(op)).toBeDefined();
      if ([Op.block, Op.loop, Op.if, Op.br, Op.br_table, Op.call, Op.select, Op.drop, Op.local_get, Op.table_get, Op.ref_is_null].includes(op)) {
        expect(OPS[op].sig, opName(op)).toBeUndefined();
      }
    }
  });

  it('gives loads and stores their width and natural alignment', () => {
    for (const op of allOps) {
      const info = OPS[op];
      if (info.imm !== Imm.MemArg) { expect(info.memBytes).toBeUndefined(); continue; }
      const width = /(8|16|32)(_[su])?$/.exec(info.name)?.[1];
      const bytes = width ? Number(width) / 8 : info.name.startsWith('i64') || info.name.startsWith('f64') ? 8 : 4;
      expect(info.memBytes, info.name).toBe(bytes);
      expect(2 ** info.maxAlign!, info.name).toBe(bytes);
    }
  });

  it('keeps the dense index consistent with the table', () => {
    for (const op of allOps) expect(INFO_BY_INDEX[opIndex(op)]).toBe(OPS[op]);
    expect(INFO_BY_INDEX[0xc5]).toBeUndefined();
  });

  it('names the features of out-of-scope opcodes', () => {
    expect(unsupportedOpcode(0xfd)).toMatch(/^SIMD instruction \(0xfd prefix\) is not supported/);
    expect(unsupportedOpcode(0xfe)).toMatch(/threads/);
    expect(unsupportedOpcode(0x06)).toMatch(/exception handling/);
    expect(unsupportedOpcode(0x12)).toMatch(/tail call/);
    expect(unsupportedOpcode(0xc5)).toBeUndefined();
  });
});
