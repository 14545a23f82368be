// reader.ts: LEB128 integers by the spec's exact rules, fixed-size values,
// bounds, and UTF-8 names. Each case states the bytes and what they mean.

import { describe, expect, it } from 'vitest';
import { Reader, utf8Error } from '../../../toolchain/src/wasm/reader.js';
import { expectWasmError } from './helpers.js';

const rd = (...bytes: number[]) => new Reader(new Uint8Array(bytes));

describe('u32', () => {
  it('decodes minimal and padded encodings', () => {
    expect(rd(0x00).u32()).toBe(0);
    expect(rd(0x7f).u32()).toBe(127);
    expect(rd(0x80, 0x01).u32()).toBe(128);
    expect(rd(0xe5, 0x8e, 0x26).u32()).toBe(624485);
    expect(rd(0x82, 0x80, 0x80, 0x80, 0x00).u32()).toBe(2); // 5 bytes, padded
    expect(rd(0xff, 0xff, 0xff, 0xff, 0x0f).u32()).toBe(0xffffffff);
  });
  it('advances exactly over the encoding', () => {
    const r = rd(0x80, 0x01, 0x05);
    r.u32();
    expect(r.pos).toBe(2);
    expect(r.u32()).toBe(5);
  });
  it('rejects a 6th byte: integer representation too long', () => {
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(), { kind: 'malformed', reason: 'integer representation too long', offset: 0 });
  });
  it('rejects unused bits set in the 5th byte: integer too large', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), { kind: 'malformed', reason: 'integer too large' });
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x70).u32(), { reason: 'integer too large' });
  });
  it('rejects a truncated encoding at the end', () => {
    expectWasmError(() => rd(0x80, 0x80).u32(), { kind: 'malformed', reason: 'unexpected end', offset: 2 });
    expectWasmError(() => rd().u32(), { reason: 'unexpected end', offset: 0 });
  });
  it('respects a narrowed end (section or body)', () => {
    const r = new Reader(new Uint8Array([0x80, 0x01]), 0, 1);
    expectWasmError(() => r.u32(), { reason: 'unexpected end of section or function', offset: 1 });
  });
});

describe('s32', () => {
  it('decodes signs and padding', () => {
    expect(rd(0x00).s32()).toBe(0);
    expect(rd(0x7f).s32()).toBe(-1);
    expect(rd(0x3f).s32()).toBe(63);
    expect(rd(0x40).s32()).toBe(-64);
    expect(rd(0xc0, 0x00).s32()).toBe(64);
    expect(rd(0xff, 0x7f).s32()).toBe(-1); // padded -1
    expect(rd(0xff, 0xff, 0xff, 0xff, 0x07).s32()).toBe(0x7fffffff);
    expect(rd(0x80, 0x80, 0x80, 0x80, 0x78).s32()).toBe(-0x80000000);
    expect(rd(0xff, 0xff, 0xff, 0xff, 0x7f).s32()).toBe(-1);
  });
  it('requires the unused bits of the 5th byte to copy the sign', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), { reason: 'integer too large' }); // positive with bit 3 set
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x70).s32(), { reason: 'integer too large' }); // negative, bit 3 clear
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x4f).s32(), { reason: 'integer too large' });
  });
  it('rejects more than 5 bytes', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s32(), { reason: 'integer representation too long' });
  });
});

describe('s33 (block types)', () => {
  it('decodes the value-type bytes as negatives and type indices as non-negatives', () => {
    expect(rd(0x40).s33()).toBe(-64);
    expect(rd(0x7f).s33()).toBe(-1);
    expect(rd(0x05).s33()).toBe(5);
    expect(rd(0xff, 0xff, 0xff, 0xff, 0x0f).s33()).toBe(0xffffffff);
    expect(rd(0x80, 0x80, 0x80, 0x80, 0x70).s33()).toBe(-(2 ** 32));
  });
  it('requires bits 33..34 of the 5th byte to copy bit 32', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x1f).s33(), { reason: 'integer too large' });
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x2f).s33(), { reason: 'integer too large' });
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s33(), { reason: 'integer representation too long' });
  });
});

describe('s64', () => {
  it('decodes small, large and extreme values', () => {
    expect(rd(0x00).s64()).toBe(0n);
    expect(rd(0x7f).s64()).toBe(-1n);
    expect(rd(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00).s64()).toBe(0x7fffffffffffffffn);
    expect(rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64()).toBe(-0x8000000000000000n);
    expect(rd(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s64()).toBe(-1n);
    // 2^49 needs 8 bytes: past the fast path
    expect(rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).s64()).toBe(1n << 49n);
    expect(rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40).s64()).toBe(-(1n << 55n));
    expect(rd(0xc0, 0xbb, 0x78).s64()).toBe(-123456n);
  });
  it('requires the unused bits of the 10th byte to copy the sign', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).s64(), { reason: 'integer too large' });
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e).s64(), { reason: 'integer too large' });
    expectWasmError(() => rd(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s64(), { reason: 'integer representation too long' });
  });
});

describe('fixed-size values and views', () => {
  it('reads little-endian raw bits, keeping NaN payloads', () => {
    expect(rd(0x01, 0x00, 0xc0, 0x7f).u32le()).toBe(0x7fc00001);
    expect(rd(0x01, 0, 0, 0, 0, 0, 0xf8, 0xff).u64le()).toBe(0xfff8000000000001n);
  });
  it('checks bounds before reading', () => {
    expectWasmError(() => rd(1, 2, 3).u32le(), { reason: 'unexpected end', offset: 0 });
    expectWasmError(() => rd(1, 2, 3).view(4), { reason: 'unexpected end' });
  });
  it('refuses vector counts larger than the remaining bytes, before allocating', () => {
    expectWasmError(() => rd(0xff, 0xff, 0xff, 0xff, 0x0f).count(), { reason: 'unexpected end', offset: 0 });
    expect(rd(0x02, 0xaa, 0xbb).count()).toBe(2);
  });
});

describe('names (UTF-8)', () => {
  const enc = (s: string) => [...new TextEncoder().encode(s)];
  it('decodes ASCII, multi-byte text and a leading BOM', () => {
    expect(rd(3, ...enc('abc')).name()).toBe('abc');
    const s = 'kernel/main/kmain \u00e9\u4e2d\u{1f600}';
    expect(rd(enc(s).length, ...enc(s)).name()).toBe(s);
    expect(rd(3, 0xef, 0xbb, 0xbf).name()).toBe('\ufeff');
    const long = 'x'.repeat(300);
    expect(rd(...[0xac, 0x02], ...enc(long)).name()).toBe(long);
  });
  it('rejects overlong forms, surrogates, code points past U+10FFFF, bad continuations', () => {
    const bad = [
      [0xc0, 0x80], // overlong NUL
      [0xc1, 0xbf], // overlong
      [0xe0, 0x80, 0x80], // overlong 3-byte
      [0xed, 0xa0, 0x80], // U+D800
      [0xf0, 0x80, 0x80, 0x80], // overlong 4-byte
      [0xf4, 0x90, 0x80, 0x80], // > U+10FFFF
      [0xf5, 0x80, 0x80, 0x80],
      [0x80], // lone continuation
      [0xc2], // truncated
      [0xe2, 0x82], // truncated
      [0xc2, 0x41], // bad continuation
      [0xff],
    ];
    for (const b of bad) {
      expect(utf8Error(new Uint8Array(b), 0, b.length), b.join(',')).toBe(0);
      expectWasmError(() => rd(b.length, ...b).name(), { kind: 'malformed', reason: 'malformed UTF-8 encoding', offset: 1 });
    }
  });
  it('points at the first bad byte', () => {
    expectWasmError(() => rd(4, 0x61, 0x62, 0xc0, 0x80).name(), { reason: 'malformed UTF-8 encoding', offset: 3 });
  });
  it('rejects a length past the end', () => {
    expectWasmError(() => rd(5, 0x61).name(), { reason: 'unexpected end', offset: 0 });
  });
});
