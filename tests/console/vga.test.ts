// vga.test.ts — the same terminal on the VGA text-mode backend
// (servers/console/vgascreen.ts), and the font reader (font.ts) on the real
// console font made by tools/font from the distribution's PSF.

import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePsf } from "../../tools/font/psf";
import { makeTsfont, tsfontGlyph } from "../../tools/font/tsfont";
import { compileConsole, Console } from "./console";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileConsole(); }, 60_000);

const ch = (w: number) => w & 0xff;
const attr = (w: number) => w >> 8;

describe("VGA text mode", () => {
  it("writes character and attribute words, VGA colour numbers", async () => {
    const c = await Console.load(binary);
    expect(c.vga()).toBe(80);
    c.write("Hi\x1b[31;44m!\x1b[0m");
    expect(ch(c.vgaWord(0, 0))).toBe(0x48);
    expect(attr(c.vgaWord(0, 0))).toBe(0x07);          // light grey on black
    expect(attr(c.vgaWord(2, 0))).toBe(0x14);          // red (VGA 4) on blue (VGA 1)
    expect(attr(c.vgaWord(3, 0))).toBe(0x70);          // the cursor: inverted
    expect(c.lines()).toEqual(["Hi!"]);
  });

  it("maps box drawing and Latin-1 to code page 437, the rest to '?'", async () => {
    const c = await Console.load(binary);
    c.vga();
    c.write("┌─┐é█€");
    expect([0, 1, 2, 3, 4, 5].map((i) => ch(c.vgaWord(i, 0)))).toEqual([0xda, 0xc4, 0xbf, 0x82, 0xdb, 0x3f]);
    expect(c.lines()).toEqual(["┌─┐é█€"]);               // the grid keeps the code points
  });

  it("scrolls, erases and edits lines as on the framebuffer", async () => {
    const c = await Console.load(binary);
    c.vga(40, 5);
    for (let i = 0; i < 8; i++) c.write(`line ${i}\n`);
    c.write("$ abc\x1b[2D\x1b[K\x1b[1;1H\x1b[2K");
    expect(c.lines()).toEqual(["", "line 5", "line 6", "line 7", "$ a"]);
    expect(ch(c.vgaWord(0, 1))).toBe(0x6c);
    expect(c.vgaWord(0, 0)).toBe(0x7020);               // the cursor, on an erased cell
    expect(c.vgaWord(1, 0)).toBe(0x0720);
  });
});

const PSF = "/usr/share/consolefonts/Uni2-VGA16.psf.gz";
describe.skipIf(!existsSync(PSF))("the real console font", () => {
  it("finds every glyph the converter wrote, the fallback for the rest", async () => {
    const c = await Console.load(binary);
    const tsf = makeTsfont(parsePsf(readFileSync(PSF)));
    const f = c.put(tsf);
    for (const cp of [0x20, 0x41, 0x7e, 0xe9, 0x2500, 0x2588, 0x4e00, 0x7f, 0x1f]) {
      const g = c.ex.glyphOf(f, cp);
      expect(Buffer.from(c.mem.subarray(g, g + 16)).equals(Buffer.from(tsfontGlyph(tsf, cp))), cp.toString(16)).toBe(true);
    }
  });

  it("draws 'A' on a framebuffer pixel for pixel", async () => {
    const c = await Console.load(binary);
    const tsf = makeTsfont(parsePsf(readFileSync(PSF)));
    c.framebuffer(640, 480, tsf);
    c.write("\x1b[?25lA");
    const glyph = tsfontGlyph(tsf, 0x41);
    let ink = 0;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 8; x++) {
        const on = (glyph[y] & (0x80 >> x)) !== 0;
        ink += on ? 1 : 0;
        expect(c.pixel(x, y), `(${x},${y})`).toBe(on ? 0xaaaaaa : 0);
      }
    }
    expect(ink).toBeGreaterThan(20);
  });

  it("a bad font draws nothing rather than trapping", async () => {
    const c = await Console.load(binary);
    expect(c.framebuffer(64, 32, new Uint8Array(16))).toBe(64);  // a 1x1 font
    c.write("x");
    expect(c.lines()[0]).toBe("x");
  });
});
