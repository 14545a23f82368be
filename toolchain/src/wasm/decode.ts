// Decoding: the binary format (spec chapter 5) into a Module.
//
// Requires: nothing of the bytes. Any input either yields a Module or throws
// a WasmError ("malformed" for format errors, "unsupported" for features
// beyond WebAssembly 2.0 without SIMD and for implementation limits).
//
// Keeps true for a returned Module:
// - sections appeared at most once each, in the spec's order (custom
//   sections anywhere), and each was consumed exactly to its declared size;
// - the function and code sections agree in length, and a data count
//   section, if present, matches the data section; memory.init and data.drop
//   appear only if there is a data count section;
// - every name is valid UTF-8; every body and constant expression is a
//   correctly nested instruction sequence (else only inside if) ending in
//   `end`, decoded into Instr[] with all immediates read;
// - the name section is used only if it is entirely well-formed; otherwise
//   it is ignored (it never makes a module malformed);
// - the helper fields (funcTypes, globalTypes, ...) are filled in.
// It does NOT check indices, types, limits or alignment: that is
// validate.ts. Positions of module-level entries, for the validator's error
// messages, are kept beside the Module (positionsOf).

import { WasmError, unsupported } from './errors.js';
import { FC_COUNT, INFO_BY_INDEX, Imm, Op, unsupportedOpcode } from './opcodes.js';
import { Reader } from './reader.js';
import {
  ValType,
  type BlockType, type Data, type Elem, type Export, type ExternKind, type FuncBody, type FuncType,
  type GlobalType, type Instr, type Limits, type Module, type TableType,
} from './types.js';

/** Implementation limits (the same as V8's): declared locals per function,
 * and params / results per function type. The type limits also bound the
 * validator's work per instruction (a block or call moves at most that many
 * operand types), so no module can make validation quadratic in its size. */
export const MAX_LOCALS = 50000;
export const MAX_PARAMS = 1000;
export const MAX_RESULTS = 1000;

/** Byte offsets of module-level entries, parallel to the Module's arrays. */
export interface ModulePositions {
  types: number[]; imports: number[]; funcs: number[]; tables: number[]; memories: number[];
  globals: number[]; exports: number[]; elems: number[]; datas: number[]; start: number;
}

const positions = new WeakMap<Module, ModulePositions>();

/** Where decodeModule found each entry of m (undefined for a Module built by hand). */
export function positionsOf(m: Module): ModulePositions | undefined {
  return positions.get(m);
}

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];
// The order sections must come in, by id: data count (12) sits between element (9) and code (10).
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];

// Immediate kind by first byte (-1: not an opcode in scope), and by 0xFC subopcode.
const IMM_BY_BYTE = new Int8Array(256).fill(-1);
const IMM_BY_FC = new Int8Array(FC_COUNT);
for (let i = 0; i < 256; i++) {
  const info = INFO_BY_INDEX[i];
  if (info) IMM_BY_BYTE[i] = info.imm;
}
for (let i = 0; i < FC_COUNT; i++) IMM_BY_FC[i] = INFO_BY_INDEX[0x100 + i]!.imm;

// Shared block types: [] -> [] and [] -> [t].
const EMPTY_BT: BlockType = Object.freeze({ params: Object.freeze([]) as unknown as ValType[], results: Object.freeze([]) as unknown as ValType[] });
const SINGLE_BT = new Map<number, BlockType>();
for (const t of [ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.FuncRef, ValType.ExternRef]) {
  SINGLE_BT.set(t, Object.freeze({ params: EMPTY_BT.params, results: Object.freeze([t]) as unknown as ValType[] }));
}
// Stands in for the type of a function whose type index is out of range (the validator rejects such modules).
const NO_FUNC_TYPE: FuncType = EMPTY_BT;

/** Decodes a module; throws WasmError for anything that is not well-formed. */
export function decodeModule(bytes: Uint8Array): Module {
  try {
    return new Decoder(bytes).module();
  } catch (e) {
    // Name the function in errors from a body, if the name section (which
    // comes after the code) can tell.
    if (e instanceof WasmError && e.funcIndex !== undefined && e.funcName === undefined) {
      const name = findFuncName(bytes, e.funcIndex);
      if (name !== undefined) throw new WasmError(e.reason, e.offset, e.funcIndex, e.kind, name);
    }
    throw e;
  }
}

class Decoder {
  private readonly r: Reader;
  private readonly m: Module;
  private readonly pos: ModulePositions = {
    types: [], imports: [], funcs: [], tables: [], memories: [], globals: [], exports: [], elems: [], datas: [], start: 0,
  };
  private numImportedFuncs = 0;
  private namesSeen = false;
  private readonly blockKinds: number[] = []; // scratch for instrs(): 0 block/loop, 1 if, 2 if after else
  private readonly localGroups: number[] = []; // scratch for locals: count, type, count, type, ...

  constructor(readonly bytes: Uint8Array) {
    this.r = new Reader(bytes);
    this.m = {
      types: [], imports: [], funcs: [], tables: [], memories: [], globals: [], exports: [],
      elems: [], datas: [], codes: [],
      names: { funcs: new Map(), locals: new Map() },
      customs: [],
      funcTypes: [], globalTypes: [], tableTypes: [], memoryTypes: [],
      numImportedFuncs: 0, numImportedGlobals: 0,
    };
  }

  module(): Module {
    const r: Reader = this.r, m = this.m, total = this.bytes.length;
    if (total < 4 || r.u32le() !== 0x6d736100) r.fail('magic header not detected', 0);
    if (total < 8) r.fail('unexpected end', 4);
    const version = r.u32le();
    if (version !== 1) r.fail(`unknown binary version ${version}`, 4);

    let lastRank = 0, lastId = 0;
    while (r.pos < total) {
      const at = r.pos;
      r.end = total;
      const id = r.u8();
      const size = r.u32();
      if (size > total - r.pos) r.fail(`unexpected end: ${sectionName(id)} section of ${size} bytes runs past the end of the module`, at);
      const end = r.pos + size;
      r.end = end;
      if (id === 0) {
        this.custom(end);
      } else {
        if (id >= SECTION_RANK.length) {
          if (id === 13) throw unsupported('exception handling (tag section, id 13) is not supported', at);
          r.fail(`malformed section id ${id}`, at);
        }
        const rank = SECTION_RANK[id];
        if (rank === lastRank) r.fail(`duplicate ${sectionName(id)} section`, at);
        if (rank < lastRank) r.fail(`unexpected content after last section: ${sectionName(id)} section after ${sectionName(lastId)} section`, at);
        lastRank = rank;
        lastId = id;
        switch (id) {
          case 1: this.typeSection(); break;
          case 2: this.importSection(); break;
          case 3: this.functionSection(); break;
          case 4: this.tableSection(); break;
          case 5: this.memorySection(); break;
          case 6: this.globalSection(); break;
          case 7: this.exportSection(); break;
          case 8: this.pos.start = r.pos; m.start = r.u32(); break;
          case 9: this.elementSection(); break;
          case 10: this.codeSection(at); break;
          case 11: this.dataSection(); break;
          case 12: m.dataCount = r.u32(); break;
        }
      }
      if (r.pos !== end) r.fail(`section size mismatch: ${sectionName(id)} section declares ${size} bytes but its content takes ${r.pos - (end - size)}`, r.pos);
    }
    r.end = total;

    if (m.funcs.length !== m.codes.length) {
      r.fail(`function and code section have inconsistent lengths (${m.funcs.length} functions, ${m.codes.length} bodies)`, total);
    }
    if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
      r.fail(`data count and data section have inconsistent lengths (data count ${m.dataCount}, ${m.datas.length} segments)`, total);
    }
    this.helpers();
    positions.set(m, this.pos);
    return m;
  }

  // ---- sections ----------------------------------------------------------

  private custom(end: number): void {
    const r: Reader = this.r;
    const name = r.name();
    this.m.customs.push({ name, offset: r.pos, size: end - r.pos });
    if (name === 'name' && !this.namesSeen) {
      this.namesSeen = true;
      const names = parseNames(this.bytes, r.pos, end);
      if (names) this.m.names = names;
    }
    r.pos = end;
  }

  private typeSection(): void {
    const r: Reader = this.r, m = this.m;
    const n = r.count(3);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      this.pos.types.push(at);
      const form = r.u8();
      if (form !== 0x60) {
        if (form === 0x4e || form === 0x4f || form === 0x50 || form === 0x5e || form === 0x5f) {
          throw unsupported(`GC type definition (0x${hex(form)}) is not supported`, at);
        }
        r.fail(`malformed function type: expected 0x60, got 0x${hex(form)}`, at);
      }
      const params = this.valTypes();
      if (params.length > MAX_PARAMS) throw unsupported(`function type ${i} has ${params.length} parameters, more than the implementation limit of ${MAX_PARAMS}`, at);
      const results = this.valTypes();
      if (results.length > MAX_RESULTS) throw unsupported(`function type ${i} has ${results.length} results, more than the implementation limit of ${MAX_RESULTS}`, at);
      m.types.push({ params, results });
    }
  }

  private importSection(): void {
    const r: Reader = this.r, m = this.m;
    const n = r.count(4);
    for (let i = 0; i < n; i++) {
      this.pos.imports.push(r.pos);
      const module = r.name();
      const name = r.name();
      const kindAt = r.pos;
      const kind = r.u8();
      switch (kind) {
        case 0: m.imports.push({ module, name, kind: 'func', type: r.u32() }); this.numImportedFuncs++; break;
        case 1: m.imports.push({ module, name, kind: 'table', table: this.tableType() }); break;
        case 2: m.imports.push({ module, name, kind: 'memory', memory: this.limits(true) }); break;
        case 3: m.imports.push({ module, name, kind: 'global', global: this.globalType() }); m.numImportedGlobals++; break;
        case 4: throw unsupported('exception handling (tag import) is not supported', kindAt);
        default: r.fail(`malformed import kind 0x${hex(kind)}`, kindAt);
      }
    }
    m.numImportedFuncs = this.numImportedFuncs;
  }

  private functionSection(): void {
    const r: Reader = this.r;
    const n = r.count();
    for (let i = 0; i < n; i++) {
      this.pos.funcs.push(r.pos);
      this.m.funcs.push(r.u32());
    }
  }

  private tableSection(): void {
    const r: Reader = this.r;
    const n = r.count(2);
    for (let i = 0; i < n; i++) {
      this.pos.tables.push(r.pos);
      this.m.tables.push(this.tableType());
    }
  }

  private memorySection(): void {
    const r: Reader = this.r;
    const n = r.count(2);
    for (let i = 0; i < n; i++) {
      this.pos.memories.push(r.pos);
      this.m.memories.push(this.limits(true));
    }
  }

  private globalSection(): void {
    const r: Reader = this.r;
    const n = r.count(3);
    for (let i = 0; i < n; i++) {
      this.pos.globals.push(r.pos);
      const type = this.globalType();
      const init = this.constExpr();
      this.m.globals.push({ type, init });
    }
  }

  private exportSection(): void {
    const r: Reader = this.r;
    const n = r.count(3);
    for (let i = 0; i < n; i++) {
      this.pos.exports.push(r.pos);
      const name = r.name();
      const kindAt = r.pos;
      const k = r.u8();
      let kind: ExternKind;
      switch (k) {
        case 0: kind = 'func'; break;
        case 1: kind = 'table'; break;
        case 2: kind = 'memory'; break;
        case 3: kind = 'global'; break;
        case 4: throw unsupported('exception handling (tag export) is not supported', kindAt);
        default: r.fail(`malformed export kind 0x${hex(k)}`, kindAt);
      }
      const e: Export = { name, kind, index: r.u32() };
      this.m.exports.push(e);
    }
  }

  private elementSection(): void {
    const r: Reader = this.r;
    const n = r.count(2);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      this.pos.elems.push(at);
      const flags = r.u32();
      if (flags > 7) r.fail(`malformed element segment kind ${flags}`, at);
      // bit 0: passive or declarative; bit 1: explicit table index (active) or
      // declarative (otherwise); bit 2: element expressions instead of function indices.
      const mode: Elem['mode'] = flags & 1 ? (flags & 2 ? 'declarative' : 'passive') : 'active';
      const exprs = (flags & 4) !== 0;
      let table = 0;
      let offset: Instr[] | undefined;
      if (mode === 'active') {
        if (flags & 2) table = r.u32();
        offset = this.constExpr();
      }
      let type = ValType.FuncRef;
      if (flags & 3) {
        if (exprs) {
          type = this.refType();
        } else {
          const kindAt = r.pos;
          const k = r.u8();
          if (k !== 0) r.fail(`malformed element kind 0x${hex(k)}`, kindAt);
        }
      }
      const count = r.count();
      const init: Instr[][] = [];
      for (let j = 0; j < count; j++) {
        if (exprs) {
          init.push(this.constExpr());
        } else {
          const idxAt = r.pos;
          init.push([{ op: Op.ref_func, offset: idxAt, imm: r.u32() }]);
        }
      }
      const e: Elem = offset ? { mode, table, offset, type, init } : { mode, table, type, init };
      this.m.elems.push(e);
    }
  }

  private codeSection(sectionAt: number): void {
    const r: Reader = this.r, m = this.m;
    const n = r.count(2);
    if (n !== m.funcs.length) {
      r.fail(`function and code section have inconsistent lengths (${m.funcs.length} functions, ${n} bodies)`, sectionAt);
    }
    const sectionEnd = r.end;
    for (let i = 0; i < n; i++) {
      const funcIndex = this.numImportedFuncs + i;
      const sizeAt = r.pos;
      const size = r.u32();
      r.need(size, sizeAt);
      const offset = r.pos;
      r.end = offset + size;
      r.funcIndex = funcIndex;
      const locals = this.locals();
      const body: Instr[] = [];
      this.instrs(body, true);
      if (r.pos !== r.end) r.fail(`section size mismatch: function body continues after its final 'end'`, r.pos);
      r.funcIndex = undefined;
      r.end = sectionEnd;
      const code: FuncBody = { locals, body, offset, size };
      m.codes.push(code);
    }
  }

  private locals(): ValType[] {
    const r: Reader = this.r;
    const groups = this.localGroups;
    groups.length = 0;
    const at = r.pos;
    const n = r.count(2);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const count = r.u32();
      const type = this.valType();
      total += count;
      groups.push(count, type);
    }
    if (total > 0xffffffff) r.fail(`too many locals: ${total} (at most 2^32-1)`, at);
    if (total > MAX_LOCALS) throw unsupported(`too many locals: ${total} exceeds the implementation limit of ${MAX_LOCALS}`, at, r.funcIndex);
    const locals: ValType[] = [];
    for (let i = 0; i < groups.length; i += 2) {
      const type = groups[i + 1];
      for (let k = groups[i]; k > 0; k--) locals.push(type);
    }
    return locals;
  }

  private dataSection(): void {
    const r: Reader = this.r;
    const n = r.count(2);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      this.pos.datas.push(at);
      const flags = r.u32();
      let d: Data;
      switch (flags) {
        case 0: { const offset = this.constExpr(); d = { mode: 'active', memory: 0, offset, bytes: this.byteVec() }; break; }
        case 1: d = { mode: 'passive', memory: 0, bytes: this.byteVec() }; break;
        case 2: { const memory = r.u32(); const offset = this.constExpr(); d = { mode: 'active', memory, offset, bytes: this.byteVec() }; break; }
        default: r.fail(`malformed data segment kind ${flags}`, at);
      }
      this.m.datas.push(d);
    }
  }

  // ---- small pieces ------------------------------------------------------

  private byteVec(): Uint8Array {
    const r: Reader = this.r;
    const at = r.pos;
    const len = r.u32();
    r.need(len, at);
    return r.view(len);
  }

  private valType(): ValType {
    const r: Reader = this.r;
    const at = r.pos;
    const b = r.u8();
    switch (b) {
      case ValType.I32: case ValType.I64: case ValType.F32: case ValType.F64:
      case ValType.FuncRef: case ValType.ExternRef:
        return b;
      case ValType.V128: throw unsupported('SIMD value type v128 is not supported', at, r.funcIndex);
      case 0x63: case 0x64: throw unsupported('typed function reference types are not supported', at, r.funcIndex);
      default: r.fail(`malformed value type 0x${hex(b)}`, at);
    }
  }

  private valTypes(): ValType[] {
    const n = this.r.count();
    const ts: ValType[] = [];
    for (let i = 0; i < n; i++) ts.push(this.valType());
    return ts;
  }

  private refType(): ValType {
    const r: Reader = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === ValType.FuncRef || b === ValType.ExternRef) return b;
    if (b === 0x63 || b === 0x64) throw unsupported('typed function reference types are not supported', at, r.funcIndex);
    r.fail(`malformed reference type 0x${hex(b)}`, at);
  }

  private tableType(): TableType {
    const elem = this.refType();
    return { elem, limits: this.limits(false) };
  }

  private limits(memory: boolean): Limits {
    const r: Reader = this.r;
    const at = r.pos;
    const flags = r.u8();
    if (flags === 0) return { min: r.u32() };
    if (flags === 1) {
      const min = r.u32();
      return { min, max: r.u32() };
    }
    if (memory && (flags === 2 || flags === 3)) throw unsupported('shared memory (threads) is not supported', at);
    if (memory && flags >= 4 && flags <= 7) throw unsupported('64-bit memory (memory64) is not supported', at);
    r.fail(`malformed limits flags 0x${hex(flags)}`, at);
  }

  private globalType(): GlobalType {
    const r: Reader = this.r;
    const type = this.valType();
    const at = r.pos;
    const mut = r.u8();
    if (mut > 1) r.fail(`malformed mutability 0x${hex(mut)}`, at);
    return { type, mutable: mut === 1 };
  }

  /** A constant expression up to and including its `end`, returned without the `end`. */
  private constExpr(): Instr[] {
    const out: Instr[] = [];
    this.instrs(out, false);
    out.pop();
    return out;
  }

  /** The instruction for block/loop/if at `at`, with its block type read.
   * Built as one literal so every such Instr has its fields in-object. */
  private blockInstr(op: Op, at: number): Instr {
    const r: Reader = this.r;
    const btAt = r.pos;
    const v = r.s33();
    if (v >= 0) {
      const t = this.m.types[v];
      return t ? { op, offset: at, imm: v, bt: t } : { op, offset: at, imm: v };
    }
    if (r.pos === btAt + 1) {
      const b = v & 0x7f;
      if (b === 0x40) return { op, offset: at, bt: EMPTY_BT };
      const bt = SINGLE_BT.get(b);
      if (bt) return { op, offset: at, bt };
      if (b === ValType.V128) throw unsupported('SIMD value type v128 is not supported', btAt, r.funcIndex);
    }
    r.fail('malformed block type', btAt);
  }

  private zeroByte(): void {
    const r: Reader = this.r;
    const at = r.pos;
    if (r.u8() !== 0) r.fail('zero byte expected', at);
  }

  /** Decodes instructions into `out` up to and including the `end` that
   * closes the sequence. `body`: a function body (enables the data count
   * rule and names the error for a missing end). */
  private instrs(out: Instr[], body: boolean): void {
    const r: Reader = this.r;
    const a = this.bytes;
    const kinds = this.blockKinds;
    kinds.length = 0;
    for (;;) {
      const at = r.pos;
      if (at >= r.end) r.fail(body ? "END opcode expected: function body ends inside a block" : "END opcode expected: constant expression runs past the end of its section", at);
      const b = a[at];
      r.pos = at + 1;
      let kind = IMM_BY_BYTE[b];
      let op = b;
      if (kind < 0) {
        if (b !== 0xfc) {
          const feature = unsupportedOpcode(b);
          if (feature) throw unsupported(feature, at, r.funcIndex);
          r.fail(`illegal opcode 0x${hex(b)}`, at);
        }
        const sub = r.u32();
        if (sub >= FC_COUNT) r.fail(`illegal opcode 0xfc ${sub}`, at);
        op = 0xfc00 | sub;
        kind = IMM_BY_FC[sub];
        if (body && (op === Op.memory_init || op === Op.data_drop) && this.m.dataCount === undefined) {
          r.fail('data count section required', at);
        }
      }
      let ins: Instr;
      switch (kind) {
        case Imm.None:
          ins = { op, offset: at };
          if (op === Op.end) {
            if (kinds.length === 0) { out.push(ins); return; }
            kinds.pop();
          } else if (op === Op.else) {
            if (kinds.length === 0 || kinds[kinds.length - 1] !== 1) r.fail("'else' without a matching 'if'", at);
            kinds[kinds.length - 1] = 2;
          }
          break;
        case Imm.Block:
          ins = this.blockInstr(op, at);
          kinds.push(op === Op.if ? 1 : 0);
          break;
        case Imm.Label: case Imm.Func: case Imm.Local: case Imm.Global: case Imm.Table: case Imm.Data: case Imm.Elem:
          ins = { op, offset: at, imm: r.u32() };
          break;
        case Imm.MemArg: {
          const align = r.u32();
          ins = { op, offset: at, imm: r.u32(), imm2: align };
          break;
        }
        case Imm.I32:
          ins = { op, offset: at, imm: r.s32() };
          break;
        case Imm.I64:
          ins = { op, offset: at, big: r.s64() };
          break;
        case Imm.F32:
          ins = { op, offset: at, bits: r.u32le() };
          break;
        case Imm.F64:
          ins = { op, offset: at, big: r.u64le() };
          break;
        case Imm.BrTable: {
          const n = r.count();
          const targets: number[] = [];
          for (let i = 0; i <= n; i++) targets.push(r.u32());
          ins = { op, offset: at, targets };
          break;
        }
        case Imm.CallIndirect: case Imm.TableInit: case Imm.TableCopy: {
          const x = r.u32();
          ins = { op, offset: at, imm: x, imm2: r.u32() };
          break;
        }
        case Imm.ZeroByte:
          this.zeroByte();
          ins = { op, offset: at };
          break;
        case Imm.MemoryCopy:
          this.zeroByte();
          this.zeroByte();
          ins = { op, offset: at };
          break;
        case Imm.MemoryInit:
          ins = { op, offset: at, imm: r.u32() };
          this.zeroByte();
          break;
        case Imm.RefType:
          ins = { op, offset: at, imm: this.refType() };
          break;
        case Imm.SelectT:
          ins = { op, offset: at, types: this.valTypes() };
          break;
        default:
          throw new Error(`opcode table: no decoder for immediate kind ${kind}`);
      }
      out.push(ins);
    }
  }

  // ---- after decoding ----------------------------------------------------

  private helpers(): void {
    const m = this.m;
    for (const imp of m.imports) {
      switch (imp.kind) {
        case 'func': m.funcTypes.push(m.types[imp.type!] ?? NO_FUNC_TYPE); break;
        case 'table': m.tableTypes.push(imp.table!); break;
        case 'memory': m.memoryTypes.push(imp.memory!); break;
        case 'global': m.globalTypes.push(imp.global!); break;
      }
    }
    for (const t of m.funcs) m.funcTypes.push(m.types[t] ?? NO_FUNC_TYPE);
    for (const t of m.tables) m.tableTypes.push(t);
    for (const l of m.memories) m.memoryTypes.push(l);
    for (const g of m.globals) m.globalTypes.push(g.type);
  }
}

// ---- the name section -----------------------------------------------------

/** Parses a name section payload; undefined if it is not entirely well-formed
 * (subsections in increasing id order, each consumed exactly; name maps in
 * strictly increasing index order; valid UTF-8). Unknown subsections are skipped. */
export function parseNames(bytes: Uint8Array, start: number, end: number): Module['names'] | undefined {
  const r = new Reader(bytes, start, end);
  const names: Module['names'] = { funcs: new Map(), locals: new Map() };
  try {
    let lastId = -1;
    while (!r.eof()) {
      const id = r.u8();
      const size = r.u32();
      r.need(size);
      if (id <= lastId) return undefined;
      lastId = id;
      const subEnd = r.pos + size;
      r.end = subEnd;
      if (id === 0) {
        names.module = r.name();
      } else if (id === 1) {
        if (!nameMap(r, names.funcs)) return undefined;
      } else if (id === 2) {
        const n = r.count(2);
        let last = -1;
        for (let i = 0; i < n; i++) {
          const f = r.u32();
          if (f <= last) return undefined;
          last = f;
          const locals = new Map<number, string>();
          if (!nameMap(r, locals)) return undefined;
          names.locals.set(f, locals);
        }
      } else {
        r.pos = subEnd;
      }
      if (r.pos !== subEnd) return undefined;
      r.end = end;
    }
    return names;
  } catch (e) {
    if (e instanceof WasmError) return undefined;
    throw e;
  }
}

function nameMap(r: Reader, into: Map<number, string>): boolean {
  const n = r.count(2);
  let last = -1;
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    if (idx <= last) return false;
    last = idx;
    into.set(idx, r.name());
  }
  return true;
}

/** The name of function funcIndex from the module's name section, found by
 * skimming section headers; undefined if there is none or the bytes are too
 * broken to find it. Used only to improve error messages. */
function findFuncName(bytes: Uint8Array, funcIndex: number): string | undefined {
  const r = new Reader(bytes, 8);
  try {
    while (!r.eof()) {
      r.end = bytes.length;
      const id = r.u8();
      const size = r.u32();
      r.need(size);
      const end = r.pos + size;
      if (id === 0) {
        r.end = end;
        if (r.name() === 'name') return parseNames(bytes, r.pos, end)?.funcs.get(funcIndex);
      }
      r.pos = end;
    }
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
  }
  return undefined;
}

function sectionName(id: number): string {
  return SECTION_NAMES[id] ?? `unknown (id ${id})`;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
