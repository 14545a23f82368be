// A cursor over the module's bytes: fixed-size values, LEB128 integers with
// the spec's exact rules, and UTF-8 names.
//
// Contract: reads never go past `end` (the end of the current section or
// function body, which the decoder narrows and restores); any read that
// would, and any encoding the spec forbids, throws a malformed WasmError at
// the offset where the value starts. No read allocates except name(),
// s64()/f64bits() (a bigint) and the byte views handed out by view().
//
// LEB128 rules (spec 5.2.2): an N-bit integer takes at most ceil(N/7) bytes
// ("integer representation too long" otherwise), and the bits of the last
// byte beyond N must be zero for unsigned and copies of the sign bit for
// signed integers ("integer too large" otherwise).

import { malformed } from './errors.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export class Reader {
  /** Function index to attach to errors while reading a body. */
  funcIndex: number | undefined = undefined;

  constructor(readonly bytes: Uint8Array, public pos = 0, public end = bytes.length) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  /** A malformed-module error at `at` (default: the current position). */
  fail(reason: string, at: number = this.pos): never {
    throw malformed(reason, at, this.funcIndex);
  }

  private truncated(at: number): never {
    this.fail(this.end === this.bytes.length ? 'unexpected end' : 'unexpected end of section or function', at);
  }

  u8(): number {
    const p = this.pos;
    if (p >= this.end) this.truncated(p);
    this.pos = p + 1;
    return this.bytes[p];
  }

  /** Fails unless n more bytes are available. */
  need(n: number, at: number = this.pos): void {
    if (n > this.end - this.pos) this.truncated(at);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A view (not a copy) of the next n bytes. */
  view(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  u32(): number {
    const p = this.pos;
    if (p < this.end) {
      const b = this.bytes[p];
      if (b < 0x80) { this.pos = p + 1; return b; }
    }
    return this.u32slow(p);
  }

  private u32slow(start: number): number {
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return result >>> 0;
    }
    const b = this.u8();
    if (b & 0x80) this.fail('integer representation too long', start);
    if (b & 0x70) this.fail('integer too large', start);
    return (result | (b << 28)) >>> 0;
  }

  s32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        const shift = 7 * (i + 1);
        return b & 0x40 ? result | (-1 << shift) : result;
      }
    }
    const b = this.u8();
    if (b & 0x80) this.fail('integer representation too long', start);
    const top = b & 0x78; // bit 3 is the sign (bit 31); bits 4..6 must copy it
    if (top !== 0 && top !== 0x78) this.fail('integer too large', start);
    return result | (b << 28);
  }

  /** A signed 33-bit integer (block types), as a number in [-2^32, 2^32). */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return b & 0x40 ? result - scale : result;
    }
    const b = this.u8();
    if (b & 0x80) this.fail('integer representation too long', start);
    const top = b & 0x70; // bit 4 is the sign (bit 32); bits 5..6 must copy it
    if (top !== 0 && top !== 0x70) this.fail('integer too large', start);
    result += (b & 0x1f) * scale;
    return b & 0x10 ? result - 2 ** 33 : result;
  }

  /** A signed 64-bit integer. Values that fit in 7 bytes avoid bigint arithmetic. */
  s64(): bigint {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return BigInt(b & 0x40 ? result - scale : result);
    }
    // 49 bits so far, exact in a double; continue in bigint.
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 9; i++) {
      const b = this.u8();
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) return BigInt.asIntN(64, b & 0x40 ? big - (1n << shift) : big);
    }
    const b = this.u8();
    if (b & 0x80) this.fail('integer representation too long', start);
    const top = b & 0x7f; // bit 0 is the sign (bit 63); bits 1..6 must copy it
    if (top !== 0 && top !== 0x7f) this.fail('integer too large', start);
    big |= BigInt(b & 1) << 63n;
    return BigInt.asIntN(64, big);
  }

  /** Four little-endian bytes as an unsigned 32-bit number. */
  u32le(): number {
    this.need(4);
    const p = this.pos, a = this.bytes;
    this.pos = p + 4;
    return (a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24)) >>> 0;
  }

  /** Eight little-endian bytes as an unsigned 64-bit bigint. */
  u64le(): bigint {
    this.need(8);
    const lo = this.u32le();
    const hi = this.u32le();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A vector length: the count must be plausible, i.e. at most one element
   * per remaining byte times `minBytes`, so huge counts fail before anything
   * is allocated. */
  count(minBytes = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (n * minBytes > this.end - this.pos) this.truncated(at);
    return n;
  }

  /** A name: a byte vector that must be valid UTF-8. */
  name(): string {
    const at = this.pos;
    const len = this.u32();
    this.need(len, at);
    const p = this.pos;
    const end = p + len;
    const a = this.bytes;
    let ascii = true;
    for (let i = p; i < end; i++) {
      if (a[i] >= 0x80) { ascii = false; break; }
    }
    this.pos = end;
    if (ascii) {
      if (len <= 64) {
        let s = '';
        for (let i = p; i < end; i++) s += String.fromCharCode(a[i]);
        return s;
      }
      return utf8.decode(a.subarray(p, end));
    }
    const bad = utf8Error(a, p, end);
    if (bad >= 0) this.fail('malformed UTF-8 encoding', bad);
    return utf8.decode(a.subarray(p, end));
  }
}

/** Offset of the first byte of [p, end) that breaks UTF-8 (Unicode 3.9,
 * table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or -1. */
export function utf8Error(a: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const b = a[p];
    if (b < 0x80) { p++; continue; }
    let n: number, lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return p;
    if (p + n >= end) return p; // the sequence runs past the end
    const c1 = a[p + 1];
    if (c1 < lo || c1 > hi) return p;
    for (let k = 2; k <= n; k++) {
      const c = a[p + k];
      if (c < 0x80 || c > 0xbf) return p;
    }
    p += n + 1;
  }
  return -1;
}
