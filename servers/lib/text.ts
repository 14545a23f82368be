// text.ts — small helpers for text held as bytes in linear memory (a
// pointer and a length), as the shell's command line and init's manifest
// are: compare with a string, parse numbers, test character classes.
// ASCII only; nothing allocates.

export const NOT_A_NUMBER: i64 = -1;

@inline export function isSpace(c: u32): bool { return c == 0x20 || c == 0x09; }
@inline export function isDigit(c: u32): bool { return c >= 0x30 && c <= 0x39; }
@inline export function isAlpha(c: u32): bool { return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A; }

// Do the n bytes at p spell s exactly?
export function bytesEq(p: usize, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<u32>load<u8>(p + <usize>i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

// Are the n bytes at p equal to the m bytes at q?
export function bytesEqBytes(p: usize, n: i32, q: usize, m: i32): bool {
  if (n != m) return false;
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) != load<u8>(q + <usize>i)) return false;
  return true;
}

// Do the n bytes at p start with s?
export function bytesStartWith(p: usize, n: i32, s: string): bool {
  if (n < s.length) return false;
  for (let i = 0; i < s.length; i++) if (<u32>load<u8>(p + <usize>i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

// The n bytes at p as an unsigned number: decimal, or hex after "0x";
// NOT_A_NUMBER if they are not one or it exceeds `max`.
export function parseNumber(p: usize, n: i32, max: u64 = 0x7FFF_FFFF_FFFF_FFFF): i64 {
  if (n <= 0) return NOT_A_NUMBER;
  let i = 0;
  let base: u64 = 10;
  if (n > 2 && load<u8>(p) == 0x30 && (load<u8>(p + 1) | 0x20) == 0x78) { base = 16; i = 2; }
  let v: u64 = 0;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    let d: u32;
    if (isDigit(c)) d = c - 0x30;
    else if (base == 16 && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
    else return NOT_A_NUMBER;
    if (v > (max - d) / base) return NOT_A_NUMBER;
    v = v * base + d;
  }
  return <i64>v;
}
