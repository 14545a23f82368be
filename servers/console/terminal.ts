// terminal.ts — a text terminal on a Screen: the character grid, the
// cursor, and what the console's output bytes mean (ansi.ts decodes them).
//
// What it understands, the set a line-editing shell uses:
//   \n  new line (CR + LF: the console's output is "cooked", as the serial
//       console's \n -> \r\n translation is); \r column 0; \b one column
//       left (not erasing: shells send "\b \b"); \t next multiple of 8;
//       BEL and other controls ignored.
//   Printing past the last column wraps (deferred, as VT100/xterm/Linux:
//   the cursor stays on the last column until the next character); past
//   the last row the screen scrolls.
//   CSI n A/B/C/D (up/down/right/left), CSI r;c H and f (move to), CSI n G
//   (column), CSI n d (row), CSI n J (0 to end, 1 to cursor, 2/3 all),
//   CSI n K (0 to end of line, 1 to cursor, 2 whole line), CSI n @ / P / X
//   (insert / delete / erase characters), CSI n S (scroll up), CSI s / u and
//   ESC 7 / ESC 8 (save / restore cursor), CSI ?25 h / l (show / hide the
//   cursor), ESC c (reset), CSI ... m (SGR: 0 reset, 1 bold = bright
//   foreground, 22, 7 reverse, 27, 30-37, 39, 40-47, 49, 90-97, 100-107).
// Erasing fills with the current background (like the Linux console).
// Changes go to the grid; damage.ts shows them on the Screen at the end of
// each write() (each changed cell once, never by moving pixels). The cursor is drawn as
// the cell under it with colours swapped, between calls of write().

import { ACT_CONTROL, ACT_CSI, ACT_ESC, ACT_PRINT, AnsiDecoder } from "./ansi";
import { DEFAULT_BG, DEFAULT_FG, makeCell } from "./colors";
import { Damage } from "./damage";
import { dumpGrid } from "./dump";
import { Grid } from "./grid";
import { Screen } from "./screen";

export class Terminal {
  grid: Grid;
  damage: Damage;
  dec: AnsiDecoder = new AnsiDecoder();
  cols: i32;
  rows: i32;
  col: i32 = 0;
  row: i32 = 0;
  wrapPending: bool = false;
  fg: u32 = DEFAULT_FG;
  bg: u32 = DEFAULT_BG;
  bold: bool = false;
  reverse: bool = false;
  cursorVisible: bool = true;
  savedCol: i32 = 0;
  savedRow: i32 = 0;
  private cursorShown: bool = false;

  constructor(public screen: Screen) {
    this.cols = screen.cols;
    this.rows = screen.rows;
    this.grid = new Grid(screen.cols, screen.rows);
    this.damage = new Damage(screen.cols, screen.rows);
    this.reset();
    this.flush();
  }

  // Everything back to the start: default colours, cursor home, screen blank.
  reset(): void {
    this.fg = DEFAULT_FG; this.bg = DEFAULT_BG;
    this.bold = false; this.reverse = false;
    this.col = 0; this.row = 0; this.wrapPending = false;
    this.savedCol = 0; this.savedRow = 0;
    this.cursorVisible = true;
    this.cursorShown = false;      // erasing everything wipes it
    this.eraseRows(0, this.rows);
  }

  // Bytes of output (UTF-8 text and escape sequences) at `ptr`.
  write(ptr: usize, len: usize): void {
    this.hideCursor();
    const d = this.dec;
    for (let i: usize = 0; i < len; i++) {
      const b = <u32>load<u8>(ptr + i);
      if (b - 0x20 < 0x5F && d.idle()) this.print(b);    // printable ASCII: no decoding to do
      else this.feed(b);
    }
    this.flush();
  }

  // Draw what changed, then the cursor.
  private flush(): void {
    this.damage.flush(this.grid, this.screen);
    this.showCursor();
  }

  // The grid as text (dump.ts); returns the length of the whole dump.
  dump(out: usize, cap: u32): u32 { return dumpGrid(this.grid, out, cap); }

  // Draw the whole grid again (after the framebuffer was overwritten).
  redraw(): void {
    this.screen.forget();
    this.damage.markAll();
    this.cursorShown = false;
    this.flush();
  }

  private feed(b: u32): void {
    const d = this.dec;
    this.act(d.feed(b));
    if (d.again) { d.again = false; this.act(d.feed(b)); }
  }

  private act(a: i32): void {
    if (a == ACT_PRINT) this.print(this.dec.cp);
    else if (a == ACT_CONTROL) this.control(this.dec.cp);
    else if (a == ACT_CSI) this.csi(this.dec.final);
    else if (a == ACT_ESC) this.esc(this.dec.final);
  }

  // --- cells and colours -------------------------------------------------------
  @inline private attrCell(cp: u32): u32 {
    let fg = this.fg, bg = this.bg;
    if (this.bold && fg < 8) fg += 8;
    return this.reverse ? makeCell(cp, bg, fg) : makeCell(cp, fg, bg);
  }
  @inline private blank(): u32 { return makeCell(0x20, this.reverse ? this.bg : this.fg, this.reverse ? this.fg : this.bg); }

  private put(col: i32, row: i32, cell: u32): void {
    this.grid.set(col, row, cell);
    this.damage.mark(row, col, col + 1);
  }

  private erase(col: i32, row: i32, count: i32): void {
    const b = this.blank();
    this.grid.fill(col, row, count, b);
    this.damage.mark(row, col, col + count);
  }

  private eraseRows(from: i32, to: i32): void {
    for (let r = from; r < to; r++) this.erase(0, r, this.cols);
  }

  private redrawRow(row: i32, from: i32): void {
    this.damage.mark(row, from, this.cols);
  }

  // --- the cursor ----------------------------------------------------------------
  private showCursor(): void {
    if (!this.cursorVisible || this.cursorShown) return;
    const cell = this.grid.get(this.col, this.row);
    this.screen.show(this.col, this.row, (cell & 0x1FFFFF) | ((cell >> 4) & 0x0F000000) | ((cell << 4) & 0xF0000000));
    this.cursorShown = true;
  }

  private hideCursor(): void {
    if (!this.cursorShown) return;
    this.screen.show(this.col, this.row, this.grid.get(this.col, this.row));
    this.cursorShown = false;
  }

  private moveTo(col: i32, row: i32): void {
    this.col = min(max(col, 0), this.cols - 1);
    this.row = min(max(row, 0), this.rows - 1);
    this.wrapPending = false;
  }

  // --- text and controls ----------------------------------------------------------
  private print(cp: u32): void {
    if (this.wrapPending) { this.col = 0; this.lineFeed(); this.wrapPending = false; }
    this.put(this.col, this.row, this.attrCell(cp));
    if (this.col == this.cols - 1) this.wrapPending = true;
    else this.col++;
  }

  private lineFeed(): void {
    if (this.row == this.rows - 1) this.scrollUp(1);
    else this.row++;
  }

  private scrollUp(n: i32): void {
    n = min(n, this.rows);
    const b = this.blank();
    this.grid.scrollUp(n, b);
    this.damage.scrolled();
  }

  private control(c: u32): void {
    if (c == 0x0A || c == 0x0B || c == 0x0C) { this.col = 0; this.wrapPending = false; this.lineFeed(); }
    else if (c == 0x0D) { this.col = 0; this.wrapPending = false; }
    else if (c == 0x08) { if (this.col > 0) this.col--; this.wrapPending = false; }
    else if (c == 0x09) { this.col = min((this.col & ~7) + 8, this.cols - 1); this.wrapPending = false; }
  }

  private esc(f: u32): void {
    if (f == 0x37) { this.savedCol = this.col; this.savedRow = this.row; }      // ESC 7
    else if (f == 0x38) this.moveTo(this.savedCol, this.savedRow);            // ESC 8
    else if (f == 0x63) this.reset();                                         // ESC c
  }

  // --- CSI sequences ------------------------------------------------------------------
  private csi(f: u32): void {
    const d = this.dec;
    const n = <i32>d.param(0, 1);
    if (d.priv != 0) {
      if (d.priv == 0x3F && d.param(0, 0) == 25) {                           // ?25 h / l
        if (f == 0x68) this.cursorVisible = true;
        else if (f == 0x6C) this.cursorVisible = false;
      }
      return;
    }
    switch (f) {
      case 0x41: this.moveTo(this.col, this.row - n); break;                  // A
      case 0x42: this.moveTo(this.col, this.row + n); break;                  // B
      case 0x43: this.moveTo(this.col + n, this.row); break;                  // C
      case 0x44: this.moveTo(this.col - n, this.row); break;                  // D
      case 0x47: this.moveTo(n - 1, this.row); break;                         // G
      case 0x64: this.moveTo(this.col, n - 1); break;                         // d
      case 0x48: case 0x66: this.moveTo(<i32>d.param(1, 1) - 1, n - 1); break; // H, f
      case 0x4A: this.eraseDisplay(d.param(0, 0)); break;                     // J
      case 0x4B: this.eraseLine(d.param(0, 0)); break;                        // K
      case 0x40: this.shift(n); break;                                        // @
      case 0x50: this.shift(-n); break;                                       // P
      case 0x58: this.erase(this.col, this.row, min(n, this.cols - this.col)); this.wrapPending = false; break; // X
      case 0x53: this.scrollUp(n); break;                                     // S
      case 0x73: this.savedCol = this.col; this.savedRow = this.row; break;   // s
      case 0x75: this.moveTo(this.savedCol, this.savedRow); break;            // u
      case 0x6D: this.sgr(); break;                                           // m
      default: break;
    }
  }

  private eraseDisplay(mode: u32): void {
    if (mode == 0) { this.eraseLine(0); this.eraseRows(this.row + 1, this.rows); }
    else if (mode == 1) { this.eraseRows(0, this.row); this.eraseLine(1); }
    else this.eraseRows(0, this.rows);
  }

  private eraseLine(mode: u32): void {
    if (mode == 0) this.erase(this.col, this.row, this.cols - this.col);
    else if (mode == 1) this.erase(0, this.row, this.col + 1);
    else this.erase(0, this.row, this.cols);
    this.wrapPending = false;
  }

  // Insert (n > 0) or delete (n < 0) characters at the cursor.
  private shift(n: i32): void {
    this.grid.shiftRow(this.row, this.col, n, this.blank());
    this.redrawRow(this.row, this.col);
    this.wrapPending = false;
  }

  private sgr(): void {
    const d = this.dec;
    const count = max(d.nparams, 1);
    for (let i = 0; i < count; i++) {
      const p = i < d.nparams ? unchecked(d.params[i]) : 0;
      if (p == 0) { this.fg = DEFAULT_FG; this.bg = DEFAULT_BG; this.bold = false; this.reverse = false; }
      else if (p == 1) this.bold = true;
      else if (p == 22) this.bold = false;
      else if (p == 7) this.reverse = true;
      else if (p == 27) this.reverse = false;
      else if (p >= 30 && p <= 37) this.fg = p - 30;
      else if (p == 39) this.fg = DEFAULT_FG;
      else if (p >= 40 && p <= 47) this.bg = p - 40;
      else if (p == 49) this.bg = DEFAULT_BG;
      else if (p >= 90 && p <= 97) this.fg = p - 90 + 8;
      else if (p >= 100 && p <= 107) this.bg = p - 100 + 8;
      else if (p == 38 || p == 48) break;   // 256-colour / RGB forms: not supported, skip the rest
    }
  }
}
