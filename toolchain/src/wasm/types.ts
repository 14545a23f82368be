// The decoded form of a WebAssembly 2.0 module: the data structure that
// decode.ts produces, validate.ts checks and the code generator consumes.
//
// Contract: only types and two naming helpers. A Module from decodeModule() is
// well-formed (every section parsed, every instruction sequence correctly
// nested and ending in `end`) but only a Module that also passed
// validateModule() may be compiled: decode keeps out-of-range indices, bad
// alignments and type errors for the validator to report.
// Index spaces (functions, tables, memories, globals) put imports first, as
// in the spec. Arrays and BlockType objects may be shared between
// instructions: treat the whole Module as read-only.

import type { Op } from './opcodes.js';

/** Value types by their binary encoding. V128 exists only so that its byte is
 * named in errors: the decoder rejects SIMD. */
export enum ValType { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FuncRef = 0x70, ExternRef = 0x6f }

export interface FuncType { params: ValType[]; results: ValType[] }
/** Page counts for memories, element counts for tables (both u32). */
export interface Limits { min: number; max?: number }
export interface TableType { elem: ValType; limits: Limits }
export interface GlobalType { type: ValType; mutable: boolean }
export type ExternKind = 'func' | 'table' | 'memory' | 'global';

/** Exactly one of type/table/memory/global is set, according to kind. */
export interface Import { module: string; name: string; kind: ExternKind; type?: number /*func: type index*/; table?: TableType; memory?: Limits; global?: GlobalType }
export interface Export { name: string; kind: ExternKind; index: number }
/** init: a constant expression, without the final `end`. */
export interface Global { type: GlobalType; init: Instr[] }
/** Each init entry is a constant expression without its `end` (ref.func i /
 * ref.null t / global.get g). Segments written as a vector of function
 * indices get one synthesized ref.func per entry. `table` is 0 unless the
 * segment is active; `offset` is set only for active segments. */
export interface Elem { mode: 'active' | 'passive' | 'declarative'; table: number; offset?: Instr[]; type: ValType; init: Instr[][] }
/** bytes is a view into the module's bytes (not a copy). */
export interface Data { mode: 'active' | 'passive'; memory: number; offset?: Instr[]; bytes: Uint8Array }
export interface BlockType { params: ValType[]; results: ValType[] }

/** One instruction. Only the fields its opcode's immediate kind (opcodes.ts,
 * Imm) uses are present; the others are absent, not undefined. */
export interface Instr {
  op: Op;            // numeric opcode: the byte, or 0xFC00 | subopcode for the 0xFC prefix
  offset: number;    // byte offset of the opcode (of the 0xFC prefix byte) in the module file
  imm?: number;      // the first integer immediate: local/global/func/type/label depth/table/data/elem index, i32.const value (signed), memory offset for loads/stores, ref type for ref.null;
                     // also the type index of a block/loop/if whose block type is a type index
  imm2?: number;     // second immediate: alignment log2 for loads/stores, table index for call_indirect, source table for table.copy, table for table.init
  big?: bigint;      // i64.const value (signed), f64.const raw bits (as unsigned 64-bit)
  bits?: number;     // f32.const raw bits (unsigned 32-bit)  — raw bits so NaN payloads survive
  bt?: BlockType;    // block, loop, if: the resolved block type (absent only if a type index is out of range, which validation rejects)
  targets?: number[];// br_table label depths, the default LAST
  types?: ValType[]; // select with explicit type
}

/** offset/size: the byte range of the body, after its size prefix (locals
 * declarations included). */
export interface FuncBody { locals: ValType[] /* declared locals expanded, params excluded */; body: Instr[] /* including the final end */; offset: number; size: number }

export interface Module {
  types: FuncType[]; imports: Import[];
  funcs: number[];            // type index of each DEFINED function (index space: imported functions first)
  tables: TableType[]; memories: Limits[]; globals: Global[];  // defined only; imported ones are in imports
  exports: Export[]; start?: number; elems: Elem[]; datas: Data[]; dataCount?: number;
  codes: FuncBody[];
  /** From the custom section "name" if it is well-formed; empty otherwise.
   * funcs and locals are keyed by function index (imports included). */
  names: { module?: string; funcs: Map<number, string>; locals: Map<number, Map<number, string>> };
  /** Every custom section, in file order. offset/size: the payload after the
   * section's name. */
  customs: { name: string; offset: number; size: number }[];
  // helpers computed once after decoding:
  funcTypes: FuncType[];      // the type of EVERY function in the index space (imports first)
  globalTypes: GlobalType[];  // every global in the index space
  tableTypes: TableType[];    // every table in the index space
  memoryTypes: Limits[];      // every memory in the index space
  numImportedFuncs: number; numImportedGlobals: number;
}

/** The text-format name of a value type ('i32', 'funcref', ...). */
export function valTypeName(t: ValType | number): string {
  switch (t) {
    case ValType.I32: return 'i32';
    case ValType.I64: return 'i64';
    case ValType.F32: return 'f32';
    case ValType.F64: return 'f64';
    case ValType.V128: return 'v128';
    case ValType.FuncRef: return 'funcref';
    case ValType.ExternRef: return 'externref';
    default: return `<type 0x${(t >>> 0).toString(16)}>`;
  }
}

/** A result list as the text format would print it: "[i32 i64]". */
export function typeListName(ts: readonly (ValType | number)[]): string {
  return '[' + ts.map(valTypeName).join(' ') + ']';
}
