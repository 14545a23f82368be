// grid.ts — the terminal's character grid: cols x rows cells (u32, see
// colors.ts) in linear memory, row after row, kept as a ring: screen row 0
// is storage row `top`, so scrolling moves `top` and blanks the rows that
// come in, instead of copying every cell up (a line feed at the bottom
// costs a row, not a screen). The terminal changes it and tells the
// Screen; the grid is what a redraw or a text dump reads.

import { CP_MASK } from "./colors";

export class Grid {
  cells: usize;
  top: i32 = 0;                 // the storage row shown as row 0

  constructor(public cols: i32, public rows: i32) {
    this.cells = heap.alloc(<usize>(cols * rows) << 2);
  }

  @inline addr(col: i32, row: i32): usize {
    let r = row + this.top;
    if (r >= this.rows) r -= this.rows;
    return this.cells + (<usize>(r * this.cols + col) << 2);
  }
  @inline get(col: i32, row: i32): u32 { return load<u32>(this.addr(col, row)); }
  @inline set(col: i32, row: i32, cell: u32): void { store<u32>(this.addr(col, row), cell); }

  // `count` cells from (col, row) on, within the row, become `blank`.
  fill(col: i32, row: i32, count: i32, blank: u32): void {
    const p = this.addr(col, row);
    for (let i = 0; i < count; i++) store<u32>(p + (<usize>i << 2), blank);
  }

  // Rows move up by n (0 < n): the ring turns; the last n rows become `blank`.
  scrollUp(n: i32, blank: u32): void {
    if (n >= this.rows) n = this.rows;
    else this.top = (this.top + n) % this.rows;
    for (let r = this.rows - n; r < this.rows; r++) this.fill(0, r, this.cols, blank);
  }

  // Within a row: cells [from, cols - n) move right by n (insert) when
  // n > 0 or left by -n (delete) when n < 0; the cells left open become `blank`.
  shiftRow(row: i32, from: i32, n: i32, blank: u32): void {
    const width = this.cols - from;
    const k = n < 0 ? -n : n;
    if (k >= width) { this.fill(from, row, width, blank); return; }
    if (n > 0) {
      memory.copy(this.addr(from + k, row), this.addr(from, row), <usize>(width - k) << 2);
      this.fill(from, row, k, blank);
    } else {
      memory.copy(this.addr(from, row), this.addr(from + k, row), <usize>(width - k) << 2);
      this.fill(this.cols - k, row, k, blank);
    }
  }

  @inline cp(col: i32, row: i32): u32 { return this.get(col, row) & CP_MASK; }
}
