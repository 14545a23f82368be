// damage.ts — what changed on the grid since the screen was last drawn, so
// that one write() draws each changed cell once and scrolls the screen once.
//
// A framebuffer is slow to read and its scrolling moves megabytes: printing
// a screenful line by line must not scroll the pixels once per line. The
// terminal changes only the grid and records here which cells of each row
// changed (a column range per row) and how many lines the grid scrolled;
// flush() then scrolls the screen by the total with one Screen.scrollUp
// (or, past a whole screen, redraws everything) and draws the changed
// cells from the grid.

import { Grid } from "./grid";
import { Screen } from "./screen";

export class Damage {
  lo: StaticArray<i32>;       // per row: first changed column, cols when clean
  hi: StaticArray<i32>;       // per row: one past the last changed column
  scroll: i32 = 0;            // lines the grid scrolled since the last flush

  constructor(public cols: i32, public rows: i32) {
    this.lo = new StaticArray<i32>(rows);
    this.hi = new StaticArray<i32>(rows);
    for (let r = 0; r < rows; r++) this.clean(r);
  }

  @inline private clean(r: i32): void { unchecked(this.lo[r] = this.cols); unchecked(this.hi[r] = 0); }

  // Columns [from, to) of `row` changed.
  mark(row: i32, from: i32, to: i32): void {
    if (from < unchecked(this.lo[row])) unchecked(this.lo[row] = from);
    if (to > unchecked(this.hi[row])) unchecked(this.hi[row] = to);
  }

  markAll(): void { for (let r = 0; r < this.rows; r++) this.mark(r, 0, this.cols); }

  // The grid moved up by n lines: so do the recorded changes; the rows that
  // came in at the bottom are all changed.
  scrolled(n: i32): void {
    this.scroll += n;
    const keep = this.rows - n;
    for (let r = 0; r < keep; r++) {
      unchecked(this.lo[r] = this.lo[r + n]);
      unchecked(this.hi[r] = this.hi[r + n]);
    }
    for (let r = max(keep, 0); r < this.rows; r++) { this.clean(r); this.mark(r, 0, this.cols); }
  }

  // Bring the screen up to date with the grid; `blank` fills what a scroll uncovers.
  flush(grid: Grid, screen: Screen, blank: u32): void {
    if (this.scroll >= this.rows) this.markAll();
    else if (this.scroll > 0) screen.scrollUp(this.scroll, blank);
    this.scroll = 0;
    for (let r = 0; r < this.rows; r++) {
      const hi = unchecked(this.hi[r]);
      for (let c = unchecked(this.lo[r]); c < hi; c++) screen.drawCell(c, r, grid.get(c, r));
      this.clean(r);
    }
  }
}
