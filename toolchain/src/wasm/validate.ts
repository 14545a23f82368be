// Validation: the typing rules of WebAssembly 2.0 (spec chapter 3), with the
// operand-stack/control-stack algorithm of the spec's appendix for code.
//
// Requires: a Module as decode.ts produces it (well-formed, helper fields
// filled in). Throws an "invalid" WasmError at the first rule broken, at the
// byte offset of the offending instruction or entry, naming the function.
//
// Keeps true when it returns, so the code generator may rely on it:
// - every index (type, function, table, memory, global, local, label, elem,
//   data) is in range; at most one memory; limits are in range (memories at
//   most 65536 pages) with min <= max;
// - every function body is well-typed: each instruction finds its operands
//   on the stack, blocks leave exactly their results, br_table targets agree
//   in arity; code after unreachable/br/br_table/return is typed against the
//   polymorphic stack;
// - select without immediate has numeric operands; select with immediate has
//   exactly one type; call_indirect and table.init/copy use compatible tables;
// - load/store alignment is at most natural; memory.init/data.drop have a
//   data count; ref.func names a declared function (C.refs);
// - constant expressions use only *.const, ref.null, ref.func and global.get
//   of an imported immutable global, and produce exactly their type;
// - the start function has type [] -> []; export names are unique.

import { positionsOf, type ModulePositions } from './decode.js';
import { invalid } from './errors.js';
import { INFO_BY_INDEX, Imm, Op, opName, type OpInfo } from './opcodes.js';
import {
  ValType, valTypeName,
  type FuncBody, type FuncType, type Instr, type Limits, type Module, type TableType,
} from './types.js';

/** The operand of an unreachable (polymorphic) stack: matches every type. */
const UNKNOWN = 0;
const MAX_PAGES = 65536;
const NO_TYPES: readonly ValType[] = Object.freeze([]);

export function validateModule(m: Module): void {
  new ModuleValidator(m).run();
}

// How the function validator treats each opcode, by dense index: SIMPLE ops
// are fully described by their sig; MEMORY ops are loads and stores; the
// rest are handled one by one.
const SIMPLE = 1, MEMORY = 2, SPECIAL = 3;
const OP_CLASS = new Uint8Array(INFO_BY_INDEX.length);
// For the inline fast path of one-byte SIMPLE and MEMORY ops (at most two
// params, at most one result): param count, the params, the result (0: none).
const FAST_NP = new Uint8Array(0x100), FAST_P0 = new Uint8Array(0x100), FAST_P1 = new Uint8Array(0x100);
const FAST_R = new Uint8Array(0x100), FAST_ALIGN = new Uint8Array(0x100);
for (let i = 0; i < INFO_BY_INDEX.length; i++) {
  const info = INFO_BY_INDEX[i];
  if (!info) continue;
  if (info.imm === Imm.MemArg) OP_CLASS[i] = MEMORY;
  else if (info.sig && (info.imm === Imm.None || info.imm === Imm.I32 || info.imm === Imm.I64 || info.imm === Imm.F32 || info.imm === Imm.F64)) OP_CLASS[i] = SIMPLE;
  else OP_CLASS[i] = SPECIAL;
  if (i < 0x100 && OP_CLASS[i] !== SPECIAL) {
    const { params, results } = info.sig!;
    if (params.length > 2 || results.length > 1) throw new Error(`opcode table: ${info.name} does not fit the validator's fast path`);
    FAST_NP[i] = params.length;
    FAST_P0[i] = params[0] ?? 0;
    FAST_P1[i] = params[1] ?? 0;
    FAST_R[i] = results[0] ?? 0;
    FAST_ALIGN[i] = info.maxAlign ?? 0;
  }
}

class ModuleValidator {
  private readonly pos: ModulePositions | undefined;
  /** C.refs: functions that may be named by ref.func inside code. */
  readonly refs: Uint8Array;

  constructor(readonly m: Module) {
    this.pos = positionsOf(m);
    this.refs = new Uint8Array(m.funcTypes.length);
  }

  private at(list: keyof Omit<ModulePositions, 'start'>, i: number): number {
    return this.pos?.[list][i] ?? 0;
  }

  run(): void {
    const m = this.m;
    const numTypes = m.types.length;

    m.imports.forEach((imp, i) => {
      const at = this.at('imports', i);
      if (imp.kind === 'func' && !(imp.type! < numTypes)) throw invalid(`unknown type ${imp.type}`, at);
      if (imp.kind === 'table') this.tableLimits(imp.table!.limits, at);
      if (imp.kind === 'memory') this.memoryLimits(imp.memory!, at);
    });
    m.funcs.forEach((t, i) => {
      if (!(t < numTypes)) throw invalid(`unknown type ${t}`, this.at('funcs', i), m.numImportedFuncs + i);
    });
    m.tables.forEach((t, i) => this.tableLimits(t.limits, this.at('tables', i)));
    m.memories.forEach((l, i) => this.memoryLimits(l, this.at('memories', i)));
    if (m.memoryTypes.length > 1) {
      const i = m.memories.length - 1;
      throw invalid(`multiple memories (${m.memoryTypes.length}); at most one is allowed`, i >= 0 ? this.at('memories', i) : 0);
    }

    this.collectRefs();

    // Constant expressions see only the imported globals (C' in the spec).
    m.globals.forEach((g, i) => this.constExpr(g.init, g.type.type, this.at('globals', i), 'global initializer'));

    const names = new Set<string>();
    m.exports.forEach((e, i) => {
      const at = this.at('exports', i);
      const count = e.kind === 'func' ? m.funcTypes.length : e.kind === 'table' ? m.tableTypes.length
        : e.kind === 'memory' ? m.memoryTypes.length : m.globalTypes.length;
      if (!(e.index < count)) throw invalid(`unknown ${e.kind === 'func' ? 'function' : e.kind} ${e.index} in export "${e.name}"`, at);
      if (names.has(e.name)) throw invalid(`duplicate export name "${e.name}"`, at);
      names.add(e.name);
    });

    if (m.start !== undefined) {
      const at = this.pos?.start ?? 0;
      if (!(m.start < m.funcTypes.length)) throw invalid(`unknown function ${m.start} as start function`, at);
      const t = m.funcTypes[m.start];
      if (t.params.length || t.results.length) {
        throw invalid(`start function must have type [] -> [] but function ${m.start} has ${typeList(t.params)} -> ${typeList(t.results)}`, at);
      }
    }

    m.elems.forEach((e, i) => {
      const at = this.at('elems', i);
      if (e.mode === 'active') {
        if (!(e.table < m.tableTypes.length)) throw invalid(`unknown table ${e.table} in element segment ${i}`, at);
        const tt = m.tableTypes[e.table];
        if (tt.elem !== e.type) {
          throw invalid(`type mismatch: element segment ${i} of ${valTypeName(e.type)} for table ${e.table} of ${valTypeName(tt.elem)}`, at);
        }
        this.constExpr(e.offset ?? [], ValType.I32, at, 'element segment offset');
      }
      for (const init of e.init) this.constExpr(init, e.type, at, 'element');
    });

    m.datas.forEach((d, i) => {
      const at = this.at('datas', i);
      if (d.mode === 'active') {
        if (!(d.memory < m.memoryTypes.length)) throw invalid(`unknown memory ${d.memory} in data segment ${i}`, at);
        this.constExpr(d.offset ?? [], ValType.I32, at, 'data segment offset');
      }
    });

    const fv = new FuncValidator(m, this.refs);
    m.codes.forEach((code, i) => {
      const funcIndex = m.numImportedFuncs + i;
      fv.validate(funcIndex, m.funcTypes[funcIndex], code);
    });
  }

  private tableLimits(l: Limits, at: number): void {
    if (l.max !== undefined && l.min > l.max) throw invalid(`size minimum must not be greater than maximum (${l.min} > ${l.max})`, at);
  }

  private memoryLimits(l: Limits, at: number): void {
    if (l.min > MAX_PAGES) throw invalid(`memory size must be at most 65536 pages (4GiB), minimum is ${l.min}`, at);
    if (l.max !== undefined) {
      if (l.max > MAX_PAGES) throw invalid(`memory size must be at most 65536 pages (4GiB), maximum is ${l.max}`, at);
      if (l.min > l.max) throw invalid(`size minimum must not be greater than maximum (${l.min} > ${l.max})`, at);
    }
  }

  /** C.refs: every function index named outside function bodies and the
   * start section (element segments, global initializers, exports). */
  private collectRefs(): void {
    const m = this.m, refs = this.refs;
    const mark = (expr: Instr[] | undefined) => {
      if (!expr) return;
      for (const ins of expr) if (ins.op === Op.ref_func && ins.imm! < refs.length) refs[ins.imm!] = 1;
    };
    for (const g of m.globals) mark(g.init);
    for (const e of m.elems) { mark(e.offset); for (const init of e.init) mark(init); }
    for (const d of m.datas) mark(d.offset);
    for (const e of m.exports) if (e.kind === 'func' && e.index < refs.length) refs[e.index] = 1;
  }

  private constExpr(expr: Instr[], expected: ValType, at: number, what: string): void {
    const m = this.m;
    const stack: number[] = [];
    for (const ins of expr) {
      const where = ins.offset || at;
      switch (ins.op) {
        case Op.i32_const: stack.push(ValType.I32); break;
        case Op.i64_const: stack.push(ValType.I64); break;
        case Op.f32_const: stack.push(ValType.F32); break;
        case Op.f64_const: stack.push(ValType.F64); break;
        case Op.ref_null: stack.push(ins.imm!); break;
        case Op.ref_func:
          if (!(ins.imm! < m.funcTypes.length)) throw invalid(`unknown function ${ins.imm}`, where);
          stack.push(ValType.FuncRef);
          break;
        case Op.global_get: {
          const g = ins.imm!;
          if (!(g < m.numImportedGlobals)) throw invalid(`unknown global ${g} (a constant expression may only read imported globals)`, where);
          const gt = m.globalTypes[g];
          if (gt.mutable) throw invalid(`constant expression required: global.get ${g} reads a mutable global`, where);
          stack.push(gt.type);
          break;
        }
        default:
          throw invalid(`constant expression required: ${opName(ins.op)} is not allowed in a ${what}`, where);
      }
    }
    if (stack.length !== 1 || stack[0] !== expected) {
      throw invalid(`type mismatch: ${what} must produce [${valTypeName(expected)}] but produces ${typeList(stack)}`, expr.length ? expr[expr.length - 1].offset : at);
    }
  }
}

interface Frame {
  op: Op;                      // block, loop, if, else (the function body counts as a block)
  start: readonly ValType[];   // parameter types
  end: readonly ValType[];     // result types
  height: number;              // operand stack height at entry
  unreachable: boolean;        // the rest of the block is unreachable: the stack is polymorphic below
}

/** Validates function bodies one after another, reusing its stacks. */
class FuncValidator {
  private readonly vals: number[] = [];
  private vsp = 0;
  private ctrls: Frame[] = [];
  private csp = 0;
  private locals: ValType[] = [];
  private results: readonly ValType[] = NO_TYPES;
  private funcIndex = 0;
  private ins!: Instr;
  private readonly memories: number;
  private readonly numDatas: number;

  constructor(readonly m: Module, readonly refs: Uint8Array) {
    this.memories = m.memoryTypes.length;
    this.numDatas = m.dataCount ?? m.datas.length;
  }

  private fail(reason: string, at: number = this.ins.offset): never {
    throw invalid(reason, at, this.funcIndex, this.m.names.funcs.get(this.funcIndex));
  }

  validate(funcIndex: number, type: FuncType, code: FuncBody): void {
    this.funcIndex = funcIndex;
    this.locals = type.params.length ? type.params.concat(code.locals) : code.locals;
    this.results = type.results;
    this.vsp = 0;
    this.csp = 0;
    this.pushCtrl(Op.block, NO_TYPES, type.results);
    const body = code.body;
    const vals = this.vals;
    const hasMemory = this.memories !== 0;
    for (let i = 0; i < body.length; i++) {
      const ins = body[i];
      this.ins = ins;
      if (this.csp === 0) this.fail("instructions after the function's final 'end'");
      // Fast path: a one-byte numeric, constant, load or store instruction
      // whose operands are concretely on the stack. Anything else (including
      // every error) goes through step().
      const op = ins.op;
      if (op < 0x100) {
        const cls = OP_CLASS[op];
        if (cls === SIMPLE || (cls === MEMORY && hasMemory && ins.imm2! <= FAST_ALIGN[op])) {
          const np = FAST_NP[op];
          let sp = this.vsp;
          if (sp - np >= this.ctrls[this.csp - 1].height) {
            let ok = true;
            if (np === 1) {
              const t = vals[sp - 1];
              ok = t === FAST_P0[op] || t === UNKNOWN;
            } else if (np === 2) {
              const a = vals[sp - 2], b = vals[sp - 1];
              ok = (a === FAST_P0[op] || a === UNKNOWN) && (b === FAST_P1[op] || b === UNKNOWN);
            }
            if (ok) {
              sp -= np;
              const r = FAST_R[op];
              if (r !== 0) vals[sp++] = r;
              this.vsp = sp;
              continue;
            }
          }
        }
      }
      this.step(ins);
    }
    if (this.csp !== 0) this.fail("function body does not end with 'end'", code.offset + code.size);
  }

  // ---- the operand and control stacks ------------------------------------

  private push(t: number): void {
    this.vals[this.vsp++] = t;
  }

  private pushVals(ts: readonly number[]): void {
    for (let i = 0; i < ts.length; i++) this.vals[this.vsp++] = ts[i];
  }

  /** Pops any one operand; UNKNOWN if the frame is unreachable and empty. */
  private popAny(): number {
    const f = this.ctrls[this.csp - 1];
    if (this.vsp === f.height) {
      if (f.unreachable) return UNKNOWN;
      this.fail(`type mismatch: ${opName(this.ins.op)} expects an operand but the stack is empty`);
    }
    return this.vals[--this.vsp];
  }

  /** Pops one operand of type t; returns the type found (UNKNOWN or t). */
  private popOne(t: number): number {
    const f = this.ctrls[this.csp - 1];
    if (this.vsp === f.height) {
      if (f.unreachable) return UNKNOWN;
      this.mismatch([t], this.vsp);
    }
    const got = this.vals[this.vsp - 1];
    if (got !== t && got !== UNKNOWN) this.mismatch([t], this.vsp);
    this.vsp--;
    return got;
  }

  /** Pops operands of the given types (the last one is on top). */
  private popVals(expected: readonly number[], what?: string): void {
    const n = expected.length;
    if (n === 0) return;
    const f = this.ctrls[this.csp - 1];
    const vals = this.vals;
    const start = this.vsp;
    let sp = start;
    for (let i = n - 1; i >= 0; i--) {
      if (sp === f.height) {
        if (f.unreachable) break; // the rest come from the polymorphic stack
        this.mismatch(expected, start, what);
      }
      const got = vals[sp - 1];
      if (got !== expected[i] && got !== UNKNOWN) this.mismatch(expected, start, what);
      sp--;
    }
    this.vsp = sp;
  }

  private mismatch(expected: readonly number[], start: number, what?: string): never {
    const f = this.ctrls[this.csp - 1];
    const from = Math.max(f.height, start - expected.length);
    const got = this.vals.slice(from, start);
    if (f.unreachable) while (got.length < expected.length) got.unshift(UNKNOWN);
    this.fail(`type mismatch: ${what ?? opName(this.ins.op)} expects ${typeList(expected)} but got ${typeList(got)}`);
  }

  private pushCtrl(op: Op, start: readonly ValType[], end: readonly ValType[]): void {
    let f = this.ctrls[this.csp];
    if (f) {
      f.op = op; f.start = start; f.end = end; f.height = this.vsp; f.unreachable = false;
    } else {
      f = { op, start, end, height: this.vsp, unreachable: false };
      this.ctrls.push(f);
    }
    this.csp++;
    this.pushVals(start);
  }

  /** Closes the innermost block: exactly its results must be on the stack. */
  private popCtrl(): Frame {
    const f = this.ctrls[this.csp - 1];
    const what = this.csp === 1 ? 'end of function' : `end of ${opName(f.op === Op.else ? Op.if : f.op)}`;
    this.popVals(f.end, what);
    if (this.vsp !== f.height) {
      const extra = this.vals.slice(f.height, this.vsp);
      this.fail(`type mismatch: ${what} expects ${typeList(f.end)} but got ${typeList(extra.concat(f.end))}`);
    }
    this.csp--;
    return f;
  }

  private setUnreachable(): void {
    const f = this.ctrls[this.csp - 1];
    this.vsp = f.height;
    f.unreachable = true;
  }

  private labelTypes(depth: number): readonly ValType[] {
    if (!(depth < this.csp)) this.fail(`unknown label ${depth}`);
    const f = this.ctrls[this.csp - 1 - depth];
    return f.op === Op.loop ? f.start : f.end;
  }

  // ---- index checks --------------------------------------------------------

  private needMemory(): void {
    if (this.memories === 0) this.fail(`unknown memory 0: ${opName(this.ins.op)} needs a memory`);
  }

  private table(x: number): TableType {
    const t = this.m.tableTypes[x];
    if (!t || !(x < this.m.tableTypes.length)) this.fail(`unknown table ${x}`);
    return t;
  }

  private elemType(x: number): ValType {
    const e = this.m.elems[x];
    if (!e || !(x < this.m.elems.length)) this.fail(`unknown elem segment ${x}`);
    return e.type;
  }

  private dataIndex(x: number): void {
    if (this.m.dataCount === undefined) this.fail(`data count section required for ${opName(this.ins.op)}`);
    if (!(x < this.numDatas)) this.fail(`unknown data segment ${x}`);
  }

  private funcType(x: number): FuncType {
    if (!(x < this.m.funcTypes.length)) this.fail(`unknown function ${x}`);
    return this.m.funcTypes[x];
  }

  private localType(x: number): ValType {
    if (!(x < this.locals.length)) this.fail(`unknown local ${x}`);
    return this.locals[x];
  }

  private global(x: number) {
    if (!(x < this.m.globalTypes.length)) this.fail(`unknown global ${x}`);
    return this.m.globalTypes[x];
  }

  // ---- one instruction -------------------------------------------------------

  private step(ins: Instr): void {
    const op = ins.op;
    const idx = op < 0x100 ? op : (op & 0xff00) === 0xfc00 ? 0x100 + (op & 0xff) : -1;
    const info: OpInfo | undefined = idx >= 0 ? INFO_BY_INDEX[idx] : undefined;
    if (!info) this.fail(`unknown opcode 0x${op.toString(16)}`);
    const cls = OP_CLASS[idx];
    if (cls === SIMPLE) {
      this.popVals(info.sig!.params);
      this.pushVals(info.sig!.results);
      return;
    }
    if (cls === MEMORY) {
      this.needMemory();
      if (!(ins.imm2! <= info.maxAlign!)) {
        this.fail(`alignment must not be larger than natural: ${info.name} has alignment 2^${ins.imm2} but accesses ${info.memBytes} bytes`);
      }
      this.popVals(info.sig!.params);
      this.pushVals(info.sig!.results);
      return;
    }
    switch (op) {
      case Op.unreachable:
        this.setUnreachable();
        break;
      case Op.block: case Op.loop: case Op.if: {
        const bt = ins.bt;
        if (!bt) this.fail(`unknown type ${ins.imm} in block type`);
        if (op === Op.if) this.popOne(ValType.I32);
        this.popVals(bt.params);
        this.pushCtrl(op, bt.params, bt.results);
        break;
      }
      case Op.else: {
        const f = this.ctrls[this.csp - 1];
        if (f.op !== Op.if || this.csp === 1) this.fail("'else' without a matching 'if'");
        const { start, end } = f;
        this.popCtrl();
        this.pushCtrl(Op.else, start, end);
        break;
      }
      case Op.end: {
        const f = this.popCtrl();
        if (f.op === Op.if && !sameTypes(f.start, f.end)) {
          this.fail(`type mismatch: if without else must have equal parameter and result types, but has ${typeList(f.start)} -> ${typeList(f.end)}`);
        }
        this.pushVals(f.end);
        break;
      }
      case Op.br:
        this.popVals(this.labelTypes(ins.imm!));
        this.setUnreachable();
        break;
      case Op.br_if: {
        this.popOne(ValType.I32);
        const lt = this.labelTypes(ins.imm!);
        this.popVals(lt);
        this.pushVals(lt);
        break;
      }
      case Op.br_table:
        this.brTable(ins.targets!);
        break;
      case Op.return:
        this.popVals(this.results);
        this.setUnreachable();
        break;
      case Op.call: {
        const ft = this.funcType(ins.imm!);
        this.popVals(ft.params);
        this.pushVals(ft.results);
        break;
      }
      case Op.call_indirect: {
        const tt = this.table(ins.imm2!);
        if (tt.elem !== ValType.FuncRef) this.fail(`type mismatch: call_indirect needs a funcref table but table ${ins.imm2} holds ${valTypeName(tt.elem)}`);
        const ft = this.m.types[ins.imm!];
        if (!ft || !(ins.imm! < this.m.types.length)) this.fail(`unknown type ${ins.imm}`);
        this.popOne(ValType.I32);
        this.popVals(ft.params);
        this.pushVals(ft.results);
        break;
      }
      case Op.drop:
        this.popAny();
        break;
      case Op.select: {
        this.popOne(ValType.I32);
        const t1 = this.popAny();
        const t2 = this.popAny();
        if (!isNumeric(t1) || !isNumeric(t2)) {
          this.fail(`type mismatch: select without a type immediate needs numeric operands but got ${typeList([t2, t1])}`);
        }
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) this.fail(`type mismatch: select operands differ: ${typeList([t2, t1])}`);
        this.push(t1 === UNKNOWN ? t2 : t1);
        break;
      }
      case Op.select_t: {
        const ts = ins.types!;
        if (ts.length !== 1) this.fail(`invalid result arity: select must have exactly one type, has ${ts.length}`);
        const t = ts[0];
        this.popOne(ValType.I32);
        this.popOne(t);
        this.popOne(t);
        this.push(t);
        break;
      }
      case Op.local_get:
        this.push(this.localType(ins.imm!));
        break;
      case Op.local_set:
        this.popOne(this.localType(ins.imm!));
        break;
      case Op.local_tee: {
        const t = this.localType(ins.imm!);
        this.popOne(t);
        this.push(t);
        break;
      }
      case Op.global_get:
        this.push(this.global(ins.imm!).type);
        break;
      case Op.global_set: {
        const g = this.global(ins.imm!);
        if (!g.mutable) this.fail(`global is immutable: global.set ${ins.imm}`);
        this.popOne(g.type);
        break;
      }
      case Op.table_get: {
        const t = this.table(ins.imm!).elem;
        this.popOne(ValType.I32);
        this.push(t);
        break;
      }
      case Op.table_set: {
        const t = this.table(ins.imm!).elem;
        this.popOne(t);
        this.popOne(ValType.I32);
        break;
      }
      case Op.memory_size: case Op.memory_grow: case Op.memory_copy: case Op.memory_fill:
        this.needMemory();
        this.popVals(info.sig!.params);
        this.pushVals(info.sig!.results);
        break;
      case Op.memory_init:
        this.needMemory();
        this.dataIndex(ins.imm!);
        this.popVals(info.sig!.params);
        break;
      case Op.data_drop:
        this.dataIndex(ins.imm!);
        break;
      case Op.ref_null:
        if (ins.imm !== ValType.FuncRef && ins.imm !== ValType.ExternRef) this.fail(`malformed reference type ${ins.imm}`);
        this.push(ins.imm);
        break;
      case Op.ref_is_null: {
        const t = this.popAny();
        if (t !== UNKNOWN && t !== ValType.FuncRef && t !== ValType.ExternRef) {
          this.fail(`type mismatch: ref.is_null expects a reference but got [${typeName(t)}]`);
        }
        this.push(ValType.I32);
        break;
      }
      case Op.ref_func: {
        const x = ins.imm!;
        this.funcType(x);
        if (!this.refs[x]) this.fail(`undeclared function reference: function ${x} must be declared in an element segment, global or export before ref.func uses it`);
        this.push(ValType.FuncRef);
        break;
      }
      case Op.table_init: {
        const tt = this.table(ins.imm2!);
        const et = this.elemType(ins.imm!);
        if (tt.elem !== et) this.fail(`type mismatch: table.init of elem segment ${ins.imm} (${valTypeName(et)}) into table ${ins.imm2} (${valTypeName(tt.elem)})`);
        this.popVals(info.sig!.params);
        break;
      }
      case Op.elem_drop:
        this.elemType(ins.imm!);
        break;
      case Op.table_copy: {
        const dst = this.table(ins.imm!);
        const src = this.table(ins.imm2!);
        if (dst.elem !== src.elem) this.fail(`type mismatch: table.copy from table ${ins.imm2} (${valTypeName(src.elem)}) to table ${ins.imm} (${valTypeName(dst.elem)})`);
        this.popVals(info.sig!.params);
        break;
      }
      case Op.table_grow: {
        const t = this.table(ins.imm!).elem;
        this.popOne(ValType.I32);
        this.popOne(t);
        this.push(ValType.I32);
        break;
      }
      case Op.table_size:
        this.table(ins.imm!);
        this.push(ValType.I32);
        break;
      case Op.table_fill: {
        const t = this.table(ins.imm!).elem;
        this.popOne(ValType.I32);
        this.popOne(t);
        this.popOne(ValType.I32);
        break;
      }
      default:
        this.fail(`no validation rule for ${info.name}`);
    }
  }

  /** br_table (spec appendix): every target must take as many values as the
   * default; each target's types are checked against the stack in turn,
   * without consuming it, then the default's types are popped. */
  private brTable(targets: number[]): void {
    this.popOne(ValType.I32);
    const defaultTypes = this.labelTypes(targets[targets.length - 1]);
    const arity = defaultTypes.length;
    let checked: readonly ValType[] | undefined;
    for (let i = 0; i < targets.length - 1; i++) {
      const lt = this.labelTypes(targets[i]);
      if (lt.length !== arity) {
        this.fail(`type mismatch: br_table targets differ in arity: label ${targets[i]} takes ${typeList(lt)}, the default label ${targets[targets.length - 1]} takes ${typeList(defaultTypes)}`);
      }
      // Checking the same type list again cannot change the outcome (the
      // stack only gains UNKNOWNs below): skip runs of targets that share one.
      if (lt === checked || arity === 0) continue;
      checked = lt;
      // push_vals(pop_vals(lt)): what was popped goes back, UNKNOWNs included.
      const before = this.vsp;
      this.popVals(lt);
      const popped = before - this.vsp;
      const missing = arity - popped;
      if (missing > 0) {
        const vals = this.vals;
        for (let k = before - 1; k >= this.vsp; k--) vals[k + missing] = vals[k];
        for (let k = 0; k < missing; k++) vals[this.vsp + k] = UNKNOWN;
      }
      this.vsp = before + missing;
    }
    this.popVals(defaultTypes);
    this.setUnreachable();
  }
}

function isNumeric(t: number): boolean {
  return t === UNKNOWN || t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function typeName(t: number): string {
  return t === UNKNOWN ? '_' : valTypeName(t);
}

/** "[i32 i64]"; long lists keep their last entries (the top of the stack). */
function typeList(ts: readonly number[]): string {
  const max = 12;
  if (ts.length <= max) return '[' + ts.map(typeName).join(' ') + ']';
  return `[... ${ts.length - max} more, ` + ts.slice(ts.length - max).map(typeName).join(' ') + ']';
}
