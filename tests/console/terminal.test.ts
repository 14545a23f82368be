// terminal.test.ts — the console's terminal library (servers/console/) on
// an in-memory framebuffer: text, grid and pixels agree; wrapping,
// scrolling, control characters, the escape sequences a line-editing shell
// sends, colours, the cursor, and the text dump.

import { beforeAll, describe, expect, it } from "vitest";
import { compileConsole, Console, probeFont } from "./console";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileConsole(); }, 60_000);

// A 20x6 terminal (160x96 pixels) with the probe font.
async function small(): Promise<Console> {
  const c = await Console.load(binary);
  expect(c.framebuffer(160, 96, probeFont())).toBe(20);
  return c;
}

const RGB = { black: 0x000000, grey: 0xaaaaaa, red: 0xaa0000, green: 0x00aa00, brightRed: 0xff5555, blue: 0x0000aa, white: 0xffffff };

// What the pixels of cell (col,row) say: the code point's low byte (row 0
// of the probe glyph) and the two colours (row 1 is all foreground,
// row 15 all background).
function readCell(c: Console, col: number, row: number): { byte: number; fg: number; bg: number } {
  const x0 = col * 8, y0 = row * 16;
  const fg = c.pixel(x0, y0 + 1), bg = c.pixel(x0, y0 + 15);
  let byte = 0;
  for (let x = 0; x < 8; x++) if (c.pixel(x0 + x, y0) === fg && fg !== bg) byte |= 0x80 >> x;
  return { byte, fg: fg & 0xffffff, bg: bg & 0xffffff };
}

// The screen as text, read from the pixels alone.
function screenText(c: Console): string[] {
  const out: string[] = [];
  for (let r = 0; r < c.ex.rows(); r++) {
    let line = "";
    for (let col = 0; col < c.ex.cols(); col++) {
      const { byte, fg, bg } = readCell(c, col, r);
      line += fg === bg || byte === 0 ? " " : String.fromCharCode(byte);
    }
    out.push(line.trimEnd());
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

describe("text on a framebuffer", () => {
  it("draws glyphs: pixels, grid and dump agree", async () => {
    const c = await small();
    c.write("Hello, world\nline 2");
    expect(c.lines()).toEqual(["Hello, world", "line 2"]);
    expect(screenText(c)).toEqual(["Hello, world", "line 2"]);
    const h = readCell(c, 0, 0);
    expect(h).toEqual({ byte: 0x48, fg: RGB.grey, bg: RGB.black });
    expect(c.cursor()).toEqual([6, 1]);
  });

  it("shows the cursor as an inverted cell and moves it", async () => {
    const c = await small();
    c.write("ab");
    expect(readCell(c, 2, 0)).toMatchObject({ fg: RGB.black, bg: RGB.grey });   // cursor on a blank
    expect(readCell(c, 1, 0)).toMatchObject({ fg: RGB.grey, bg: RGB.black });   // 'b' restored
    c.write("\x1b[?25l");
    expect(readCell(c, 2, 0)).toMatchObject({ fg: RGB.grey, bg: RGB.black });  // a plain ' ' again
    c.write("\x1b[?25h");
    expect(readCell(c, 2, 0)).toMatchObject({ fg: RGB.black, bg: RGB.grey });
  });

  it("wraps at the last column (deferred) and scrolls at the last row", async () => {
    const c = await small();
    c.write("x".repeat(20));
    expect(c.cursor()).toEqual([19, 0]);                // wrap pending, still on row 0
    c.write("y");
    expect(c.lines()).toEqual(["x".repeat(20), "y"]);
    const c2 = await small();
    c2.write("1\n2\n3\n4\n5\n6\n7\n8");
    expect(c2.lines()).toEqual(["3", "4", "5", "6", "7", "8"]);
    expect(screenText(c2)).toEqual(["3", "4", "5", "6", "7", "8"]);
    expect(c2.cursor()).toEqual([1, 5]);
  });

  it("scrolls by more than a screen in one write, and by less, pixels matching the grid", async () => {
    const c = await small();
    c.write("top\n");
    c.write(Array.from({ length: 15 }, (_, i) => `a${i}`).join("\n"));
    expect(screenText(c)).toEqual(["a9", "a10", "a11", "a12", "a13", "a14"]);
    c.write("\nb1\x1b[3;1H\x1b[31mX\x1b[6;1H\nb2\nb3");
    expect(c.lines()).toEqual(["X12", "a13", "a14", "b1", "b2", "b3"]);
    expect(screenText(c)).toEqual(c.lines());
    expect(readCell(c, 0, 0)).toMatchObject({ fg: RGB.red });
  });

  it("handles CR, backspace and tab", async () => {
    const c = await small();
    c.write("abcdef\rXY\n");
    c.write("abc\b\b-\n");
    c.write("a\tb\tc\n");
    c.write("hello\b \b\b \b");
    expect(c.lines()).toEqual(["XYcdef", "a-c", "a       b       c", "hel"]);
    expect(c.cursor()).toEqual([3, 3]);
    c.write("\t\t\t\t");
    expect(c.cursor()).toEqual([19, 3]);                // a tab stops at the last column
  });

  it("decodes UTF-8; box drawing has its glyph, unknown and broken characters the fallback", async () => {
    const c = await small();
    c.write("─é");
    c.write(new Uint8Array([0xff]));                    // never valid in UTF-8
    c.write(new Uint8Array([0xe2, 0x94, 0x41]));       // a cut-short character, then 'A'
    expect(c.lines()).toEqual(["─é\ufffd\ufffdA"]);
    expect(readCell(c, 0, 0).byte).toBe(0x00);          // U+2500: the probe glyph of 0x2500 (low byte 0)
    expect(c.pixel(0, 1)).toBe(0xaaaaaa);               // ... whose row 1 is set
    expect(c.pixel(8, 0)).toBe(0x000000);               // 'é' is not in the probe font: fallback 0x55
    expect(c.pixel(9, 0)).toBe(0xaaaaaa);
  });
});

describe("escape sequences of a line-editing shell", () => {
  it("ESC[K erases to the end of the line, ESC[1K and ESC[2K the rest", async () => {
    const c = await small();
    c.write("hello world\x1b[6D\x1b[K");
    expect(c.lines()).toEqual(["hello"]);
    expect(c.cursor()).toEqual([5, 0]);
    c.write("\nabcdef\x1b[3D\x1b[1K\nxyz\x1b[2K!");
    expect(c.lines()).toEqual(["hello", "    ef", "   !"]);
    expect(screenText(c)).toEqual(["hello", "    ef", "   !"]);
  });

  it("ESC[nD / ESC[nC move left and right, clamped", async () => {
    const c = await small();
    c.write("abcdef\x1b[4DX\x1b[2CY\x1b[D\x1b[99CZ\x1b[99D<");
    expect(c.lines()).toEqual(["<bXdeY" + " ".repeat(13) + "Z"]);
  });

  it("redraws a line the way readline does: CR, prompt, text, ESC[K, cursor back", async () => {
    const c = await small();
    c.write("$ ls -l /tmp");
    c.write("\r$ ls -a\x1b[K\x1b[3D");
    expect(c.lines()).toEqual(["$ ls -a"]);
    expect(c.cursor()).toEqual([4, 0]);
  });

  it("ESC[2J clears the screen, ESC[H and ESC[r;cH move the cursor", async () => {
    const c = await small();
    c.write("one\ntwo\nthree\x1b[2J");
    expect(c.lines()).toEqual([]);
    expect(screenText(c)).toEqual([]);
    expect(c.cursor()).toEqual([5, 2]);                 // ESC[2J does not move the cursor
    c.write("\x1b[Htop\x1b[3;5Hmid\x1b[6;18f>\x1b[99;99HZ");
    expect(c.lines()).toEqual(["top", "", "    mid", "", "", "                 > Z"]);
    expect(c.cursor()).toEqual([19, 5]);
  });

  it("ESC[J erases below, ESC[1J above; insert, delete and erase characters", async () => {
    const c = await small();
    c.write("aaaa\nbbbb\ncccc\x1b[2;3H\x1b[J");
    expect(c.lines()).toEqual(["aaaa", "bb"]);
    c.write("\x1b[1J");
    expect(c.lines()).toEqual([]);
    c.write("\x1b[Habcdef\x1b[H\x1b[2@\x1b[4C\x1b[P\x1b[G\x1b[X");
    expect(c.lines()).toEqual(["  abdef".replace(/^ /, " ")]);
    expect(screenText(c)).toEqual(["  abdef"]);
  });

  it("saves and restores the cursor (ESC 7/8, ESC[s/u); ESC c resets", async () => {
    const c = await small();
    c.write("ab\x1b7\x1b[4;4Hx\x1b8c\x1b[sZZ\x1b[uY");
    expect(c.lines()).toEqual(["abcYZ", "", "", "   x"]);
    c.write("\x1b[31m\x1bc");
    expect(c.lines()).toEqual([]);
    expect(c.cursor()).toEqual([0, 0]);
    c.write("q");
    expect(readCell(c, 0, 0)).toMatchObject({ fg: RGB.grey });
  });

  it("ignores OSC titles and unknown sequences, survives long parameters", async () => {
    const c = await small();
    c.write("\x1b]0;title\x07a\x1b]2;t\x1b\\b\x1b[?1049h\x1b[123456789;1;2;3;4;5;6;7;8;9Hc\x1b(Bd\x1b[38;5;200me");
    expect(c.lines().join("|")).toMatch(/ab/);
    expect(c.text()).toContain("c");
    expect(c.text()).toMatch(/de/);
  });
});

describe("colours (SGR)", () => {
  it("sets foreground, background, bright, bold, reverse and resets", async () => {
    const c = await small();
    c.write("\x1b[31ma\x1b[1mb\x1b[22;42mc\x1b[0md\x1b[7me\x1b[27;91;104mf\x1b[39;49mg\x1b[m");
    expect(readCell(c, 0, 0)).toMatchObject({ fg: RGB.red, bg: RGB.black });
    expect(readCell(c, 1, 0)).toMatchObject({ fg: RGB.brightRed, bg: RGB.black });
    expect(readCell(c, 2, 0)).toMatchObject({ fg: RGB.red, bg: RGB.green });
    expect(readCell(c, 3, 0)).toMatchObject({ fg: RGB.grey, bg: RGB.black });
    expect(readCell(c, 4, 0)).toMatchObject({ fg: RGB.black, bg: RGB.grey });
    expect(readCell(c, 5, 0)).toMatchObject({ fg: RGB.brightRed, bg: 0x5555ff });
    expect(readCell(c, 6, 0)).toMatchObject({ fg: RGB.grey, bg: RGB.black });
    expect(c.ex.cell(0, 0) >>> 24).toBe(0x01);          // the grid: fg 1, bg 0
  });

  it("erases with the current background", async () => {
    const c = await small();
    c.write("\x1b[44m\x1b[2J\x1b[H");
    expect(c.pixel(100, 50)).toBe(RGB.blue);
    expect(c.pixel(159, 95)).toBe(RGB.blue);
  });
});

describe("framebuffer geometry", () => {
  it("scrolls the pixels and leaves the margin outside the cell grid alone", async () => {
    const c = await Console.load(binary);
    expect(c.framebuffer(165, 100, probeFont(), undefined, 1024)).toBe(20);   // pitch > width
    expect(c.ex.rows()).toBe(6);
    c.mem.fill(0x77, c.fb + 96 * 1024, c.fb + 100 * 1024);        // below the last text row
    for (let i = 0; i < 10; i++) c.write(`row ${i}\n`);
    expect(screenText(c)).toEqual(["row 5", "row 6", "row 7", "row 8", "row 9"]);
    expect(c.mem[c.fb + 97 * 1024]).toBe(0x77);
    expect(c.mem[c.fb + 160 * 4 + 3]).toBe(0);         // right margin untouched
  });

  it("draws 16-bit RGB565 and 24-bit pixels with the field positions given", async () => {
    const c16 = await Console.load(binary);
    c16.framebuffer(160, 96, probeFont(), { bpp: 16, red: [11, 5], green: [5, 6], blue: [0, 5] });
    c16.write("\x1b[91;44mA");
    expect(c16.pixel(1, 1)).toBe((0x1f << 11) | (0x15 << 5) | 0x0a);   // FF5555
    expect(c16.pixel(1, 15)).toBe(0x15);                               // 0000AA
    const c24 = await Console.load(binary);
    c24.framebuffer(160, 96, probeFont(), { bpp: 24, red: [0, 8], green: [8, 8], blue: [16, 8] });  // BGR order
    c24.write("\x1b[31mA");
    expect(c24.pixel(0, 1)).toBe(0x0000aa);
    expect(screenText(c24)).toEqual(["A"]);
  });

  it("prints a screenful and redraws from the grid", async () => {
    const c = await Console.load(binary);
    const cols = c.framebuffer(640, 480, probeFont());
    expect([cols, c.ex.rows()]).toEqual([80, 30]);
    // Full 80-column lines: the deferred wrap must not add empty lines.
    const lines = Array.from({ length: 40 }, (_, i) => `${i}: ${"the quick brown fox ".repeat(4)}`.slice(0, 80).trimEnd());
    c.write(lines.join("\n"));
    expect(c.lines()).toEqual(lines.slice(10));
    c.mem.fill(0, c.fb, c.fb + 640 * 480 * 4);
    expect(screenText(c)).toEqual([]);
    c.ex.redraw();
    expect(screenText(c)).toEqual(lines.slice(10));
  });
});

describe("video memory is written, never read", () => {
  // Video memory is uncached or write-combining on a PC: reading it back
  // (as a pixel copy to scroll would) is a slow bus round trip per load.
  // A mark put into the pixels behind the library's back shows whether it
  // ever copies pixels: a scroll that moved pixels would carry it along.
  it("scrolls by drawing the moved cells from the grid, not by copying pixels", async () => {
    const c = await small();
    c.write("a\nb\nc\nd\ne\nf");
    expect(screenText(c)).toEqual(["a", "b", "c", "d", "e", "f"]);
    const mark = (col: number, row: number) => c.fb + (row * 16 + 8) * c.pitch + col * 8 * 4;
    c.mem.set([0x12, 0x34, 0x56, 0x78], mark(0, 3));        // inside "d"'s cell
    c.write("\ng");
    expect(screenText(c)).toEqual(["b", "c", "d", "e", "f", "g"]);
    // Row 2 now shows "d", drawn from the grid: the mark did not come along.
    expect(c.pixel(0, 2 * 16 + 8)).toBe(RGB.black);
  });

  it("draws only cells whose content changed; redraw() draws everything again", async () => {
    const c = await small();
    c.write("x\ny");
    const blank = c.fb + (4 * 16 + 8) * c.pitch + 10 * 8 * 4;  // cell (10, 4): blank, stays blank
    c.mem.set([1, 2, 3, 4], blank);
    c.write("\n\n\n\n\n\nz");                                  // scrolls
    expect(c.lines()).toEqual(["", "", "", "", "", "z"]);
    expect(c.pixel(10 * 8, 4 * 16 + 8)).toBe(0x04030201);     // not drawn: it showed a blank before and after
    c.ex.redraw();
    expect(c.pixel(10 * 8, 4 * 16 + 8)).toBe(RGB.black);
  });

  it("VGA text: scrolling writes the moved cells from the grid too", async () => {
    const c = await Console.load(binary);
    c.vga(10, 3);
    c.write("a\nb\nc");
    c.mem[c.fb + (2 * 10 + 0) * 2] = 0x3f;                    // "c" becomes "?" behind its back
    c.write("\nd");
    expect(c.vgaWord(0, 1) & 0xff).toBe(0x63);                // "c" from the grid, not the "?" moved up
    expect(c.vgaWord(0, 2) & 0xff).toBe(0x64);
  });
});

describe("text dump", () => {
  it("is one UTF-8 line per row, trailing spaces dropped, every row present", async () => {
    const c = await small();
    c.write("a  \n\n  b─");
    expect(c.text()).toBe("a\n\n  b─\n\n\n\n");
  });

  it("returns the full length when the buffer is too small", async () => {
    const c = await small();
    c.write("abcdef");
    const out = c.ex.alloc(4);
    expect(c.ex.dump(out, 4)).toBe(6 + 6);
    expect(new TextDecoder().decode(c.mem.subarray(out, out + 4))).toBe("abcd");
  });
});
