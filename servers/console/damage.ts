// damage.ts — what changed on the grid since the screen was last drawn, so
// that one write() looks at each changed cell once.
//
// The terminal changes only the grid and records here which cells of each
// row changed (a column range per row) and whether the grid scrolled;
// flush() then shows the changed cells from the grid (Screen.show, which
// draws only the cells whose content differs from what the screen shows).
// A scroll changes every row, so it marks them all: the screen is not
// moved (that would read video memory); the cells whose content moved are
// drawn again, the blank ones that stay blank are not. Printing a
// screenful line by line thus draws each cell at most once per write().

import { Grid } from "./grid";
import { Screen } from "./screen";

export class Damage {
  lo: StaticArray<i32>;       // per row: first changed column, cols when clean
  hi: StaticArray<i32>;       // per row: one past the last changed column

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

  // The grid moved up: every row may show something else now.
  scrolled(): void { this.markAll(); }

  // Bring the screen up to date with the grid.
  flush(grid: Grid, screen: Screen): void {
    for (let r = 0; r < this.rows; r++) {
      const hi = unchecked(this.hi[r]);
      for (let c = unchecked(this.lo[r]); c < hi; c++) screen.show(c, r, grid.get(c, r));
      this.clean(r);
    }
  }
}
