// The opcode table: the single source of truth for every instruction in
// scope (WebAssembly 2.0 without SIMD). Everything else — the decoder, the
// validator, the code generator, dumps — asks this file for names,
// immediates and stack signatures instead of keeping its own list.
//
// Contract: `Op` holds every opcode in scope, numbered by its encoding (the
// byte, or 0xFC00 | subopcode for the 0xFC prefix). `OPS` is keyed by Op and
// TypeScript checks that it is exhaustive. An entry's `sig` is present
// exactly when the instruction's stack effect is fixed (it depends neither on
// immediates nor on the operand stack); it says nothing about the checks an
// immediate needs (an index in range, an alignment, a declared function).
// Loads and stores also carry the access width. Opcodes of features we do not support are named by
// `unsupportedOpcode` so errors can say which feature a module needs.

import { ValType } from './types.js';

export enum Op {
  // control
  unreachable = 0x00, nop = 0x01, block = 0x02, loop = 0x03, if = 0x04, else = 0x05,
  end = 0x0b, br = 0x0c, br_if = 0x0d, br_table = 0x0e, return = 0x0f,
  call = 0x10, call_indirect = 0x11,
  // parametric
  drop = 0x1a, select = 0x1b, select_t = 0x1c,
  // variables
  local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23, global_set = 0x24,
  // tables
  table_get = 0x25, table_set = 0x26,
  // memory
  i32_load = 0x28, i64_load = 0x29, f32_load = 0x2a, f64_load = 0x2b,
  i32_load8_s = 0x2c, i32_load8_u = 0x2d, i32_load16_s = 0x2e, i32_load16_u = 0x2f,
  i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33,
  i64_load32_s = 0x34, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, f32_store = 0x38, f64_store = 0x39,
  i32_store8 = 0x3a, i32_store16 = 0x3b, i64_store8 = 0x3c, i64_store16 = 0x3d, i64_store32 = 0x3e,
  memory_size = 0x3f, memory_grow = 0x40,
  // constants
  i32_const = 0x41, i64_const = 0x42, f32_const = 0x43, f64_const = 0x44,
  // i32 comparisons
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49,
  i32_gt_s = 0x4a, i32_gt_u = 0x4b, i32_le_s = 0x4c, i32_le_u = 0x4d, i32_ge_s = 0x4e, i32_ge_u = 0x4f,
  // i64 comparisons
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54,
  i64_gt_s = 0x55, i64_gt_u = 0x56, i64_le_s = 0x57, i64_le_u = 0x58, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  // float comparisons
  f32_eq = 0x5b, f32_ne = 0x5c, f32_lt = 0x5d, f32_gt = 0x5e, f32_le = 0x5f, f32_ge = 0x60,
  f64_eq = 0x61, f64_ne = 0x62, f64_lt = 0x63, f64_gt = 0x64, f64_le = 0x65, f64_ge = 0x66,
  // i32 arithmetic
  i32_clz = 0x67, i32_ctz = 0x68, i32_popcnt = 0x69, i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c,
  i32_div_s = 0x6d, i32_div_u = 0x6e, i32_rem_s = 0x6f, i32_rem_u = 0x70,
  i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73, i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76,
  i32_rotl = 0x77, i32_rotr = 0x78,
  // i64 arithmetic
  i64_clz = 0x79, i64_ctz = 0x7a, i64_popcnt = 0x7b, i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e,
  i64_div_s = 0x7f, i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82,
  i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85, i64_shl = 0x86, i64_shr_s = 0x87, i64_shr_u = 0x88,
  i64_rotl = 0x89, i64_rotr = 0x8a,
  // f32 arithmetic
  f32_abs = 0x8b, f32_neg = 0x8c, f32_ceil = 0x8d, f32_floor = 0x8e, f32_trunc = 0x8f, f32_nearest = 0x90,
  f32_sqrt = 0x91, f32_add = 0x92, f32_sub = 0x93, f32_mul = 0x94, f32_div = 0x95,
  f32_min = 0x96, f32_max = 0x97, f32_copysign = 0x98,
  // f64 arithmetic
  f64_abs = 0x99, f64_neg = 0x9a, f64_ceil = 0x9b, f64_floor = 0x9c, f64_trunc = 0x9d, f64_nearest = 0x9e,
  f64_sqrt = 0x9f, f64_add = 0xa0, f64_sub = 0xa1, f64_mul = 0xa2, f64_div = 0xa3,
  f64_min = 0xa4, f64_max = 0xa5, f64_copysign = 0xa6,
  // conversions
  i32_wrap_i64 = 0xa7, i32_trunc_f32_s = 0xa8, i32_trunc_f32_u = 0xa9, i32_trunc_f64_s = 0xaa, i32_trunc_f64_u = 0xab,
  i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad,
  i64_trunc_f32_s = 0xae, i64_trunc_f32_u = 0xaf, i64_trunc_f64_s = 0xb0, i64_trunc_f64_u = 0xb1,
  f32_convert_i32_s = 0xb2, f32_convert_i32_u = 0xb3, f32_convert_i64_s = 0xb4, f32_convert_i64_u = 0xb5,
  f32_demote_f64 = 0xb6,
  f64_convert_i32_s = 0xb7, f64_convert_i32_u = 0xb8, f64_convert_i64_s = 0xb9, f64_convert_i64_u = 0xba,
  f64_promote_f32 = 0xbb,
  i32_reinterpret_f32 = 0xbc, i64_reinterpret_f64 = 0xbd, f32_reinterpret_i32 = 0xbe, f64_reinterpret_i64 = 0xbf,
  // sign extension
  i32_extend8_s = 0xc0, i32_extend16_s = 0xc1, i64_extend8_s = 0xc2, i64_extend16_s = 0xc3, i64_extend32_s = 0xc4,
  // references
  ref_null = 0xd0, ref_is_null = 0xd1, ref_func = 0xd2,
  // 0xFC prefix: saturating truncation
  i32_trunc_sat_f32_s = 0xfc00, i32_trunc_sat_f32_u = 0xfc01, i32_trunc_sat_f64_s = 0xfc02, i32_trunc_sat_f64_u = 0xfc03,
  i64_trunc_sat_f32_s = 0xfc04, i64_trunc_sat_f32_u = 0xfc05, i64_trunc_sat_f64_s = 0xfc06, i64_trunc_sat_f64_u = 0xfc07,
  // 0xFC prefix: bulk memory and tables
  memory_init = 0xfc08, data_drop = 0xfc09, memory_copy = 0xfc0a, memory_fill = 0xfc0b,
  table_init = 0xfc0c, elem_drop = 0xfc0d, table_copy = 0xfc0e, table_grow = 0xfc0f, table_size = 0xfc10, table_fill = 0xfc11,
}

/** The kind of immediate that follows an opcode, and where the decoder puts it in Instr. */
export enum Imm {
  None,         // nothing
  Block,        // block type -> bt (a type index also -> imm)
  Label,        // label depth -> imm
  BrTable,      // vec(label depth), default -> targets (default last)
  Func,         // function index -> imm
  CallIndirect, // type index -> imm, table index -> imm2
  Local,        // local index -> imm
  Global,       // global index -> imm
  Table,        // table index -> imm
  MemArg,       // alignment log2 -> imm2, offset -> imm
  ZeroByte,     // one reserved 0x00 byte (memory.size, memory.grow, memory.fill)
  I32,          // s32 -> imm
  I64,          // s64 -> big
  F32,          // 4 raw bytes -> bits
  F64,          // 8 raw bytes -> big
  RefType,      // reference type byte -> imm
  SelectT,      // vec(value type) -> types
  MemoryInit,   // data index -> imm, then a reserved 0x00 byte
  Data,         // data index -> imm
  MemoryCopy,   // two reserved 0x00 bytes
  TableInit,    // element segment index -> imm, table index -> imm2
  Elem,         // element segment index -> imm
  TableCopy,    // destination table -> imm, source table -> imm2
}

export interface OpSig { readonly params: readonly ValType[]; readonly results: readonly ValType[] }

export interface OpInfo {
  /** Text-format name, e.g. 'i32.add', 'br_if', 'i32.trunc_sat_f32_s'. */
  readonly name: string;
  readonly imm: Imm;
  /** The fixed stack effect, where there is one. */
  readonly sig?: OpSig;
  /** Loads and stores: bytes accessed; the natural alignment is log2 of it. */
  readonly memBytes?: number;
  /** Loads and stores: the largest valid alignment immediate (log2). */
  readonly maxAlign?: number;
}

const I = ValType.I32, L = ValType.I64, F = ValType.F32, D = ValType.F64;

const sigCache = new Map<string, OpSig>();
function sig(params: ValType[], results: ValType[]): OpSig {
  const key = params.join(',') + '>' + results.join(',');
  let s = sigCache.get(key);
  if (!s) { s = Object.freeze({ params: Object.freeze(params), results: Object.freeze(results) }); sigCache.set(key, s); }
  return s;
}
function op(name: string, imm: Imm = Imm.None): OpInfo { return { name, imm }; }
function fixed(name: string, params: ValType[], results: ValType[], imm: Imm = Imm.None): OpInfo {
  return { name, imm, sig: sig(params, results) };
}
function load(name: string, t: ValType, bytes: number): OpInfo {
  return { name, imm: Imm.MemArg, sig: sig([I], [t]), memBytes: bytes, maxAlign: Math.log2(bytes) };
}
function store(name: string, t: ValType, bytes: number): OpInfo {
  return { name, imm: Imm.MemArg, sig: sig([I, t], []), memBytes: bytes, maxAlign: Math.log2(bytes) };
}
const unop = (name: string, t: ValType) => fixed(name, [t], [t]);
const binop = (name: string, t: ValType) => fixed(name, [t, t], [t]);
const testop = (name: string, t: ValType) => fixed(name, [t], [I]);
const relop = (name: string, t: ValType) => fixed(name, [t, t], [I]);
const cvtop = (name: string, from: ValType, to: ValType) => fixed(name, [from], [to]);

export const OPS: Record<Op, OpInfo> = {
  [Op.unreachable]: op('unreachable'),
  [Op.nop]: fixed('nop', [], []),
  [Op.block]: op('block', Imm.Block),
  [Op.loop]: op('loop', Imm.Block),
  [Op.if]: op('if', Imm.Block),
  [Op.else]: op('else'),
  [Op.end]: op('end'),
  [Op.br]: op('br', Imm.Label),
  [Op.br_if]: op('br_if', Imm.Label),
  [Op.br_table]: op('br_table', Imm.BrTable),
  [Op.return]: op('return'),
  [Op.call]: op('call', Imm.Func),
  [Op.call_indirect]: op('call_indirect', Imm.CallIndirect),

  [Op.drop]: op('drop'),
  [Op.select]: op('select'),
  [Op.select_t]: op('select', Imm.SelectT),

  [Op.local_get]: op('local.get', Imm.Local),
  [Op.local_set]: op('local.set', Imm.Local),
  [Op.local_tee]: op('local.tee', Imm.Local),
  [Op.global_get]: op('global.get', Imm.Global),
  [Op.global_set]: op('global.set', Imm.Global),

  [Op.table_get]: op('table.get', Imm.Table),
  [Op.table_set]: op('table.set', Imm.Table),

  [Op.i32_load]: load('i32.load', I, 4),
  [Op.i64_load]: load('i64.load', L, 8),
  [Op.f32_load]: load('f32.load', F, 4),
  [Op.f64_load]: load('f64.load', D, 8),
  [Op.i32_load8_s]: load('i32.load8_s', I, 1),
  [Op.i32_load8_u]: load('i32.load8_u', I, 1),
  [Op.i32_load16_s]: load('i32.load16_s', I, 2),
  [Op.i32_load16_u]: load('i32.load16_u', I, 2),
  [Op.i64_load8_s]: load('i64.load8_s', L, 1),
  [Op.i64_load8_u]: load('i64.load8_u', L, 1),
  [Op.i64_load16_s]: load('i64.load16_s', L, 2),
  [Op.i64_load16_u]: load('i64.load16_u', L, 2),
  [Op.i64_load32_s]: load('i64.load32_s', L, 4),
  [Op.i64_load32_u]: load('i64.load32_u', L, 4),
  [Op.i32_store]: store('i32.store', I, 4),
  [Op.i64_store]: store('i64.store', L, 8),
  [Op.f32_store]: store('f32.store', F, 4),
  [Op.f64_store]: store('f64.store', D, 8),
  [Op.i32_store8]: store('i32.store8', I, 1),
  [Op.i32_store16]: store('i32.store16', I, 2),
  [Op.i64_store8]: store('i64.store8', L, 1),
  [Op.i64_store16]: store('i64.store16', L, 2),
  [Op.i64_store32]: store('i64.store32', L, 4),
  [Op.memory_size]: fixed('memory.size', [], [I], Imm.ZeroByte),
  [Op.memory_grow]: fixed('memory.grow', [I], [I], Imm.ZeroByte),

  [Op.i32_const]: fixed('i32.const', [], [I], Imm.I32),
  [Op.i64_const]: fixed('i64.const', [], [L], Imm.I64),
  [Op.f32_const]: fixed('f32.const', [], [F], Imm.F32),
  [Op.f64_const]: fixed('f64.const', [], [D], Imm.F64),

  [Op.i32_eqz]: testop('i32.eqz', I),
  [Op.i32_eq]: relop('i32.eq', I),
  [Op.i32_ne]: relop('i32.ne', I),
  [Op.i32_lt_s]: relop('i32.lt_s', I),
  [Op.i32_lt_u]: relop('i32.lt_u', I),
  [Op.i32_gt_s]: relop('i32.gt_s', I),
  [Op.i32_gt_u]: relop('i32.gt_u', I),
  [Op.i32_le_s]: relop('i32.le_s', I),
  [Op.i32_le_u]: relop('i32.le_u', I),
  [Op.i32_ge_s]: relop('i32.ge_s', I),
  [Op.i32_ge_u]: relop('i32.ge_u', I),

  [Op.i64_eqz]: testop('i64.eqz', L),
  [Op.i64_eq]: relop('i64.eq', L),
  [Op.i64_ne]: relop('i64.ne', L),
  [Op.i64_lt_s]: relop('i64.lt_s', L),
  [Op.i64_lt_u]: relop('i64.lt_u', L),
  [Op.i64_gt_s]: relop('i64.gt_s', L),
  [Op.i64_gt_u]: relop('i64.gt_u', L),
  [Op.i64_le_s]: relop('i64.le_s', L),
  [Op.i64_le_u]: relop('i64.le_u', L),
  [Op.i64_ge_s]: relop('i64.ge_s', L),
  [Op.i64_ge_u]: relop('i64.ge_u', L),

  [Op.f32_eq]: relop('f32.eq', F),
  [Op.f32_ne]: relop('f32.ne', F),
  [Op.f32_lt]: relop('f32.lt', F),
  [Op.f32_gt]: relop('f32.gt', F),
  [Op.f32_le]: relop('f32.le', F),
  [Op.f32_ge]: relop('f32.ge', F),
  [Op.f64_eq]: relop('f64.eq', D),
  [Op.f64_ne]: relop('f64.ne', D),
  [Op.f64_lt]: relop('f64.lt', D),
  [Op.f64_gt]: relop('f64.gt', D),
  [Op.f64_le]: relop('f64.le', D),
  [Op.f64_ge]: relop('f64.ge', D),

  [Op.i32_clz]: unop('i32.clz', I),
  [Op.i32_ctz]: unop('i32.ctz', I),
  [Op.i32_popcnt]: unop('i32.popcnt', I),
  [Op.i32_add]: binop('i32.add', I),
  [Op.i32_sub]: binop('i32.sub', I),
  [Op.i32_mul]: binop('i32.mul', I),
  [Op.i32_div_s]: binop('i32.div_s', I),
  [Op.i32_div_u]: binop('i32.div_u', I),
  [Op.i32_rem_s]: binop('i32.rem_s', I),
  [Op.i32_rem_u]: binop('i32.rem_u', I),
  [Op.i32_and]: binop('i32.and', I),
  [Op.i32_or]: binop('i32.or', I),
  [Op.i32_xor]: binop('i32.xor', I),
  [Op.i32_shl]: binop('i32.shl', I),
  [Op.i32_shr_s]: binop('i32.shr_s', I),
  [Op.i32_shr_u]: binop('i32.shr_u', I),
  [Op.i32_rotl]: binop('i32.rotl', I),
  [Op.i32_rotr]: binop('i32.rotr', I),

  [Op.i64_clz]: unop('i64.clz', L),
  [Op.i64_ctz]: unop('i64.ctz', L),
  [Op.i64_popcnt]: unop('i64.popcnt', L),
  [Op.i64_add]: binop('i64.add', L),
  [Op.i64_sub]: binop('i64.sub', L),
  [Op.i64_mul]: binop('i64.mul', L),
  [Op.i64_div_s]: binop('i64.div_s', L),
  [Op.i64_div_u]: binop('i64.div_u', L),
  [Op.i64_rem_s]: binop('i64.rem_s', L),
  [Op.i64_rem_u]: binop('i64.rem_u', L),
  [Op.i64_and]: binop('i64.and', L),
  [Op.i64_or]: binop('i64.or', L),
  [Op.i64_xor]: binop('i64.xor', L),
  [Op.i64_shl]: binop('i64.shl', L),
  [Op.i64_shr_s]: binop('i64.shr_s', L),
  [Op.i64_shr_u]: binop('i64.shr_u', L),
  [Op.i64_rotl]: binop('i64.rotl', L),
  [Op.i64_rotr]: binop('i64.rotr', L),

  [Op.f32_abs]: unop('f32.abs', F),
  [Op.f32_neg]: unop('f32.neg', F),
  [Op.f32_ceil]: unop('f32.ceil', F),
  [Op.f32_floor]: unop('f32.floor', F),
  [Op.f32_trunc]: unop('f32.trunc', F),
  [Op.f32_nearest]: unop('f32.nearest', F),
  [Op.f32_sqrt]: unop('f32.sqrt', F),
  [Op.f32_add]: binop('f32.add', F),
  [Op.f32_sub]: binop('f32.sub', F),
  [Op.f32_mul]: binop('f32.mul', F),
  [Op.f32_div]: binop('f32.div', F),
  [Op.f32_min]: binop('f32.min', F),
  [Op.f32_max]: binop('f32.max', F),
  [Op.f32_copysign]: binop('f32.copysign', F),

  [Op.f64_abs]: unop('f64.abs', D),
  [Op.f64_neg]: unop('f64.neg', D),
  [Op.f64_ceil]: unop('f64.ceil', D),
  [Op.f64_floor]: unop('f64.floor', D),
  [Op.f64_trunc]: unop('f64.trunc', D),
  [Op.f64_nearest]: unop('f64.nearest', D),
  [Op.f64_sqrt]: unop('f64.sqrt', D),
  [Op.f64_add]: binop('f64.add', D),
  [Op.f64_sub]: binop('f64.sub', D),
  [Op.f64_mul]: binop('f64.mul', D),
  [Op.f64_div]: binop('f64.div', D),
  [Op.f64_min]: binop('f64.min', D),
  [Op.f64_max]: binop('f64.max', D),
  [Op.f64_copysign]: binop('f64.copysign', D),

  [Op.i32_wrap_i64]: cvtop('i32.wrap_i64', L, I),
  [Op.i32_trunc_f32_s]: cvtop('i32.trunc_f32_s', F, I),
  [Op.i32_trunc_f32_u]: cvtop('i32.trunc_f32_u', F, I),
  [Op.i32_trunc_f64_s]: cvtop('i32.trunc_f64_s', D, I),
  [Op.i32_trunc_f64_u]: cvtop('i32.trunc_f64_u', D, I),
  [Op.i64_extend_i32_s]: cvtop('i64.extend_i32_s', I, L),
  [Op.i64_extend_i32_u]: cvtop('i64.extend_i32_u', I, L),
  [Op.i64_trunc_f32_s]: cvtop('i64.trunc_f32_s', F, L),
  [Op.i64_trunc_f32_u]: cvtop('i64.trunc_f32_u', F, L),
  [Op.i64_trunc_f64_s]: cvtop('i64.trunc_f64_s', D, L),
  [Op.i64_trunc_f64_u]: cvtop('i64.trunc_f64_u', D, L),
  [Op.f32_convert_i32_s]: cvtop('f32.convert_i32_s', I, F),
  [Op.f32_convert_i32_u]: cvtop('f32.convert_i32_u', I, F),
  [Op.f32_convert_i64_s]: cvtop('f32.convert_i64_s', L, F),
  [Op.f32_convert_i64_u]: cvtop('f32.convert_i64_u', L, F),
  [Op.f32_demote_f64]: cvtop('f32.demote_f64', D, F),
  [Op.f64_convert_i32_s]: cvtop('f64.convert_i32_s', I, D),
  [Op.f64_convert_i32_u]: cvtop('f64.convert_i32_u', I, D),
  [Op.f64_convert_i64_s]: cvtop('f64.convert_i64_s', L, D),
  [Op.f64_convert_i64_u]: cvtop('f64.convert_i64_u', L, D),
  [Op.f64_promote_f32]: cvtop('f64.promote_f32', F, D),
  [Op.i32_reinterpret_f32]: cvtop('i32.reinterpret_f32', F, I),
  [Op.i64_reinterpret_f64]: cvtop('i64.reinterpret_f64', D, L),
  [Op.f32_reinterpret_i32]: cvtop('f32.reinterpret_i32', I, F),
  [Op.f64_reinterpret_i64]: cvtop('f64.reinterpret_i64', L, D),

  [Op.i32_extend8_s]: unop('i32.extend8_s', I),
  [Op.i32_extend16_s]: unop('i32.extend16_s', I),
  [Op.i64_extend8_s]: unop('i64.extend8_s', L),
  [Op.i64_extend16_s]: unop('i64.extend16_s', L),
  [Op.i64_extend32_s]: unop('i64.extend32_s', L),

  [Op.ref_null]: op('ref.null', Imm.RefType),
  [Op.ref_is_null]: op('ref.is_null'),
  [Op.ref_func]: fixed('ref.func', [], [ValType.FuncRef], Imm.Func),

  [Op.i32_trunc_sat_f32_s]: cvtop('i32.trunc_sat_f32_s', F, I),
  [Op.i32_trunc_sat_f32_u]: cvtop('i32.trunc_sat_f32_u', F, I),
  [Op.i32_trunc_sat_f64_s]: cvtop('i32.trunc_sat_f64_s', D, I),
  [Op.i32_trunc_sat_f64_u]: cvtop('i32.trunc_sat_f64_u', D, I),
  [Op.i64_trunc_sat_f32_s]: cvtop('i64.trunc_sat_f32_s', F, L),
  [Op.i64_trunc_sat_f32_u]: cvtop('i64.trunc_sat_f32_u', F, L),
  [Op.i64_trunc_sat_f64_s]: cvtop('i64.trunc_sat_f64_s', D, L),
  [Op.i64_trunc_sat_f64_u]: cvtop('i64.trunc_sat_f64_u', D, L),

  [Op.memory_init]: fixed('memory.init', [I, I, I], [], Imm.MemoryInit),
  [Op.data_drop]: fixed('data.drop', [], [], Imm.Data),
  [Op.memory_copy]: fixed('memory.copy', [I, I, I], [], Imm.MemoryCopy),
  [Op.memory_fill]: fixed('memory.fill', [I, I, I], [], Imm.ZeroByte),
  [Op.table_init]: fixed('table.init', [I, I, I], [], Imm.TableInit),
  [Op.elem_drop]: fixed('elem.drop', [], [], Imm.Elem),
  [Op.table_copy]: fixed('table.copy', [I, I, I], [], Imm.TableCopy),
  [Op.table_grow]: op('table.grow', Imm.Table),
  [Op.table_size]: fixed('table.size', [], [I], Imm.Table),
  [Op.table_fill]: op('table.fill', Imm.Table),
};

/** The first byte of the prefixed instructions in scope. */
export const PREFIX_FC = 0xfc;
/** Number of 0xFC subopcodes in scope (0 .. FC_COUNT-1). */
export const FC_COUNT = 18;

/** A dense index for an opcode: the byte for one-byte opcodes, 256 + subopcode
 * for 0xFC ones. Lets hot loops use arrays instead of the sparse OPS object. */
export function opIndex(op: number): number {
  return op < 0x100 ? op : 0x100 + (op & 0xff);
}

/** OpInfo by dense index (opIndex); undefined for bytes that are not opcodes in scope. */
export const INFO_BY_INDEX: readonly (OpInfo | undefined)[] = (() => {
  const a: (OpInfo | undefined)[] = new Array(0x100 + FC_COUNT).fill(undefined);
  for (const [k, v] of Object.entries(OPS)) a[opIndex(Number(k))] = v;
  return a;
})();

export function opInfo(op: Op): OpInfo {
  return OPS[op];
}

/** The text-format name of an opcode; unknown numbers get a hex form. */
export function opName(op: number): string {
  const info = op >= 0 && (op < 0x100 || (op >= 0xfc00 && op < 0xfc00 + FC_COUNT)) ? INFO_BY_INDEX[opIndex(op)] : undefined;
  if (info) return info.name;
  return op < 0x100 ? `<opcode 0x${op.toString(16)}>` : `<opcode 0x${(op >>> 8).toString(16)} ${op & 0xff}>`;
}

/** For a first byte that is not in scope: the feature it belongs to and a
 * description, or undefined if the byte is simply not an opcode. */
export function unsupportedOpcode(byte: number): string | undefined {
  switch (byte) {
    case 0xfd: return 'SIMD instruction (0xfd prefix) is not supported';
    case 0xfe: return 'threads/atomics instruction (0xfe prefix) is not supported';
    case 0xfb: return 'GC instruction (0xfb prefix) is not supported';
    case 0x06: return "exception handling instruction 'try' (0x06) is not supported";
    case 0x07: return "exception handling instruction 'catch' (0x07) is not supported";
    case 0x08: return "exception handling instruction 'throw' (0x08) is not supported";
    case 0x09: return "exception handling instruction 'rethrow' (0x09) is not supported";
    case 0x0a: return "exception handling instruction 'throw_ref' (0x0a) is not supported";
    case 0x18: return "exception handling instruction 'delegate' (0x18) is not supported";
    case 0x19: return "exception handling instruction 'catch_all' (0x19) is not supported";
    case 0x1f: return "exception handling instruction 'try_table' (0x1f) is not supported";
    case 0x12: return "tail call instruction 'return_call' (0x12) is not supported";
    case 0x13: return "tail call instruction 'return_call_indirect' (0x13) is not supported";
    case 0x14: return "typed function references instruction 'call_ref' (0x14) is not supported";
    case 0x15: return "tail call instruction 'return_call_ref' (0x15) is not supported";
    case 0xd3: return "typed function references instruction 'ref.as_non_null' (0xd3) is not supported";
    case 0xd4: return "typed function references instruction 'br_on_null' (0xd4) is not supported";
    case 0xd5: return "GC instruction 'ref.eq' (0xd5) is not supported";
    case 0xd6: return "typed function references instruction 'br_on_non_null' (0xd6) is not supported";
    default: return undefined;
  }
}
