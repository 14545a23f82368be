// fbscreen.ts — the Screen backend for a linear framebuffer (the one GRUB
// hands over in the multiboot2 framebuffer tag, type 1 "direct RGB").
//
// Geometry as multiboot2 reports it: the framebuffer's address (here: in
// our linear memory, where the console server maps it), pitch (bytes per
// scan line), width and height in pixels, bits per pixel (32, 24 or 16) and
// for each of red, green, blue its field position and size in bits. Cells
// are font.width x font.height pixels from the top left; pixels right of
// and below the last whole cell are left alone. Scrolling moves the pixel
// rows of all text lines but the first n with one copy (screen.ts copyBytes).

import { Font } from "./font";
import { copyBytes, Screen } from "./screen";
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

  constructor(g: FbGeometry, font: Font) {
    super();
    this.g = g;
    this.font = font;
    this.bytesPP = g.bpp == 16 ? 2 : g.bpp == 24 ? 3 : 4;
    this.cols = <i32>(g.width / <u32>font.width);
    this.rows = <i32>(g.height / <u32>font.height);
    this.lineBytes = <usize>g.pitch * <usize>font.height;
    for (let i = 0; i < 16; i++) this.colors[i] = packRgb(g, paletteRgb(i));
  }

  @inline private cellAddr(col: i32, row: i32): usize {
    return this.g.addr + <usize>row * this.lineBytes + <usize>col * <usize>this.font.width * <usize>this.bytesPP;
  }

  drawCell(col: i32, row: i32, cell: u32): void {
    if (<u32>col >= <u32>this.cols || <u32>row >= <u32>this.rows) return;
    const glyph = this.font.glyph(cellCp(cell));
    const fg = unchecked(this.colors[cellFg(cell)]);
    const bg = unchecked(this.colors[cellBg(cell)]);
    const w = this.font.width, h = this.font.height, pitch = <usize>this.g.pitch;
    let p = this.cellAddr(col, row);
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

  fillCells(col: i32, row: i32, count: i32, blank: u32): void {
    if (<u32>row >= <u32>this.rows || col >= this.cols || count <= 0) return;
    if (col + count > this.cols) count = this.cols - col;
    this.fillPixels(this.cellAddr(col, row), <u32>(count * this.font.width), <u32>this.font.height, unchecked(this.colors[cellBg(blank)]));
  }

  scrollUp(n: i32, blank: u32): void {
    if (n <= 0) return;
    if (n > this.rows) n = this.rows;
    const keep = this.rows - n;
    if (keep > 0) copyBytes(this.g.addr, this.g.addr + <usize>n * this.lineBytes, <usize>keep * this.lineBytes);
    for (let r = keep; r < this.rows; r++) this.fillCells(0, r, this.cols, blank);
  }

  // Fill a rectangle of w x h pixels whose top left pixel is at `p`.
  private fillPixels(p: usize, w: u32, h: u32, c: u32): void {
    const rowBytes = <usize>w * <usize>this.bytesPP;
    // Fill the first scan line, then copy it down.
    if (this.bytesPP == 4) {
      for (let x: u32 = 0; x < w; x++) store<u32>(p + (<usize>x << 2), c);
    } else if (this.bytesPP == 2) {
      for (let x: u32 = 0; x < w; x++) store<u16>(p + (<usize>x << 1), <u16>c);
    } else {
      for (let x: u32 = 0; x < w; x++) { store<u16>(p + <usize>x * 3, <u16>c); store<u8>(p + <usize>x * 3, <u8>(c >> 16), 2); }
    }
    for (let y: u32 = 1; y < h; y++) copyBytes(p + <usize>y * <usize>this.g.pitch, p, rowBytes);
  }
}
