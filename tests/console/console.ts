// console.ts — runs the terminal library (servers/console/) in Node for the
// console tests: compiles tests/console/assembly/entry.ts with asc (stub
// runtime, as the servers use), and wraps it: write text, read the grid
// as text, read framebuffer pixels, make test fonts.

import { ascCompile, ROOT } from "../ascompile";
import { makeTsfont } from "../../tools/font/tsfont";
import type { PsfFont } from "../../tools/font/psf";

export { ROOT };

export function compileConsole(): Promise<Uint8Array> {
  return ascCompile("tests/console/assembly/entry.ts", ["--runtime", "stub", "--noAssert", "-O3", "--shrinkLevel", "1"]);
}

interface Exports {
  memory: WebAssembly.Memory;
  alloc(n: number): number;
  newFb(addr: number, pitch: number, w: number, h: number, bpp: number,
    rp: number, rs: number, gp: number, gs: number, bp: number, bs: number, font: number): number;
  newVga(addr: number, cols: number, rows: number): number;
  write(ptr: number, len: number): void;
  dump(out: number, cap: number): number;
  redraw(): void;
  cols(): number; rows(): number; cursorCol(): number; cursorRow(): number;
  cell(col: number, row: number): number;
  glyphOf(font: number, cp: number): number;
}

export interface FbFormat { bpp: number; red: [number, number]; green: [number, number]; blue: [number, number] }
export const XRGB8888: FbFormat = { bpp: 32, red: [16, 8], green: [8, 8], blue: [0, 8] };

export class Console {
  fb = 0;             // framebuffer or VGA buffer address
  pitch = 0;
  format: FbFormat = XRGB8888;
  private constructor(readonly ex: Exports) {}

  static async load(binary: Uint8Array): Promise<Console> {
    const { instance } = await WebAssembly.instantiate(binary as Uint8Array<ArrayBuffer>, {
      env: { abort: () => { throw new Error("abort in the console library"); } },
    });
    return new Console(instance.exports as unknown as Exports);
  }

  get mem(): Uint8Array { return new Uint8Array(this.ex.memory.buffer); }

  put(bytes: Uint8Array): number {
    const p = this.ex.alloc(bytes.length);
    this.mem.set(bytes, p);
    return p;
  }

  // A terminal on a width x height framebuffer (pitch: bytes per scan line,
  // default tight), with the TSFN font `font`.
  framebuffer(width: number, height: number, font: Uint8Array, format = XRGB8888, pitch = 0): number {
    this.format = format;
    this.pitch = pitch || width * (format.bpp / 8);
    this.fb = this.ex.alloc(this.pitch * height);
    const f = this.put(font);
    return this.ex.newFb(this.fb, this.pitch, width, height, format.bpp, ...format.red, ...format.green, ...format.blue, f);
  }

  vga(cols = 80, rows = 25): number {
    this.fb = this.ex.alloc(cols * rows * 2);
    return this.ex.newVga(this.fb, cols, rows);
  }

  write(s: string | Uint8Array): void {
    const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
    const p = this.put(bytes);
    this.ex.write(p, bytes.length);
  }

  // The grid as text, one line per row, trailing spaces dropped.
  text(): string {
    const cap = this.ex.cols() * this.ex.rows() * 4 + this.ex.rows();
    const out = this.ex.alloc(cap);
    const n = this.ex.dump(out, cap);
    return new TextDecoder().decode(this.mem.subarray(out, out + n));
  }

  // Rows of the text with the trailing empty ones dropped.
  lines(): string[] {
    const l = this.text().split("\n").slice(0, -1);
    while (l.length && l[l.length - 1] === "") l.pop();
    return l;
  }

  cursor(): [number, number] { return [this.ex.cursorCol(), this.ex.cursorRow()]; }

  // The framebuffer pixel at (x, y), as the raw pixel value.
  pixel(x: number, y: number): number {
    const bytes = this.format.bpp / 8, p = this.fb + y * this.pitch + x * bytes;
    const m = this.mem;
    return bytes === 4 ? (m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24)) >>> 0
      : bytes === 3 ? m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) : m[p] | (m[p + 1] << 8);
  }

  // The VGA word of cell (col, row): character | attribute << 8.
  vgaWord(col: number, row: number): number {
    const p = this.fb + (row * this.ex.cols() + col) * 2;
    return this.mem[p] | (this.mem[p + 1] << 8);
  }
}

// A made-up 8x16 font whose glyphs can be read back from the pixels: row 0
// of the glyph for code point c is c's low byte, row 1 is all set, the rest
// empty. It has ASCII 0x20-0x7E and U+2500; the fallback glyph is all 0x55.
export function probeFont(): Uint8Array {
  const glyphs: Uint8Array[] = [];
  const map = new Map<number, number>();
  const add = (cp: number, g: Uint8Array) => { map.set(cp, glyphs.length); glyphs.push(g); };
  add(0xfffd, new Uint8Array(16).fill(0x55));
  for (let c = 0x20; c <= 0x7e; c++) add(c, probeGlyph(c));
  add(0x2500, probeGlyph(0x2500));
  const font: PsfFont = { version: 2, width: 8, height: 16, bytesPerRow: 1, glyphs, map };
  return makeTsfont(font);
}

export function probeGlyph(cp: number): Uint8Array {
  const g = new Uint8Array(16);
  g[0] = cp & 0xff;
  g[1] = 0xff;
  return g;
}
