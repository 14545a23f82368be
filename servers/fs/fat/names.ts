// names.ts — file names: UTF-8 from clients, UTF-16 in long names, 8.3
// short names in code page 437, and the conversions between them.
//
// Names are arrays of UTF-16 code units in linear memory (at most 255).
// Lookups compare case-insensitively (ASCII and Latin-1 letters), as FAT
// does. A short name is the 11-byte on-disk form ("README  TXT").

import { E_BAD_NAME, E_NAME_TOO_LONG, fail } from "./errors";

export const MAX_NAME: u32 = 255;

// Code page 437, bytes 0x80..0xFF, for short names written by DOS.
const CP437_HIGH = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00A0";

// Decodes `len` bytes of UTF-8 at src into UTF-16 at dst (room for `max`
// units). The number of units, or E_BAD_NAME / E_NAME_TOO_LONG.
export function utf8Decode(src: usize, len: u32, dst: usize, max: u32): i32 {
  let n: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    let c = <u32>load<u8>(src + i);
    let extra: u32 = 0;
    if (c >= 0xF0 && c < 0xF8) { c &= 0x07; extra = 3; }
    else if (c >= 0xE0) { c &= 0x0F; extra = 2; if (c >= 0x10) return fail(E_BAD_NAME, "invalid UTF-8 in a name", i); }
    else if (c >= 0xC2) { c &= 0x1F; extra = 1; }
    else if (c >= 0x80) return fail(E_BAD_NAME, "invalid UTF-8 in a name", i);
    if (i + extra >= len + (extra > 0 ? 0 : 1)) return fail(E_BAD_NAME, "truncated UTF-8 in a name", i);
    for (let k: u32 = 1; k <= extra; k++) {
      const b = <u32>load<u8>(src + i + k);
      if ((b & 0xC0) != 0x80) return fail(E_BAD_NAME, "invalid UTF-8 in a name", i);
      c = (c << 6) | (b & 0x3F);
    }
    if ((extra == 2 && c < 0x800) || (extra == 3 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c < 0xE000)) {
      return fail(E_BAD_NAME, "invalid UTF-8 in a name", i);
    }
    i += extra + 1;
    if (c >= 0x10000) {
      if (n + 2 > max) return fail(E_NAME_TOO_LONG, "name longer than 255 UTF-16 units", n + 2);
      c -= 0x10000;
      store<u16>(dst + n * 2, <u16>(0xD800 | (c >> 10)));
      store<u16>(dst + n * 2 + 2, <u16>(0xDC00 | (c & 0x3FF)));
      n += 2;
    } else {
      if (n + 1 > max) return fail(E_NAME_TOO_LONG, "name longer than 255 UTF-16 units", n + 1);
      store<u16>(dst + n * 2, <u16>c);
      n++;
    }
  }
  return <i32>n;
}

// Encodes n UTF-16 units at src as UTF-8 at dst (room for 3 * n bytes);
// a lone surrogate becomes U+FFFD. The number of bytes.
export function utf8Encode(src: usize, n: u32, dst: usize): u32 {
  let o: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let c = <u32>load<u16>(src + i * 2);
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
      const d = <u32>load<u16>(src + i * 2 + 2);
      if (d >= 0xDC00 && d < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i++;
      }
    }
    if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
    if (c < 0x80) { store<u8>(dst + o++, <u8>c); }
    else if (c < 0x800) { store<u8>(dst + o++, <u8>(0xC0 | (c >> 6))); store<u8>(dst + o++, <u8>(0x80 | (c & 0x3F))); }
    else if (c < 0x10000) {
      store<u8>(dst + o++, <u8>(0xE0 | (c >> 12)));
      store<u8>(dst + o++, <u8>(0x80 | ((c >> 6) & 0x3F)));
      store<u8>(dst + o++, <u8>(0x80 | (c & 0x3F)));
    } else {
      store<u8>(dst + o++, <u8>(0xF0 | (c >> 18)));
      store<u8>(dst + o++, <u8>(0x80 | ((c >> 12) & 0x3F)));
      store<u8>(dst + o++, <u8>(0x80 | ((c >> 6) & 0x3F)));
      store<u8>(dst + o++, <u8>(0x80 | (c & 0x3F)));
    }
  }
  return o;
}

// Upper case of an ASCII or Latin-1 letter; other units unchanged.
export function upper(c: u32): u32 {
  if (c >= 0x61 && c <= 0x7A) return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  return c;
}

@inline function isLower(c: u32): bool { return (c >= 0x61 && c <= 0x7A); }
@inline function isUpperAscii(c: u32): bool { return (c >= 0x41 && c <= 0x5A); }

export function equalFold(a: usize, an: u32, b: usize, bn: u32): bool {
  if (an != bn) return false;
  for (let i: u32 = 0; i < an; i++) {
    if (upper(load<u16>(a + i * 2)) != upper(load<u16>(b + i * 2))) return false;
  }
  return true;
}

// Checks a name for a new entry: 1..255 units, no control characters or
// any of " * / : < > ? \ |, not "." or "..", no trailing dot or space.
export function checkLongName(p: usize, n: u32): i32 {
  if (n == 0) return fail(E_BAD_NAME, "empty name", 0);
  if (n > MAX_NAME) return fail(E_NAME_TOO_LONG, "name longer than 255 UTF-16 units", n);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u16>(p + i * 2);
    if (c < 0x20 || c == 0x22 || c == 0x2A || c == 0x2F || c == 0x3A || c == 0x3C || c == 0x3E || c == 0x3F || c == 0x5C || c == 0x7C || c == 0x7F) {
      return fail(E_BAD_NAME, "name contains a character FAT does not allow", c);
    }
  }
  const last = <u32>load<u16>(p + (n - 1) * 2);
  if (last == 0x2E || last == 0x20) return fail(E_BAD_NAME, "name ends in a dot or a space", last);
  return 0;
}

// A character allowed in a short name as it is (after upper-casing).
function shortChar(c: u32): bool {
  if (isUpperAscii(c) || (c >= 0x30 && c <= 0x39)) return true;
  return c == 0x24 || c == 0x25 || c == 0x27 || c == 0x2D || c == 0x5F || c == 0x40 || c == 0x7E ||
    c == 0x60 || c == 0x21 || c == 0x28 || c == 0x29 || c == 0x7B || c == 0x7D || c == 0x5E || c == 0x23 || c == 0x26;
}

export const SHORT_LOSSY: u32 = 0x100;   // makeShort: characters lost, needs a ~N tail and a long name
export const SHORT_MIXED: u32 = 0x200;   // makeShort: mixed case, needs a long name
export const CASE_BASE_LOWER: u32 = 0x08; // NT flags (entry byte 12)
export const CASE_EXT_LOWER: u32 = 0x10;

// Fills one part (base or extension) of a short name. Returns the flags.
function shortPart(p: usize, from: u32, to: u32, out: usize, room: u32): u32 {
  let k: u32 = 0, flags: u32 = 0, lower = false, upperSeen = false;
  for (let i = from; i < to; i++) {
    let c = <u32>load<u16>(p + i * 2);
    if (c == 0x20 || c == 0x2E) { flags |= SHORT_LOSSY; continue; }
    if (isLower(c)) { lower = true; c -= 32; } else if (isUpperAscii(c)) upperSeen = true;
    if (!shortChar(c)) { c = 0x5F; flags |= SHORT_LOSSY; }
    if (k == room) { flags |= SHORT_LOSSY; break; }
    store<u8>(out + k++, <u8>c);
  }
  if (lower && upperSeen) flags |= SHORT_MIXED;
  else if (lower) flags |= CASE_BASE_LOWER;
  return flags;
}

// Makes the 11-byte short name for a long name. The result has SHORT_LOSSY
// when characters were dropped or replaced (a long-name entry is needed and
// a ~N tail should make it unique), SHORT_MIXED when only the case cannot
// be kept (a long-name entry, no tail), and otherwise the NT case flags for
// a base or extension that is all lower case.
export function makeShort(p: usize, n: u32, out: usize): u32 {
  memory.fill(out, 0x20, 11);
  let dot: i32 = -1;
  for (let i = <i32>n - 1; i > 0; i--) {
    if (load<u16>(p + i * 2) == 0x2E) { dot = i; break; }
  }
  const baseEnd = dot < 0 ? n : <u32>dot;
  let flags = shortPart(p, 0, baseEnd, out, 8);
  if (dot >= 0) {
    const f = shortPart(p, <u32>dot + 1, n, out + 8, 3);
    flags |= (f & (SHORT_LOSSY | SHORT_MIXED)) | ((f & CASE_BASE_LOWER) ? CASE_EXT_LOWER : 0);
    if (<u32>dot + 1 == n) flags |= SHORT_LOSSY;
  }
  if (load<u8>(out) == 0x20) { store<u8>(out, 0x5F); flags |= SHORT_LOSSY; }
  if (flags & (SHORT_LOSSY | SHORT_MIXED)) flags &= ~(CASE_BASE_LOWER | CASE_EXT_LOWER);
  return flags;
}

// Puts the tail ~n (1 <= n <= 999999) into the base of a short name.
export function addTail(out: usize, n: u32): void {
  let digits: u32 = 1;
  for (let t = n; t >= 10; t /= 10) digits++;
  let len: u32 = 0;
  while (len < 8 && load<u8>(out + len) != 0x20) len++;
  const keep = min(len, 7 - digits);
  store<u8>(out + keep, 0x7E);
  let t = n;
  for (let i: u32 = 0; i < digits; i++) {
    store<u8>(out + keep + digits - i, <u8>(0x30 + t % 10));
    t /= 10;
  }
  for (let i = keep + 1 + digits; i < 8; i++) store<u8>(out + i, 0x20);
}

// The checksum of a short name kept in each of its long-name entries.
export function shortChecksum(p: usize): u8 {
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + <u32>load<u8>(p + i)) & 0xFF;
  return <u8>sum;
}

@inline function cp437(b: u32): u32 {
  return b < 0x80 ? b : <u32>CP437_HIGH.charCodeAt(b - 0x80);
}

// The display form of a short name ("readme.txt" with NT case flags) as
// UTF-16 at dst. The number of units.
export function shortToName(p: usize, ntcase: u32, dst: usize): u32 {
  let n: u32 = 0;
  let baseLen: u32 = 8;
  while (baseLen > 0 && load<u8>(p + baseLen - 1) == 0x20) baseLen--;
  for (let i: u32 = 0; i < baseLen; i++) {
    let b = <u32>load<u8>(p + i);
    if (i == 0 && b == 0x05) b = 0xE5;
    let c = cp437(b);
    if ((ntcase & CASE_BASE_LOWER) && isUpperAscii(c)) c += 32;
    store<u16>(dst + n++ * 2, <u16>c);
  }
  let extLen: u32 = 3;
  while (extLen > 0 && load<u8>(p + 8 + extLen - 1) == 0x20) extLen--;
  if (extLen > 0) {
    store<u16>(dst + n++ * 2, 0x2E);
    for (let i: u32 = 0; i < extLen; i++) {
      let c = cp437(<u32>load<u8>(p + 8 + i));
      if ((ntcase & CASE_EXT_LOWER) && isUpperAscii(c)) c += 32;
      store<u16>(dst + n++ * 2, <u16>c);
    }
  }
  return n;
}
