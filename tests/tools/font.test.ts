// font.test.ts — the console font conversion (tools/font/): the PSF1/PSF2
// reader on made-up fonts and on the distribution's Uni2-VGA16, the TSFN
// format made from it, and what `make font` wrote to build/console/.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parsePsf, pixel } from "../../tools/font/psf";
import { makeTsfont, TSFN_MAGIC, tsfontGlyph, tsfontToAssemblyScript } from "../../tools/font/tsfont";
import { ROOT } from "./usbtree";
import asc from "assemblyscript/asc";

const readFileOr = (path: string): string | null => (existsSync(path) ? readFileSync(path, "utf8") : null);

const PSF = "/usr/share/consolefonts/Uni2-VGA16.psf.gz";
const BUILT = join(ROOT, "build/console/font8x16");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// A PSF2 font: 3 glyphs, 8x4 (glyph i filled with i+1), Unicode table
// glyph 0: 'a' and U+00E9; glyph 1: a sequence only, then U+2500; glyph 2: none.
function psf2(): Uint8Array {
  const head = Buffer.alloc(32);
  [0x864ab572, 0, 32, 1, 3, 4, 4, 8].forEach((v, i) => head.writeUInt32LE(v, i * 4));
  const glyphs = Buffer.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  const table = Buffer.from([0x61, 0xc3, 0xa9, 0xff, 0xe2, 0x94, 0x80, 0xfe, 0x62, 0xcc, 0x81, 0xff, 0xff]);
  return new Uint8Array(Buffer.concat([head, glyphs, table]));
}

describe("PSF reader", () => {
  it("reads PSF2 with its UTF-8 Unicode table, skipping sequences", () => {
    const f = parsePsf(psf2());
    expect([f.version, f.width, f.height, f.bytesPerRow, f.glyphs.length]).toEqual([2, 8, 4, 1, 3]);
    expect(f.map.get(0x61)).toBe(0);
    expect(f.map.get(0xe9)).toBe(0);
    expect(f.map.get(0x2500)).toBe(1);
    expect(f.map.get(0x62)).toBeUndefined();          // only inside a sequence
    expect(hex(f.glyphs[2])).toBe("03030303");
  });

  it("reads gzipped PSF1 without a table as code point = glyph index", () => {
    const raw = Buffer.concat([Buffer.from([0x36, 0x04, 0x00, 2]), Buffer.alloc(256 * 2, 0x81)]);
    const f = parsePsf(new Uint8Array(gzipSync(raw)));
    expect([f.version, f.width, f.height, f.glyphs.length]).toEqual([1, 8, 2, 256]);
    expect(f.map.get(200)).toBe(200);
    expect(pixel(f, f.glyphs[5], 0, 0)).toBe(true);
    expect(pixel(f, f.glyphs[5], 1, 0)).toBe(false);
    expect(pixel(f, f.glyphs[5], 7, 1)).toBe(true);
  });

  it("rejects a bad magic and a truncated font", () => {
    expect(() => parsePsf(new Uint8Array([1, 2, 3, 4]))).toThrow(/bad magic/);
    expect(() => parsePsf(new Uint8Array([0x36, 0x04, 0x01, 16, 0]))).toThrow(/truncated: glyphs/);
  });

  it("makes TSFN: ranges of the code points the font has, fallback glyph 0", () => {
    const f = parsePsf(psf2());
    f.map.set(0x3f, 2);                                 // '?' as the fallback
    const t = makeTsfont(f, [[0x60, 0x62], [0xe9, 0xe9], [0x2500, 0x2501]]);
    const dv = new DataView(t.buffer);
    expect(dv.getUint32(0, true)).toBe(TSFN_MAGIC);
    expect([t[4], t[5], dv.getUint16(6, true), dv.getUint16(8, true)]).toEqual([8, 4, 3, 4]);
    expect(hex(tsfontGlyph(t, 0x61))).toBe("01010101");
    expect(hex(tsfontGlyph(t, 0xe9))).toBe("01010101");
    expect(hex(tsfontGlyph(t, 0x2500))).toBe("02020202");
    expect(hex(tsfontGlyph(t, 0x62))).toBe("03030303"); // not in the font: fallback
    expect(t.length).toBe(12 + 3 * 8 + 4 * 4);
  });
});

const havePsf = existsSync(PSF);
if (!havePsf) console.log(`font.test: ${PSF} missing (bash toolchain/deps.sh installs console-setup-linux); real-font tests skipped`);

describe.skipIf(!havePsf)("Uni2-VGA16 from console-setup-linux", () => {
  const font = havePsf ? parsePsf(readFileSync(PSF)) : null!;
  const tsf = havePsf ? makeTsfont(font) : null!;

  it("is PSF1, 8x16, 512 glyphs, with a Unicode table", () => {
    expect([font.version, font.width, font.height, font.glyphs.length]).toEqual([1, 8, 16, 512]);
    expect(font.map.size).toBeGreaterThan(500);
  });

  it("has the glyphs the console needs, right", () => {
    const g = (c: string) => hex(tsfontGlyph(tsf, c.codePointAt(0)!));
    expect(g(" ")).toBe("00".repeat(16));
    expect(g("A")).toBe("00001038" + "6cc6c6fe" + "c6c6c6c6" + "00000000");   // the VGA 'A'
    expect(g("█")).toBe("ff".repeat(16));
    expect(g("─")).toBe("00".repeat(7) + "ff" + "00".repeat(8));
    expect(g("│")).toBe("18".repeat(16));
    for (let cp = 0x21; cp <= 0x7e; cp++) {             // every printable ASCII glyph has ink
      expect(tsfontGlyph(tsf, cp).some((b) => b !== 0), String.fromCodePoint(cp)).toBe(true);
      expect(hex(tsfontGlyph(tsf, cp))).toBe(hex(font.glyphs[font.map.get(cp)!]));
    }
    expect(hex(tsfontGlyph(tsf, 0x4e00))).toBe(hex(font.glyphs[font.map.get(0xfffd)!]));
  });

  it("is compact: ASCII, Latin-1 and box drawing in under 6 KB", () => {
    expect(tsf.length).toBeLessThan(6 * 1024);
    expect(tsfontGlyph(tsf, 0xe9)).toEqual(font.glyphs[font.map.get(0xe9)!]);
  });

  it("becomes AssemblyScript static data with the licence", () => {
    const src = tsfontToAssemblyScript(tsf, "font8x16.ts", "Copyright X.\nPermission is hereby granted");
    expect(src).toMatch(/^\/\/ Permission is hereby granted$/m);
    expect(src).toContain(`export const FONT_SIZE: i32 = ${tsf.length};`);
    const bytes = [...src.matchAll(/0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1], 16));
    expect(Buffer.from(bytes).equals(Buffer.from(tsf))).toBe(true);
  });

  it("is what `make font` wrote to build/console/", (ctx) => {
    if (!existsSync(BUILT + ".bin")) { console.log("font.test: no build/console/font8x16.bin (make font)"); ctx.skip(); }
    expect(Buffer.from(readFileSync(BUILT + ".bin")).equals(Buffer.from(tsf))).toBe(true);
    expect(readFileSync(BUILT + ".ts", "utf8")).toMatch(/Dmitry Bolkhovityanov[\s\S]*export const FONT: usize = memory\.data<u8>\(\[/);
  });

  it("compiles as AssemblyScript, and servers/console/font.ts finds 'A' in it", async (ctx) => {
    if (!existsSync(BUILT + ".ts")) ctx.skip();
    const entry = "import { Font } from \"./servers/console/font\";\n" +
      "import { FONT as F } from \"./build/console/font8x16\";\n" +
      "export function glyphA(): usize { return new Font(F).glyph(0x41); }\n";
    let wasm: Uint8Array | null = null;
    const { error } = await asc.main(["fontcheck.ts", "--runtime", "stub", "--baseDir", ROOT, "-o", "out.wasm"], {
      stdout: asc.createMemoryStream(), stderr: asc.createMemoryStream(),
      readFile: (name, dir) => name.endsWith("fontcheck.ts") ? entry : readFileOr(join(dir, name)),
      writeFile: (name, data) => { if (name.endsWith(".wasm") && typeof data !== "string") wasm = data; },
    });
    expect(error).toBeNull();
    const { instance } = await WebAssembly.instantiate(wasm! as Uint8Array<ArrayBuffer>, { env: { abort() { throw new Error("abort"); } } });
    const ex = instance.exports as { memory: WebAssembly.Memory; glyphA(): number };
    const g = ex.glyphA();
    expect(hex(new Uint8Array(ex.memory.buffer, g, 16))).toBe(hex(tsfontGlyph(tsf, 0x41)));
  });
});
