// AssemblyScript programs for the differential test against V8
// (tests/toolchain/codegen/as.test.ts): i64 arithmetic, float math from
// AssemblyScript's standard library, strings, arrays with comparators
// (call_indirect), classes with virtual methods, switch (br_table), maps.
// Every export takes arbitrary arguments and stays small for any of them.

export function fib64(n: i32): i64 {
  let a: i64 = 0, b: i64 = 1;
  for (let i = 0; i < (n & 127); i++) {
    const t = a + b;
    a = b;
    b = t;
  }
  return a;
}

export function collatz(n: u64): i32 {
  let steps = 0;
  let x = n | 1;
  while (x != 1 && steps < 5000) {
    x = x & 1 ? 3 * x + 1 : x >> 1;
    steps++;
  }
  return steps;
}

export function gcd(a: i64, b: i64): i64 {
  let x = a < 0 ? -a : a, y = b < 0 ? -b : b;
  while (y != 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function bits(x: u64): i64 {
  return (<i64>clz(x) << 48) | (<i64>ctz(x) << 32) | (<i64>popcnt(x) << 16) | <i64>(rotl<u64>(x, 13) ^ rotr<u64>(x, 7)) & 0xffff;
}

export function mix32(a: u32, b: u32): u32 {
  let h = a ^ 0x9e3779b9;
  for (let i = 0; i < 8; i++) {
    h = (h ^ (h >>> 16)) * 0x85ebca6b;
    h = rotl<u32>(h, <u32>i + (b & 7)) + b;
    h ^= <u32>(<u64>h * <u64>b >> 32);
  }
  return h;
}

export function mulhi(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const t = a1 * b0 + ((a0 * b0) >> 32);
  const w1 = (t & 0xffffffff) + a0 * b1;
  return a1 * b1 + (t >> 32) + (w1 >> 32);
}

export function mathf(x: f64): f64 {
  if (!isFinite(x)) return x;
  const y = x - Math.floor(x / 1000) * 1000;
  return Math.sin(y) * Math.exp(-Math.abs(y) / 100) + Math.sqrt(Math.abs(y)) - Math.log1p(Math.abs(y)) + Math.pow(1.0001, y) + Math.atan2(y, 3) + Math.cbrt(y);
}

export function poly32(x: f32): f32 {
  let r: f32 = 0;
  const c: f32[] = [1.5, -2.25, 0.125, 3.0, -0.5];
  for (let i = 0; i < c.length; i++) r = r * x + c[i];
  return Mathf.min(r, Mathf.max(-x, x * 0.5)) + nearest<f32>(x) + Mathf.trunc(x) + copysign<f32>(1, x) + Mathf.round(x);
}

export function convert(x: f64): i64 {
  // saturating conversions (nontrapping-f2i is on by default)
  return <i64>(<i32>x) + <i64>(<u32>x) + <i64>x + <i64>(<u64>x) + <i64>(<i8>x);
}

export function strings(n: i32): i32 {
  let s = "";
  const m = n & 63;
  for (let i = 0; i < m; i++) s += (i * 7919).toString() + ",";
  let h = s.length;
  for (let i = 0; i < s.length; i++) h = h * 31 + s.charCodeAt(i);
  const parts = s.split(",");
  return h ^ parts.length ^ (s.includes("79") ? 1 << 20 : 0) ^ s.lastIndexOf("1");
}

export function sortf(n: i32, seed: u32): f64 {
  const a = new Array<f64>(n & 255);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = s * 1103515245 + 12345;
    a[i] = <f64>(s >>> 8) / 1000.0 - 8000.0;
  }
  a.sort((x: f64, y: f64): i32 => (x < y ? -1 : x > y ? 1 : 0));
  let r = 0.0;
  for (let i = 0; i < a.length; i++) r = r * 0.5 + a[i];
  return r;
}

export function sorti(n: i32, seed: u32): i32 {
  const a = new Int32Array(n & 511);
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = <i32>s;
  }
  a.sort();
  let h = 0;
  for (let i = 0; i < a.length; i++) h = h * 17 + a[i];
  return h;
}

abstract class Shape {
  abstract area(): f64;
  scale(k: f64): f64 {
    return this.area() * k;
  }
}
class Circle extends Shape {
  constructor(public r: f64) { super(); }
  area(): f64 { return 3.141592653589793 * this.r * this.r; }
}
class Rect extends Shape {
  constructor(public w: f64, public h: f64) { super(); }
  area(): f64 { return this.w * this.h; }
}
class Square extends Rect {
  constructor(s: f64) { super(s, s); }
  area(): f64 { return super.area() + 0.5; }
}

export function shapes(n: i32, x: f64): f64 {
  const list: Shape[] = [];
  for (let i = 0; i < (n & 31); i++) {
    const k = i % 3;
    list.push(k == 0 ? new Circle(x + i) : k == 1 ? <Shape>new Rect(x, i) : new Square(i - x));
  }
  let sum = 0.0;
  for (let i = 0; i < list.length; i++) sum += list[i].scale(0.25);
  return sum;
}

function add(a: i32, b: i32): i32 { return a + b; }
function sub(a: i32, b: i32): i32 { return a - b; }
function mul(a: i32, b: i32): i32 { return a * b; }
function xor(a: i32, b: i32): i32 { return a ^ b; }
const OPS: ((a: i32, b: i32) => i32)[] = [add, sub, mul, xor];

export function indirect(a: i32, b: i32): i32 {
  let r = a;
  for (let i = 0; i < 16; i++) r = OPS[(b >>> (i * 2)) & 3](r, b + i);
  return r;
}

export function dispatch(op: i32, a: i64, b: i64): i64 {
  switch (op & 15) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a & b;
    case 4: return a | b;
    case 5: return a ^ b;
    case 6: return a << (b & 63);
    case 7: return a >> (b & 63);
    case 8: return <i64>(<u64>a >> <u64>(b & 63));
    case 9: return a < b ? a : b;
    case 10: return <i64>(a == b);
    case 11: return <i64>(<u64>a < <u64>b);
    case 12: return b != 0 && !(a == i64.MIN_VALUE && b == -1) ? a % b : 0;
    default: return ~a;
  }
}

export function maps(n: i32, seed: u32): i32 {
  const m = new Map<i32, i32>();
  let s = seed | 1;
  for (let i = 0; i < (n & 1023); i++) {
    s = s * 1664525 + 1013904223;
    const k = <i32>(s >>> 22);
    m.set(k, m.has(k) ? m.get(k) + i : i);
  }
  let h = m.size;
  const ks = m.keys();
  for (let i = 0; i < ks.length; i++) h = h * 31 + m.get(ks[i]);
  return h;
}

export function locals_pressure(a: i32, b: i32): i32 {
  // More live values than registers: spills and reloads.
  let x0 = a, x1 = b, x2 = a ^ b, x3 = a + 1, x4 = b - 1, x5 = a * 3, x6 = b * 5, x7 = a >> 1;
  let x8 = b << 2, x9 = a | 7, x10 = b & 0xff, x11 = ~a, x12 = a - b, x13 = b - a, x14 = a * b, x15 = a + b;
  for (let i = 0; i < 20; i++) {
    x0 += x15; x1 ^= x0; x2 += x1 * 3; x3 -= x2; x4 ^= x3 >>> 3; x5 += x4; x6 ^= x5 << 1; x7 += x6;
    x8 ^= x7; x9 += x8; x10 ^= x9 >> 2; x11 += x10; x12 ^= x11; x13 += x12; x14 ^= x13; x15 += x14 + i;
  }
  return x0 ^ x1 ^ x2 ^ x3 ^ x4 ^ x5 ^ x6 ^ x7 ^ x8 ^ x9 ^ x10 ^ x11 ^ x12 ^ x13 ^ x14 ^ x15;
}
