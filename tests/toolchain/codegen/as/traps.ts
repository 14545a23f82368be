// AssemblyScript programs that trap (tests/toolchain/codegen/as.test.ts):
// out-of-bounds memory, unreachable (also AssemblyScript's own checks, whose
// abort becomes `unreachable` with --use abort=), division by zero and
// overflow, float-to-integer conversions out of range (compiled with
// --disable nontrapping-f2i, so `<i32>x` is the trapping conversion), and
// stack exhaustion. Each function traps only for some arguments.

const scratch = memory.data(64);

export function load_at(addr: u32): i32 {
  return load<i32>(addr);
}

export function load_u8_offset(addr: u32): u32 {
  return load<u8>(addr, 65535);
}

export function store_load(addr: u32, v: i64): i64 {
  store<i64>(addr, v);
  return load<i64>(addr);
}

export function copy(dst: u32, src: u32, n: u32): u32 {
  memory.copy(dst, src, n & 0xffff);
  return load<u8>(dst);
}

export function fill(dst: u32, v: u8, n: u32): u32 {
  memory.fill(dst, v, n & 0x1ffff);
  return load<u32>(scratch);
}

export function grow(pages: u32): i32 {
  const old = memory.grow(pages & 3);
  if (old < 0) return -1;
  // The first byte of the new pages, the last byte before them.
  store<u8>(<usize>old << 16, 7);
  return old + load<u8>((<usize>old << 16) - 1);
}

export function div_s(a: i32, b: i32): i32 {
  return a / b;
}

export function rem_s(a: i32, b: i32): i32 {
  return a % b;
}

export function div_u64(a: u64, b: u64): u64 {
  return a / b;
}

export function div_s64(a: i64, b: i64): i64 {
  return a / b;
}

export function to_i32(x: f64): i32 {
  return <i32>x;
}

export function to_u32(x: f32): u32 {
  return <u32>x;
}

export function to_i64(x: f64): i64 {
  return <i64>x;
}

export function to_u64(x: f64): u64 {
  return <u64>x;
}

export function checked(x: i32): i32 {
  if (x > 1000) unreachable();
  return x * 3;
}

export function array_get(i: i32): i32 {
  const a: i32[] = [10, 20, 30, 40];
  return a[i]; // out of range: abort -> unreachable
}

export function typed_set(i: i32, v: f64): f64 {
  const a = new Float64Array(8);
  a[i] = v; // out of range: abort -> unreachable
  return a[i & 7];
}

export function str_at(i: i32): i32 {
  return "hello, world".charCodeAt(i); // NaN-free: -1 when out of range
}

function deep(n: i32): i32 {
  return n == 0x7fffffff ? 0 : deep(n + 1) + 1;
}

export function exhaust(n: i32): i32 {
  return n > 0 ? deep(n) : 0; // never returns for n > 0: call stack exhausted
}
