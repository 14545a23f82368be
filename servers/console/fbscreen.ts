// fbscreen.ts — the Screen backend for a linear framebuffer (the one GRUB
// hands over in the multiboot2 framebuffer tag, type 1 "direct RGB").
//
// Geometry as multiboot2 reports it: the framebuffer's address (here: in
// our linear memory, where the console server maps it), pitch (bytes per
// scan line), width and height in pixels, bits per pixel (32, 24 or 16) and
// for each of red, green, blue its field position and size in bits. Cells
// are font.width x font.height pixels from the top left; pixels right of
// and below the last whole cell are left alone.
//
// The common case, 32 bits per pixel and an 8-pixel-wide font, draws a
// glyph row as four 64-bit stores of precomputed pixel pairs: for the
// current foreground/background pair, `quads` holds the four pixels of
// each of the 16 nibbles of a glyph row (16 bytes each), made again only
// when the colours change. Other formats go pixel by pixel. Nothing is
// ever read from the framebuffer (screen.ts).

import { Font } from "./font";
import { Screen } from "./screen";
import { cellBg, cellCp, cellFg, paletteRgb } from "./colors";

export class FbGeometry {
  addr: usize = 0;
  pitch: u32 = 0;
  width: u32 = 0;
  height: u32 = 0;
  bpp: u32 = 32;
  redPos: u32 = 16; redSize: u32 = 8;
  greenPos: u32 = 8; greenSize: u32 = 8;
  bluePos: u32 = 0; blueSize: u32 = 8;
}

// 0xRRGGBB packed into the framebuffer's pixel format.
export function packRgb(g: FbGeometry, rgb: u32): u32 {
  const r = (rgb >> 16) & 0xFF, gr = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
  return ((r >> (8 - min(g.redSize, 8))) << g.redPos)
    | ((gr >> (8 - min(g.greenSize, 8))) << g.greenPos)
    | ((b >> (8 - min(g.blueSize, 8))) << g.bluePos);
}

export class FbScreen extends Screen {
  g: FbGeometry;
  font: Font;
  bytesPP: u32;
  lineBytes: usize;                         // one text line: pitch * font height
  colors: StaticArray<u32> = new StaticArray<u32>(16);
  fast: bool;                               // 32 bpp and 8 pixels wide: the quads path
  quads: usize;                             // 16 nibbles x 4 pixels x 4 bytes
  quadsFg: u32 = 0xFFFF_FFFF;               // the colour numbers `quads` holds (none yet)
  quadsBg: u32 = 0xFFFF_FFFF;

  constructor(g: FbGeometry, font: Font) {
    super();
    this.g = g;
    this.font = font;
    this.bytesPP = g.bpp == 16 ? 2 : g.bpp == 24 ? 3 : 4;
    this.setSize(<i32>(g.width / <u32>font.width), <i32>(g.height / <u32>font.height));
    this.lineBytes = <usize>g.pitch * <usize>font.height;
    for (let i = 0; i < 16; i++) this.colors[i] = packRgb(g, paletteRgb(i));
    this.fast = this.bytesPP == 4 && font.width == 8;
    this.quads = heap.alloc(16 * 16);
  }

  @inline private cellAddr(col: i32, row: i32): usize {
    return this.g.addr + <usize>row * this.lineBytes + <usize>col * <usize>this.font.width * <usize>this.bytesPP;
  }

  // `quads` for colours fg on bg: nibble n's pixel x (0..3, left to right) is
  // fg when bit 3 - x of n is set.
  private makeQuads(fg: u32, bg: u32): void {
    const f = unchecked(this.colors[fg]), b = unchecked(this.colors[bg]);
    for (let n: u32 = 0; n < 16; n++) {
      const q = this.quads + (<usize>n << 4);
      for (let x: u32 = 0; x < 4; x++) store<u32>(q + (<usize>x << 2), n & (8 >> x) ? f : b);
    }
    this.quadsFg = fg;
    this.quadsBg = bg;
  }

  drawCell(col: i32, row: i32, cell: u32): void {
    if (<u32>col >= <u32>this.cols || <u32>row >= <u32>this.rows) return;
    const glyph = this.font.glyph(cellCp(cell));
    const h = this.font.height, pitch = <usize>this.g.pitch;
    let p = this.cellAddr(col, row);
    if (this.fast) {
      const fgN = cellFg(cell), bgN = cellBg(cell);
      if (fgN != this.quadsFg || bgN != this.quadsBg) this.makeQuads(fgN, bgN);
      const quads = this.quads;
      for (let y = 0; y < h; y++, p += pitch) {
        const bits = <usize>load<u8>(glyph + <usize>y);
        const hi = quads + ((bits >> 4) << 4), lo = quads + ((bits & 15) << 4);
        store<u64>(p, load<u64>(hi));
        store<u64>(p, load<u64>(hi, 8), 8);
        store<u64>(p, load<u64>(lo), 16);
        store<u64>(p, load<u64>(lo, 8), 24);
      }
      return;
    }
    const fg = unchecked(this.colors[cellFg(cell)]);
    const bg = unchecked(this.colors[cellBg(cell)]);
    const w = this.font.width;
    for (let y = 0; y < h; y++, p += pitch) {
      const bits = <u32>load<u8>(glyph + <usize>y);
      if (this.bytesPP == 4) {
        for (let x = 0; x < w; x++) store<u32>(p + (<usize>x << 2), bits & (0x80 >> x) ? fg : bg);
      } else if (this.bytesPP == 2) {
        for (let x = 0; x < w; x++) store<u16>(p + (<usize>x << 1), <u16>(bits & (0x80 >> x) ? fg : bg));
      } else {
        for (let x = 0; x < w; x++) {
          const c = bits & (0x80 >> x) ? fg : bg, q = p + <usize>x * 3;
          store<u16>(q, <u16>c);
          store<u8>(q, <u8>(c >> 16), 2);
        }
      }
    }
  }
}
