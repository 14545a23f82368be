// The backend's intermediate representation: one function as a linear list of
// three-address instructions over virtual registers (vregs), with labels and
// jumps in place of Wasm's structured control flow.
//
// Contract kept by every pass:
// - every vreg has one type (i32, i64, f32, f64) recorded in Func.vtypes;
// - a vreg that stands for a Wasm local may be defined many times, every other
//   vreg (a temporary of the operand stack) is defined before it is used on
//   every path that reaches the use;
// - `imm` replaces operand b where an instruction allows an immediate;
// - i32 values are kept zero-extended to 64 bits (x86 32-bit operations do so
//   by themselves), so an i32 can index memory without an extra instruction.

export type Ty = 'i32' | 'i64' | 'f32' | 'f64';

export enum K {
  Mov, // dst = a, or dst = imm
  Bin, // dst = a <op> (b | imm)
  Un, // dst = <op> a
  Cmp, // dst = (a <op> (b | imm)) ? 1 : 0           op is a condition
  Select, // dst = c != 0 ? a : b;  with `op` set: dst = (c <op> d) ? a : b
  Load, // dst = mem[a + off] (a = -1: absolute address off), width bytes, signed;
  //       c >= 0: the memory's base address is in vreg c (relocatable memory model)
  Store, // mem[a + off] = b | imm   (c: as for Load)
  GlobalGet, // dst = global[off]
  GlobalSet, // global[off] = a
  Label, // label number `off`
  Jmp, // goto label `off`
  BrIf, // if (a != 0) goto off;  with neg: if (a == 0) goto off
  BrCmp, // if (a <op> (b | imm)) goto off
  BrTable, // goto labels[a] (labels[last] when a is out of range)
  Call, // dsts = func(args);  off = function index
  Intrinsic, // dsts = x86 intrinsic `name`(args)
  Ret, // return args
  Trap, // trap with code `off`
  MemSize, // dst = memory size in pages
  MemGrow, // dst = memory.grow(a)
  Helper, // dst? = helper `name`(consts..., args...): an out-of-line routine of the module (module.ts)
  CallIndirect, // dsts = table[tbl][a](args), checked against type index `off`
  RefFunc, // dst = reference to function `off`
  TableGet, // dst = table[tbl][a]
  TableSet, // table[tbl][a] = b
  TableSize, // dst = size of table tbl
  MemBase, // dst = address of linear-memory byte 0 (relocatable memory model only; see Load)
}

/** The shared empty list of every Ins field below that an instruction does
 * not use (frozen: a pass must assign a new array, never push to it). Most
 * instructions have neither arguments nor results lists, and four arrays per
 * instruction were a large share of the backend's allocation. */
const NONE: never[] = Object.freeze([]) as never[];

export class Ins {
  dst = -1;
  a = -1;
  b = -1;
  c = -1;
  d = -1;
  imm: bigint | null = null;
  off = 0;
  width = 0;
  signed = false;
  neg = false;
  cty: Ty = 'i32'; // fused select: the type of the compared operands c and d
  op = '';
  name = '';
  args: number[] = NONE;
  dsts: number[] = NONE;
  labels: number[] = NONE;
  consts: string[] = NONE; // Helper: leading constant arguments (symbols or numbers)
  tbl = 0; // table index of table instructions and call_indirect
  constructor(
    public k: K,
    public ty: Ty,
    public wasmOff: number,
  ) {}
}

export interface Func {
  name: string; // the symbol
  index: number; // Wasm function index
  params: number[]; // vregs of the parameters, in order (the hidden result buffer last, if any)
  results: Ty[];
  resultBuf: number; // vreg of the hidden result-buffer parameter (several results), or -1
  vtypes: Ty[];
  code: Ins[];
  nlabels: number;
  hasCalls: boolean;
}

export function isFloat(t: Ty): boolean {
  return t === 'f32' || t === 'f64';
}

/** Vregs an instruction reads, in operand order. */
export function uses(i: Ins): number[] {
  const u: number[] = [];
  if (i.a >= 0) u.push(i.a);
  if (i.b >= 0) u.push(i.b);
  if (i.c >= 0) u.push(i.c);
  if (i.d >= 0) u.push(i.d);
  for (const x of i.args) u.push(x);
  return u;
}

/** Vregs an instruction writes. */
export function defs(i: Ins): number[] {
  if (i.dst >= 0) return [i.dst];
  return i.dsts;
}

/** uses() and defs() without a new array, for the passes' inner loops. */
export function forEachUse(i: Ins, f: (v: number) => void) {
  if (i.a >= 0) f(i.a);
  if (i.b >= 0) f(i.b);
  if (i.c >= 0) f(i.c);
  if (i.d >= 0) f(i.d);
  const args = i.args;
  for (let k = 0; k < args.length; k++) f(args[k]);
}
export function forEachDef(i: Ins, f: (v: number) => void) {
  if (i.dst >= 0) f(i.dst);
  else {
    const dsts = i.dsts;
    for (let k = 0; k < dsts.length; k++) f(dsts[k]);
  }
}

/** Instructions after which control never falls through. */
export function endsFlow(i: Ins): boolean {
  return i.k === K.Jmp || i.k === K.BrTable || i.k === K.Ret || i.k === K.Trap;
}

/** Instructions that call out of the function and so clobber caller-saved registers. */
export function clobbersCallerSaved(i: Ins): boolean {
  return i.k === K.Call || i.k === K.CallIndirect || i.k === K.MemGrow || i.k === K.Helper;
}

// Conditions. Integer: eq ne lt_s ... ge_u. Float: eq ne lt gt le ge, which
// are false when an operand is NaN (ne: true), and their negations nlt ngt
// nle nge, which are true then: "not (a < b)" is not "a >= b" for floats.
const INVERSE: Record<string, string> = {
  eq: 'ne', ne: 'eq',
  lt_s: 'ge_s', ge_s: 'lt_s', gt_s: 'le_s', le_s: 'gt_s',
  lt_u: 'ge_u', ge_u: 'lt_u', gt_u: 'le_u', le_u: 'gt_u',
  lt: 'nlt', gt: 'ngt', le: 'nle', ge: 'nge', nlt: 'lt', ngt: 'gt', nle: 'le', nge: 'ge',
};

/** The condition that holds exactly when `cc` does not (NaN included). */
export function invertCond(cc: string): string {
  const r = INVERSE[cc];
  if (!r) throw new Error(`no inverse for condition ${cc}`);
  return r;
}

/** Text form of one instruction, for --dump. */
export function show(i: Ins): string {
  const v = (x: number) => `v${x}`;
  const b = i.imm !== null ? String(i.imm) : v(i.b);
  const addr = () => `[${i.c >= 0 ? v(i.c) + ':' : ''}${i.a >= 0 ? `${v(i.a)}+${i.off}` : i.off}]`;
  switch (i.k) {
    case K.Mov: return `${v(i.dst)} = ${i.imm !== null ? i.ty + ' ' + i.imm : v(i.a)}`;
    case K.Bin: return `${v(i.dst)} = ${i.ty}.${i.op} ${v(i.a)}, ${b}`;
    case K.Un: return `${v(i.dst)} = ${i.op} ${v(i.a)}`;
    case K.Cmp: return `${v(i.dst)} = ${i.ty}.${i.op} ${v(i.a)}, ${b}`;
    case K.Select:
      return i.op
        ? `${v(i.dst)} = ${v(i.c)} ${i.op} ${v(i.d)} ? ${v(i.a)} : ${v(i.b)}`
        : `${v(i.dst)} = ${v(i.c)} ? ${v(i.a)} : ${v(i.b)}`;
    case K.Load: return `${v(i.dst)} = load${i.width * 8}${i.signed ? 's' : ''} ${addr()}`;
    case K.Store: return `store${i.width * 8} ${addr()}, ${b}`;
    case K.GlobalGet: return `${v(i.dst)} = global${i.off}`;
    case K.GlobalSet: return `global${i.off} = ${v(i.a)}`;
    case K.Label: return `L${i.off}:`;
    case K.Jmp: return `jmp L${i.off}`;
    case K.BrIf: return `br_${i.neg ? 'z' : 'nz'} ${v(i.a)}, L${i.off}`;
    case K.BrCmp: return `br ${i.ty}.${i.op} ${v(i.a)}, ${b}, L${i.off}`;
    case K.BrTable: return `br_table ${v(i.a)}, [${i.labels.map((l) => 'L' + l).join(' ')}]`;
    case K.Call: return `${i.dsts.map(v).join(', ')}${i.dsts.length ? ' = ' : ''}call f${i.off}(${i.args.map(v).join(', ')})`;
    case K.Intrinsic: return `${i.dsts.map(v).join(', ')}${i.dsts.length ? ' = ' : ''}x86.${i.name}(${i.args.map(v).join(', ')})`;
    case K.Ret: return `ret ${i.args.map(v).join(', ')}`;
    case K.Trap: return `trap ${i.off}`;
    case K.MemSize: return `${v(i.dst)} = memory.size`;
    case K.MemGrow: return `${v(i.dst)} = memory.grow ${v(i.a)}`;
    case K.Helper: return `${i.dst >= 0 ? v(i.dst) + ' = ' : ''}${i.name}(${[...i.consts, ...i.args.map(v)].join(', ')})`;
    case K.CallIndirect: return `${i.dsts.map(v).join(', ')}${i.dsts.length ? ' = ' : ''}call_indirect table${i.tbl}[${v(i.a)}] type${i.off}(${i.args.map(v).join(', ')})`;
    case K.RefFunc: return `${v(i.dst)} = ref.func f${i.off}`;
    case K.TableGet: return `${v(i.dst)} = table${i.tbl}[${v(i.a)}]`;
    case K.TableSet: return `table${i.tbl}[${v(i.a)}] = ${v(i.b)}`;
    case K.TableSize: return `${v(i.dst)} = table.size ${i.tbl}`;
    case K.MemBase: return `${v(i.dst)} = memory.base`;
  }
}

export function showFunc(f: Func): string {
  const lines = [`function ${f.name} (${f.params.map((p) => `v${p}:${f.vtypes[p]}`).join(', ')}) -> (${f.results.join(', ')})`];
  for (const i of f.code) lines.push(i.k === K.Label ? show(i) : '  ' + show(i));
  return lines.join('\n') + '\n';
}
