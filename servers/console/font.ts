// font.ts — glyph lookup in a console font in the TSFN format (made by
// tools/font/mkfont.ts from a distribution PSF font; `make font` writes it
// as AssemblyScript static data to build/console/font8x16.ts).
//
// Layout (little-endian, see tools/font/tsfont.ts): "TSFN", u8 width, u8
// height, u16 range count, u16 glyph count, u16 0; then per range u32 first
// code point, u16 count, u16 first glyph; then the glyphs, `height` bytes
// each, one byte per row, most significant bit leftmost. Glyph 0 is the
// fallback for code points the font does not have.

export const TSFN_MAGIC: u32 = 0x4E465354;

export class Font {
  width: i32;          // pixels, at most 8
  height: i32;         // pixels = bytes per glyph
  ranges: i32;
  glyphs: usize;       // address of glyph 0
  table: usize;        // address of the first range
  ascii: usize = 0;    // glyph address of ' ' when the first range is ASCII from 0x20

  // `addr`: the font's bytes in linear memory. A bad magic gives a 1x1
  // font of one blank glyph (a console that shows nothing beats a trap).
  constructor(public addr: usize) {
    const ok = load<u32>(addr) == TSFN_MAGIC;
    this.width = ok ? <i32>load<u8>(addr, 4) : 1;
    this.height = ok ? <i32>load<u8>(addr, 5) : 1;
    this.ranges = ok ? <i32>load<u16>(addr, 6) : 0;
    this.table = addr + 12;
    this.glyphs = ok ? addr + 12 + <usize>this.ranges * 8 : memory.data(8);
    if (this.ranges > 0 && load<u32>(this.table) == 0x20 && load<u16>(this.table, 4) >= 0x5F) {
      this.ascii = this.glyphs + <usize>load<u16>(this.table, 6) * <usize>this.height;
    }
  }

  // The address of the glyph for code point `cp` (the fallback glyph when
  // the font lacks it). Printable ASCII takes the fast path.
  glyph(cp: u32): usize {
    const h = <usize>this.height;
    if (this.ascii != 0 && cp - 0x20 < 0x5F) return this.ascii + <usize>(cp - 0x20) * h;
    for (let i = 0; i < this.ranges; i++) {
      const r = this.table + <usize>i * 8;
      const first = load<u32>(r);
      if (cp >= first && cp - first < <u32>load<u16>(r, 4)) {
        return this.glyphs + (<usize>load<u16>(r, 6) + <usize>(cp - first)) * h;
      }
    }
    return this.glyphs;
  }
}
