// Pass 1: Wasm function body -> IR (see ir.ts).
//
// Requires: a module that passed validation (so every stack access and
// branch depth is in range). Keeps: the IR contract of ir.ts.
//
// The Wasm operand stack is simulated at compile time (as in V8's Liftoff):
// a stack entry is a constant, a reference to a local, or a temporary vreg.
// Constants become immediates of the instruction that consumes them;
// `local.get` emits nothing; `local.set` of a freshly computed temporary
// renames the instruction's destination instead of adding a move. Control
// flow becomes labels and jumps; the values a branch carries are moved into
// the vregs that the target block owns for them.

import type { Module, Instr, BlockType, FuncType } from '../wasm/types.js';
import { ValType } from '../wasm/types.js';
import { opName } from '../wasm/opcodes.js';
import { Func, Ins, K, Ty, isFloat } from './ir.js';
import { CompileError } from './errors.js';
import { trapCode } from '../traps.js';
import { INTRINSICS } from './intrinsics.js';

export interface LowerOptions {
  /** Import module whose functions are inline instructions ("x86" in the kernel), or null. */
  intrinsicModule: string | null;
  /** Symbols of the module's tables and of its segment descriptors (module.ts). */
  tableSym(index: number): string;
  elemSym(index: number): string;
  dataSym(index: number): string;
  /** Relocatable memory model (module.ts): the memory's base address is a
   * value, read once at function entry (K.MemBase) and an operand of every
   * load and store, instead of the link-time constant __wasm_memory_base. */
  memBaseValue?: boolean;
}

type Entry =
  | { k: 'v'; v: number } // a vreg (a temporary, or a local's vreg once copied)
  | { k: 'c'; ty: Ty; val: bigint } // a constant
  | { k: 'l'; i: number }; // the current value of local i

interface Frame {
  kind: 'block' | 'loop' | 'if' | 'func';
  label: number; // branch target: end of block/if/func, head of loop
  elseLabel: number;
  results: number[]; // vregs receiving the results at the end (block, if, func)
  params: number[]; // loop: vregs holding the parameters at the head; if: saved parameters
  paramTys: Ty[];
  resultTys: Ty[];
  height: number; // stack height below the frame's parameters
  start: number; // index in `code` where the frame's code begins
  unreachable: boolean;
  reached: boolean; // some branch targets the end label
  hadElse: boolean;
}

type Desc =
  | { kind: 'bin'; ty: Ty; op: string }
  | { kind: 'cmp'; ty: Ty; op: string }
  | { kind: 'eqz'; ty: Ty }
  | { kind: 'un'; ty: Ty; op: string; from: Ty }
  | { kind: 'load'; ty: Ty; width: number; signed: boolean }
  | { kind: 'store'; ty: Ty; width: number }
  | { kind: 'const'; ty: Ty }
  | { kind: 'other'; name: string };

export function valTy(t: ValType): Ty {
  switch (t) {
    case ValType.I32: return 'i32';
    case ValType.I64: return 'i64';
    case ValType.F32: return 'f32';
    case ValType.F64: return 'f64';
    case ValType.FuncRef:
    case ValType.ExternRef: return 'i64';
    default: throw new CompileError(`value type 0x${(t as number).toString(16)} is not supported`);
  }
}

const BIN = /^(i32|i64)\.(add|sub|mul|div_s|div_u|rem_s|rem_u|and|or|xor|shl|shr_s|shr_u|rotl|rotr)$|^(f32|f64)\.(add|sub|mul|div|min|max|copysign)$/;
const CMP = /^(i32|i64)\.(eq|ne|lt_s|lt_u|gt_s|gt_u|le_s|le_u|ge_s|ge_u)$|^(f32|f64)\.(eq|ne|lt|gt|le|ge)$/;
const UN = /^(i32|i64)\.(clz|ctz|popcnt|extend8_s|extend16_s|extend32_s)$|^(f32|f64)\.(abs|neg|sqrt|ceil|floor|trunc|nearest)$/;
// Conversions between classes: the IR op is the part after the dot.
const CVT = /^(i32|i64|f32|f64)\.((?:trunc|trunc_sat)_f(?:32|64)_[su]|convert_i(?:32|64)_[su]|demote_f64|promote_f32|reinterpret_[if](?:32|64))$/;
const LOAD = /^(i32|i64|f32|f64)\.load(8|16|32)?(_s|_u)?$/;
const STORE = /^(i32|i64|f32|f64)\.store(8|16|32)?$/;

function describe(name: string): Desc {
  let m = BIN.exec(name);
  if (m) return { kind: 'bin', ty: (m[1] ?? m[3]) as Ty, op: m[2] ?? m[4] };
  if ((m = CMP.exec(name))) return { kind: 'cmp', ty: (m[1] ?? m[3]) as Ty, op: m[2] ?? m[4] };
  if (name === 'i32.eqz' || name === 'i64.eqz') return { kind: 'eqz', ty: name.slice(0, 3) as Ty };
  if ((m = UN.exec(name))) return { kind: 'un', ty: (m[1] ?? m[3]) as Ty, op: m[2] ?? m[4], from: (m[1] ?? m[3]) as Ty };
  if ((m = CVT.exec(name))) return { kind: 'un', ty: m[1] as Ty, op: m[2], from: m[1] as Ty };
  if (name === 'i32.wrap_i64') return { kind: 'un', ty: 'i32', op: 'wrap', from: 'i64' };
  if (name === 'i64.extend_i32_s') return { kind: 'un', ty: 'i64', op: 'extend_s', from: 'i32' };
  if (name === 'i64.extend_i32_u') return { kind: 'un', ty: 'i64', op: 'extend_u', from: 'i32' };
  if ((m = LOAD.exec(name))) {
    const ty = m[1] as Ty;
    const width = m[2] ? Number(m[2]) / 8 : ty === 'i32' || ty === 'f32' ? 4 : 8;
    return { kind: 'load', ty, width, signed: m[3] === '_s' };
  }
  if ((m = STORE.exec(name))) {
    const ty = m[1] as Ty;
    const width = m[2] ? Number(m[2]) / 8 : ty === 'i32' || ty === 'f32' ? 4 : 8;
    return { kind: 'store', ty, width };
  }
  if (/^(i32|i64|f32|f64)\.const$/.test(name)) return { kind: 'const', ty: name.slice(0, 3) as Ty };
  return { kind: 'other', name };
}

// One descriptor per opcode, built once from the opcode table's names.
const DESCS = new Map<number, Desc>();
function descOf(op: number): Desc {
  let d = DESCS.get(op);
  if (!d) {
    d = describe(opName(op));
    DESCS.set(op, d);
  }
  return d;
}

function norm(ty: Ty, v: bigint): bigint {
  return ty === 'i32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
}

/** Folds a binary operation on two constants, or returns null (traps, rare ops). */
function foldBin(ty: Ty, op: string, a: bigint, b: bigint): bigint | null {
  const bits = ty === 'i32' ? 32 : 64;
  const ua = BigInt.asUintN(bits, a);
  const ub = BigInt.asUintN(bits, b);
  const sh = ub & BigInt(bits - 1);
  switch (op) {
    case 'add': return norm(ty, a + b);
    case 'sub': return norm(ty, a - b);
    case 'mul': return norm(ty, a * b);
    case 'and': return norm(ty, a & b);
    case 'or': return norm(ty, a | b);
    case 'xor': return norm(ty, a ^ b);
    case 'shl': return norm(ty, ua << sh);
    case 'shr_u': return norm(ty, ua >> sh);
    case 'shr_s': return norm(ty, BigInt.asIntN(bits, a) >> sh);
    default: return null;
  }
}

const COMMUTATIVE = new Set(['add', 'mul', 'and', 'or', 'xor']);
const SWAPPED: Record<string, string> = {
  eq: 'eq', ne: 'ne', lt_s: 'gt_s', gt_s: 'lt_s', le_s: 'ge_s', ge_s: 'le_s',
  lt_u: 'gt_u', gt_u: 'lt_u', le_u: 'ge_u', ge_u: 'le_u',
};

function fitsImm32(v: bigint): boolean {
  return v >= -0x80000000n && v <= 0x7fffffffn;
}

export function lowerFunction(m: Module, funcIndex: number, symbol: string, opts: LowerOptions): Func {
  const defIndex = funcIndex - m.numImportedFuncs;
  const type: FuncType = m.funcTypes[funcIndex];
  const body = m.codes[defIndex];
  const vtypes: Ty[] = [];
  const code: Ins[] = [];
  let nlabels = 0;
  let hasCalls = false;

  const newV = (ty: Ty) => (vtypes.push(ty), vtypes.length - 1);
  const newLabel = () => nlabels++;
  let wasmOff = body.offset;
  const fail = (msg: string): never => {
    throw new CompileError(msg, wasmOff, symbol);
  };

  // Locals are vregs 0..n-1 (parameters first).
  const params: number[] = [];
  for (const p of type.params) params.push(newV(valTy(p)));
  const nlocals0 = params.length;
  for (const l of body.locals) newV(valTy(l));
  const nlocals = vtypes.length;
  // Several results: all but the first go through a buffer the caller passes.
  const resultBuf = type.results.length > 1 ? newV('i64') : -1;
  if (resultBuf >= 0) params.push(resultBuf);
  // Declared locals start at zero.
  for (let i = nlocals0; i < nlocals; i++) {
    const z = new Ins(K.Mov, vtypes[i], body.offset);
    z.dst = i;
    z.imm = 0n;
    code.push(z);
  }

  const emit = (k: K, ty: Ty): Ins => {
    const i = new Ins(k, ty, wasmOff);
    code.push(i);
    return i;
  };
  // The memory base as a value (relocatable model); dce drops it when unused.
  let memBase = -1;
  if (opts.memBaseValue) {
    memBase = newV('i64');
    emit(K.MemBase, 'i64').dst = memBase;
  }

  const stack: Entry[] = [];
  const ctrl: Frame[] = [];

  const entryTy = (e: Entry): Ty => (e.k === 'c' ? e.ty : vtypes[e.k === 'v' ? e.v : e.i]);

  /** A vreg holding the entry's value now. */
  const toV = (e: Entry): number => {
    if (e.k === 'v') return e.v;
    if (e.k === 'l') return e.i;
    const t = newV(e.ty);
    const i = emit(K.Mov, e.ty);
    i.dst = t;
    i.imm = e.val;
    return t;
  };
  const pop = (): Entry => {
    const e = stack.pop();
    if (!e) return fail('operand stack underflow (module not validated?)');
    return e;
  };
  const popV = () => toV(pop());
  const pushNew = (ty: Ty): number => {
    const t = newV(ty);
    stack.push({ k: 'v', v: t });
    return t;
  };

  /** Before local i changes: copy every stack entry that reads it. An entry
   * pushed before an enclosing block began is copied where that block begins
   * (the outermost such block), so that the copy is made on every path that
   * reaches the use, not only on the one being lowered. */
  const spillLocal = (li: number) => {
    for (let s = 0; s < stack.length; s++) {
      const e = stack[s];
      if (e.k === 'l' && e.i === li) {
        const t = newV(vtypes[li]);
        const mv = new Ins(K.Mov, vtypes[li], wasmOff);
        mv.dst = t;
        mv.a = li;
        const fi = ctrl.findIndex((f) => f.kind !== 'func' && f.height > s);
        if (fi < 0) code.push(mv);
        else {
          code.splice(ctrl[fi].start, 0, mv);
          for (let j = fi + 1; j < ctrl.length; j++) ctrl[j].start++;
        }
        stack[s] = { k: 'v', v: t };
      }
    }
  };

  const isTemp = (v: number) => v >= nlocals;

  /** An out-of-line routine: consts, then n operands from the stack; result type or null. */
  const helper = (sym: string, consts: string[], n: number, result: Ty | null) => {
    const i = new Ins(K.Helper, result ?? 'i32', wasmOff);
    i.name = sym;
    i.consts = consts;
    i.args = stack.splice(stack.length - n).map(toV);
    code.push(i);
    if (result) i.dst = pushNew(result);
    hasCalls = true;
  };

  /** local.set: rename the last instruction's result when it is a fresh temporary. */
  const setLocal = (li: number, e: Entry) => {
    spillLocal(li);
    const last = code[code.length - 1];
    if (e.k === 'v' && isTemp(e.v) && last && last.dst === e.v && last.k !== K.Call) {
      last.dst = li;
      return;
    }
    const mv = emit(K.Mov, vtypes[li]);
    mv.dst = li;
    if (e.k === 'c') mv.imm = e.val;
    else mv.a = toV(e);
  };

  /** Moves the top n stack values into `targets` (a parallel assignment). */
  const moveTop = (targets: number[]) => {
    const n = targets.length;
    if (n === 0) return;
    const src = stack.slice(stack.length - n);
    const tset = new Set(targets);
    const clash = src.some((e, j) => e.k === 'v' && tset.has(e.v) && targets[j] !== e.v);
    const vals: Entry[] = clash
      ? src.map((e) => {
          if (e.k !== 'v') return e;
          const t = newV(vtypes[e.v]);
          const mv = emit(K.Mov, vtypes[e.v]);
          mv.dst = t;
          mv.a = e.v;
          return { k: 'v', v: t } as Entry;
        })
      : src;
    vals.forEach((e, j) => {
      if (e.k === 'v' && e.v === targets[j]) return;
      const mv = emit(K.Mov, vtypes[targets[j]]);
      mv.dst = targets[j];
      if (e.k === 'c') mv.imm = e.val;
      else mv.a = toV(e);
    });
  };

  const blockType = (bt: BlockType | undefined) => ({
    params: (bt?.params ?? []).map(valTy),
    results: (bt?.results ?? []).map(valTy),
  });

  const branchTargets = (f: Frame) => (f.kind === 'loop' ? f.params : f.results);

  const funcFrame: Frame = {
    kind: 'func', label: newLabel(), elseLabel: -1, results: [], params: [],
    paramTys: [], resultTys: type.results.map(valTy), height: 0, start: 0,
    unreachable: false, reached: false, hadElse: false,
  };
  funcFrame.results = funcFrame.resultTys.map(newV);
  ctrl.push(funcFrame);

  const label = (l: number) => {
    emit(K.Label, 'i32').off = l;
  };
  const jump = (l: number) => {
    emit(K.Jmp, 'i32').off = l;
  };
  const markUnreachable = () => {
    const f = ctrl[ctrl.length - 1];
    f.unreachable = true;
    stack.length = f.height;
  };

  /** Emits an unconditional branch to depth d (moves included). */
  const branch = (d: number) => {
    const f = ctrl[ctrl.length - 1 - d];
    moveTop(branchTargets(f));
    if (f.kind !== 'loop') f.reached = true;
    jump(f.label);
  };

  const doReturn = () => {
    const args = stack.slice(stack.length - funcFrame.resultTys.length).map(toV);
    const r = emit(K.Ret, 'i32');
    r.args = args;
    r.a = resultBuf;
  };

  let skipDepth = 0;
  let funcImports: Module['imports'] | undefined; // (made at the first call of an import)
  const instrs: Instr[] = body.body;
  /** Instructions other than the arithmetic, comparison, conversion,
   * memory and constant ones of the loop below. (A function of its own:
   * as one loop body, V8's optimizing compiler spent hundreds of
   * milliseconds on lowerFunction, again after each deoptimization.) */
  const lowerOther = (ins: Instr, name: string, cur: Frame) => {
    switch (name) {
      case 'nop':
        break;
      case 'unreachable':
        emit(K.Trap, 'i32').off = trapCode('unreachable');
        markUnreachable();
        break;
      case 'drop':
        pop();
        break;
      case 'select':
      case 'select_t': {
        const c = popV();
        const b = pop();
        const a = pop();
        const ty = entryTy(a);
        const i = new Ins(K.Select, ty, wasmOff);
        i.c = c;
        i.a = toV(a);
        i.b = toV(b);
        code.push(i);
        i.dst = pushNew(ty);
        break;
      }
      case 'local.get':
        stack.push({ k: 'l', i: ins.imm! });
        break;
      case 'local.set':
        setLocal(ins.imm!, pop());
        break;
      case 'local.tee': {
        const e = pop();
        setLocal(ins.imm!, e);
        stack.push({ k: 'l', i: ins.imm! });
        break;
      }
      case 'global.get': {
        const gt = valTy(m.globalTypes[ins.imm!].type);
        const i = emit(K.GlobalGet, gt);
        i.off = ins.imm!;
        i.dst = pushNew(gt);
        break;
      }
      case 'global.set': {
        const gt = valTy(m.globalTypes[ins.imm!].type);
        const i = new Ins(K.GlobalSet, gt, wasmOff);
        i.a = popV();
        i.off = ins.imm!;
        code.push(i);
        break;
      }
      case 'memory.size':
        emit(K.MemSize, 'i32').dst = pushNew('i32');
        break;
      case 'memory.grow': {
        const i = new Ins(K.MemGrow, 'i32', wasmOff);
        i.a = popV();
        code.push(i);
        i.dst = pushNew('i32');
        hasCalls = true;
        break;
      }
      case 'memory.copy':
        helper('__wasm_memory_copy', [], 3, null);
        break;
      case 'memory.fill':
        helper('__wasm_memory_fill', [], 3, null);
        break;
      case 'memory.init':
        helper('__wasm_memory_init', [opts.dataSym(ins.imm!)], 3, null);
        break;
      case 'data.drop':
        helper('__wasm_segment_drop', [opts.dataSym(ins.imm!)], 0, null);
        break;
      case 'elem.drop':
        helper('__wasm_segment_drop', [opts.elemSym(ins.imm!)], 0, null);
        break;
      case 'table.init':
        helper('__wasm_table_init', [opts.tableSym(ins.imm2!), opts.elemSym(ins.imm!)], 3, null);
        break;
      case 'table.copy':
        helper('__wasm_table_copy', [opts.tableSym(ins.imm!), opts.tableSym(ins.imm2!)], 3, null);
        break;
      case 'table.fill':
        helper('__wasm_table_fill', [opts.tableSym(ins.imm!)], 3, null);
        break;
      case 'table.grow':
        helper('__wasm_table_grow', [opts.tableSym(ins.imm!)], 2, 'i32');
        break;
      case 'table.size': {
        const i = emit(K.TableSize, 'i32');
        i.tbl = ins.imm!;
        i.dst = pushNew('i32');
        break;
      }
      case 'table.get': {
        const i = new Ins(K.TableGet, 'i64', wasmOff);
        i.a = popV();
        i.tbl = ins.imm!;
        code.push(i);
        i.dst = pushNew('i64');
        break;
      }
      case 'table.set': {
        const i = new Ins(K.TableSet, 'i64', wasmOff);
        i.b = popV();
        i.a = popV();
        i.tbl = ins.imm!;
        code.push(i);
        break;
      }
      case 'ref.null':
        stack.push({ k: 'c', ty: 'i64', val: 0n });
        break;
      case 'ref.is_null': {
        const i = new Ins(K.Cmp, 'i64', wasmOff);
        i.op = 'eq';
        i.a = popV();
        i.imm = 0n;
        code.push(i);
        i.dst = pushNew('i32');
        break;
      }
      case 'ref.func': {
        const fi = ins.imm!;
        if (fi < m.numImportedFuncs && opts.intrinsicModule !== null) {
          const imp = m.imports.filter((x) => x.kind === 'func')[fi];
          if (imp.module === opts.intrinsicModule) fail(`ref.func of intrinsic ${imp.module}.${imp.name} is not supported (intrinsics are inline instructions)`);
        }
        const i = emit(K.RefFunc, 'i64');
        i.off = ins.imm!;
        i.dst = pushNew('i64');
        break;
      }
      case 'call_indirect': {
        const ft = m.types[ins.imm!];
        const i = new Ins(K.CallIndirect, 'i64', wasmOff);
        i.a = popV();
        i.args = stack.splice(stack.length - ft.params.length).map(toV);
        i.off = ins.imm!;
        i.tbl = ins.imm2!;
        code.push(i);
        i.dsts = ft.results.map((r) => pushNew(valTy(r)));
        hasCalls = true;
        break;
      }
      case 'call': {
        const fi = ins.imm!;
        const ft = m.funcTypes[fi];
        const imp = fi < m.numImportedFuncs ? (funcImports ??= m.imports.filter((x) => x.kind === 'func'))[fi] : null;
        const args = stack.splice(stack.length - ft.params.length).map(toV);
        let i: Ins;
        if (imp && opts.intrinsicModule !== null && imp.module === opts.intrinsicModule) {
          const intr = INTRINSICS[imp.name];
          if (!intr) fail(`unknown intrinsic ${imp.module}.${imp.name}`);
          const sig = `${ft.params.map(valTy).join(',')}->${ft.results.map(valTy).join(',')}`;
          if (sig !== intr.sig) fail(`intrinsic ${imp.module}.${imp.name} must have type (${intr.sig}), not (${sig})`);
          i = new Ins(K.Intrinsic, 'i64', wasmOff);
          i.name = imp.name;
        } else {
          i = new Ins(K.Call, 'i64', wasmOff);
          i.off = fi;
          hasCalls = true;
        }
        i.args = args;
        code.push(i);
        i.dsts = ft.results.map((r) => pushNew(valTy(r)));
        break;
      }
      case 'block':
      case 'loop':
      case 'if': {
        const bt = blockType(ins.bt);
        const np = bt.params.length;
        let cond = -1;
        if (name === 'if') cond = popV();
        const f: Frame = {
          kind: name as Frame['kind'], label: newLabel(), elseLabel: -1, results: bt.results.map(newV), params: [],
          paramTys: bt.params, resultTys: bt.results, height: stack.length - np, start: code.length,
          unreachable: false, reached: false, hadElse: false,
        };
        if (name === 'loop') {
          f.params = bt.params.map(newV);
          moveTop(f.params);
          stack.length = f.height;
          for (const p of f.params) stack.push({ k: 'v', v: p });
          f.results = [];
          label(f.label);
        } else if (name === 'if') {
          f.params = bt.params.map(newV);
          moveTop(f.params);
          stack.length = f.height;
          for (const p of f.params) stack.push({ k: 'v', v: p });
          f.elseLabel = newLabel();
          const br = emit(K.BrIf, 'i32');
          br.a = cond;
          br.neg = true;
          br.off = f.elseLabel;
        }
        ctrl.push(f);
        break;
      }
      case 'else': {
        const f = cur;
        if (!f.unreachable) {
          moveTop(f.results);
          f.reached = true;
          jump(f.label);
        }
        label(f.elseLabel);
        f.hadElse = true;
        f.unreachable = false;
        stack.length = f.height;
        for (const p of f.params) stack.push({ k: 'v', v: p });
        break;
      }
      case 'end': {
        const f = cur;
        if (f.kind === 'func') {
          if (f.reached) {
            // Some branch targets the end: meet there, then return.
            if (!f.unreachable) moveTop(f.results);
            label(f.label);
            const r = emit(K.Ret, 'i32');
            r.args = f.results;
            r.a = resultBuf;
          } else if (!f.unreachable) doReturn();
          ctrl.pop();
          break;
        }
        ctrl.pop();
        if (f.kind === 'loop') {
          if (f.unreachable) {
            stack.length = f.height;
            ctrl[ctrl.length - 1].unreachable = true;
          }
          // Otherwise the results are already on the stack.
          break;
        }
        let fallsThrough = !f.unreachable;
        if (fallsThrough) moveTop(f.results);
        if (f.kind === 'if' && !f.hadElse) {
          // The missing else passes the parameters through as results.
          if (fallsThrough) jump(f.label);
          label(f.elseLabel);
          stack.length = f.height;
          for (const p of f.params) stack.push({ k: 'v', v: p });
          moveTop(f.results);
          fallsThrough = true;
        }
        label(f.label);
        stack.length = f.height;
        if (fallsThrough || f.reached) {
          for (const r of f.results) stack.push({ k: 'v', v: r });
        } else {
          ctrl[ctrl.length - 1].unreachable = true;
        }
        break;
      }
      case 'br':
        branch(ins.imm!);
        markUnreachable();
        break;
      case 'br_if': {
        const c = popV();
        const f = ctrl[ctrl.length - 1 - ins.imm!];
        const targets = branchTargets(f);
        if (f.kind !== 'loop') f.reached = true;
        if (targets.length === 0) {
          const br = emit(K.BrIf, 'i32');
          br.a = c;
          br.off = f.label;
        } else {
          const skip = newLabel();
          const br = emit(K.BrIf, 'i32');
          br.a = c;
          br.neg = true;
          br.off = skip;
          moveTop(targets);
          jump(f.label);
          label(skip);
        }
        break;
      }
      case 'br_table': {
        const idx = popV();
        const depths = ins.targets!;
        const bt = emit(K.BrTable, 'i32');
        bt.a = idx;
        bt.labels = [];
        const stubs: [number, number][] = [];
        for (const dd of depths) {
          const f = ctrl[ctrl.length - 1 - dd];
          if (f.kind !== 'loop') f.reached = true;
          if (branchTargets(f).length === 0) bt.labels.push(f.label);
          else {
            const s = newLabel();
            stubs.push([s, dd]);
            bt.labels.push(s);
          }
        }
        for (const [s, dd] of stubs) {
          label(s);
          branch(dd);
        }
        markUnreachable();
        break;
      }
      case 'return':
        doReturn();
        markUnreachable();
        break;
      default:
        fail(`${name} is not supported yet`);
    }
  };
  for (let pc = 0; pc < instrs.length; pc++) {
    const ins = instrs[pc];
    wasmOff = ins.offset;
    const name = opName(ins.op);
    const cur = ctrl[ctrl.length - 1];

    if (cur.unreachable) {
      // Dead code: skip to the else/end of the current frame (nested
      // blocks inside the dead code are skipped whole).
      if (name === 'block' || name === 'loop' || name === 'if') {
        skipDepth++;
        continue;
      }
      if (skipDepth > 0) {
        if (name === 'end') skipDepth--;
        continue;
      }
      if (name !== 'end' && name !== 'else') continue;
    }

    const d = descOf(ins.op);
    switch (d.kind) {
      case 'const': {
        // Float constants are their raw bits (unsigned), so NaN payloads survive.
        const val = d.ty === 'i32' ? BigInt(ins.imm! | 0) : d.ty === 'i64' ? BigInt.asIntN(64, ins.big!)
          : d.ty === 'f32' ? BigInt(ins.bits! >>> 0) : BigInt.asUintN(64, ins.big!);
        stack.push({ k: 'c', ty: d.ty, val });
        continue;
      }
      case 'bin': {
        let b = pop();
        let a = pop();
        if (isFloat(d.ty)) {
          // No immediates and no folding for floats (NaN bits and rounding stay the CPU's).
          const i = new Ins(K.Bin, d.ty, wasmOff);
          i.op = d.op;
          i.a = toV(a);
          i.b = toV(b);
          code.push(i);
          i.dst = pushNew(d.ty);
          continue;
        }
        if (a.k === 'c' && b.k === 'c') {
          const r = foldBin(d.ty, d.op, a.val, b.val);
          if (r !== null) {
            stack.push({ k: 'c', ty: d.ty, val: r });
            continue;
          }
        }
        if (a.k === 'c' && b.k !== 'c' && COMMUTATIVE.has(d.op)) [a, b] = [b, a];
        const i = new Ins(K.Bin, d.ty, wasmOff);
        i.op = d.op;
        i.a = toV(a);
        const divRem = d.op.startsWith('div') || d.op.startsWith('rem');
        // A constant divisor other than 0 and -1 can neither trap nor overflow.
        if (b.k === 'c' && fitsImm32(b.val) && (!divRem || (b.val !== 0n && b.val !== -1n))) i.imm = b.val;
        else i.b = toV(b);
        code.push(i);
        i.dst = pushNew(d.ty);
        continue;
      }
      case 'cmp':
      case 'eqz': {
        let b: Entry = d.kind === 'eqz' ? { k: 'c', ty: d.ty, val: 0n } : pop();
        let a = pop();
        let op = d.kind === 'eqz' ? 'eq' : d.op;
        if (isFloat(d.ty)) {
          const i = new Ins(K.Cmp, d.ty, wasmOff);
          i.op = op;
          i.a = toV(a);
          i.b = toV(b);
          code.push(i);
          i.dst = pushNew('i32');
          continue;
        }
        if (a.k === 'c' && b.k !== 'c') {
          [a, b] = [b, a];
          op = SWAPPED[op];
        }
        const i = new Ins(K.Cmp, d.ty, wasmOff);
        i.op = op;
        i.a = toV(a);
        if (b.k === 'c' && fitsImm32(b.val)) i.imm = b.val;
        else i.b = toV(b);
        code.push(i);
        i.dst = pushNew('i32');
        continue;
      }
      case 'un': {
        const a = popV();
        const i = emit(K.Un, d.ty);
        i.op = d.op;
        i.a = a;
        i.dst = pushNew(d.ty);
        continue;
      }
      case 'load': {
        const addr = pop();
        const i = new Ins(K.Load, d.ty, wasmOff);
        i.width = d.width;
        i.signed = d.signed;
        i.c = memBase;
        if (addr.k === 'c') i.off = Number(BigInt.asUintN(32, addr.val)) + ins.imm!;
        else {
          i.a = toV(addr);
          i.off = ins.imm!;
        }
        code.push(i);
        i.dst = pushNew(d.ty);
        continue;
      }
      case 'store': {
        const val = pop();
        const addr = pop();
        const i = new Ins(K.Store, d.ty, wasmOff);
        i.width = d.width;
        i.c = memBase;
        if (val.k === 'c' && fitsImm32(val.val)) i.imm = val.val;
        else i.b = toV(val);
        if (addr.k === 'c') i.off = Number(BigInt.asUintN(32, addr.val)) + ins.imm!;
        else {
          i.a = toV(addr);
          i.off = ins.imm!;
        }
        code.push(i);
        continue;
      }
      case 'other':
        break;
    }

    lowerOther(ins, name, cur);
  }

  return { name: symbol, index: funcIndex, params, results: funcFrame.resultTys, resultBuf, vtypes, code, nlabels, hasCalls };
}

/** The Wasm types of a function signature as IR types (for wrappers and calls). */
export function sigTys(ft: FuncType): { params: Ty[]; results: Ty[] } {
  return { params: ft.params.map(valTy), results: ft.results.map(valTy) };
}

