// psf.ts — reads a Linux console font (PSF1 or PSF2, gzipped or not) into
// glyph bitmaps and the Unicode code points each glyph stands for.
//
// PSF1: magic 36 04, mode byte (0x01: 512 glyphs, 0x02/0x04: Unicode
// table), glyph height; glyphs are 8 pixels wide, one byte per row. Its
// Unicode table has, per glyph, u16 code points up to 0xFFFF (0xFFFE starts
// a sequence, which we skip).
// PSF2: magic 72 b5 4a 86, then u32 version, header size, flags (1: Unicode
// table), glyph count, bytes per glyph, height, width; rows are
// ceil(width/8) bytes. Its table has, per glyph, UTF-8 code points ending
// in 0xFF (0xFE starts a sequence).
// Without a table, glyph i stands for code point i.

import { gunzipSync } from "node:zlib";

export interface PsfFont {
  version: 1 | 2;
  width: number;
  height: number;
  bytesPerRow: number;
  glyphs: Uint8Array[];             // bytesPerRow * height bytes each, MSB = leftmost pixel
  map: Map<number, number>;         // code point -> glyph index (first glyph wins)
}

export function parsePsf(data: Uint8Array): PsfFont {
  if (data[0] === 0x1f && data[1] === 0x8b) data = new Uint8Array(gunzipSync(data));
  if (data[0] === 0x36 && data[1] === 0x04) return parsePsf1(data);
  if (data[0] === 0x72 && data[1] === 0xb5 && data[2] === 0x4a && data[3] === 0x86) return parsePsf2(data);
  throw new Error("not a PSF1 or PSF2 font (bad magic)");
}

function need(data: Uint8Array, end: number, what: string): void {
  if (end > data.length) throw new Error(`PSF truncated: ${what} ends at ${end}, file has ${data.length} bytes`);
}

function parsePsf1(data: Uint8Array): PsfFont {
  need(data, 4, "header");
  const mode = data[2], height = data[3];
  const count = mode & 0x01 ? 512 : 256;
  const glyphs: Uint8Array[] = [];
  need(data, 4 + count * height, "glyphs");
  for (let i = 0; i < count; i++) glyphs.push(data.slice(4 + i * height, 4 + (i + 1) * height));
  const map = new Map<number, number>();
  if (mode & 0x06) {
    let p = 4 + count * height, g = 0, seq = false;
    while (g < count && p + 1 < data.length) {
      const u = data[p] | (data[p + 1] << 8);
      p += 2;
      if (u === 0xffff) { g++; seq = false; }
      else if (u === 0xfffe) seq = true;
      else if (!seq && !map.has(u)) map.set(u, g);
    }
  } else {
    for (let i = 0; i < count; i++) map.set(i, i);
  }
  return { version: 1, width: 8, height, bytesPerRow: 1, glyphs, map };
}

function parsePsf2(data: Uint8Array): PsfFont {
  need(data, 32, "header");
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u32 = (o: number) => dv.getUint32(o, true);
  const headerSize = u32(8), flags = u32(12), count = u32(16), charSize = u32(20);
  const height = u32(24), width = u32(28);
  const bytesPerRow = Math.ceil(width / 8);
  if (charSize !== bytesPerRow * height) throw new Error(`PSF2: ${charSize} bytes per glyph, expected ${bytesPerRow * height}`);
  need(data, headerSize + count * charSize, "glyphs");
  const glyphs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) glyphs.push(data.slice(headerSize + i * charSize, headerSize + (i + 1) * charSize));
  const map = new Map<number, number>();
  if (flags & 1) {
    let p = headerSize + count * charSize, g = 0, seq = false;
    while (g < count && p < data.length) {
      const b = data[p];
      if (b === 0xff) { g++; seq = false; p++; continue; }
      if (b === 0xfe) { seq = true; p++; continue; }
      const [cp, len] = utf8At(data, p);
      p += len;
      if (!seq && !map.has(cp)) map.set(cp, g);
    }
  } else {
    for (let i = 0; i < count; i++) map.set(i, i);
  }
  return { version: 2, width, height, bytesPerRow, glyphs, map };
}

// One UTF-8 sequence at p: [code point, length]. Bad bytes count as U+FFFD.
function utf8At(d: Uint8Array, p: number): [number, number] {
  const b = d[p];
  const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (len === 0 || p + len > d.length) return [0xfffd, 1];
  if (len === 1) return [b, 1];
  let cp = b & (0x7f >> len);
  for (let i = 1; i < len; i++) cp = (cp << 6) | (d[p + i] & 0x3f);
  return [cp, len];
}

// The glyph's pixel at (x, y): true when set.
export function pixel(font: PsfFont, glyph: Uint8Array, x: number, y: number): boolean {
  return (glyph[y * font.bytesPerRow + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
}
