// screen.ts — what the terminal draws on: a grid of character cells that a
// backend turns into pixels (fbscreen.ts, a linear framebuffer) or into VGA
// text-mode words (vgascreen.ts). Cells are u32s (colors.ts). The terminal
// (terminal.ts) keeps its own copy of the grid; a backend only draws.
//
// The screen never reads screen memory back: video memory is uncached or
// write-combining (kernel/pat.ts), where every read is a slow bus round
// trip on a real PC. Instead it remembers what each cell shows (`shown`,
// in linear memory) and show() draws a cell only when that changes, so
// scrolling redraws just the cells whose content moved, not the blank
// rest of the screen, and never copies pixels.

export abstract class Screen {
  cols: i32 = 0;
  rows: i32 = 0;
  private shown: usize = 0;            // cols * rows u32s: what each cell shows

  // Backends call this once they know their size.
  protected setSize(cols: i32, rows: i32): void {
    this.cols = cols;
    this.rows = rows;
    this.shown = heap.alloc(<usize>(cols * rows) << 2);
    this.forget();
  }

  // Show `cell` at (col, row): drawn unless the screen shows it already.
  show(col: i32, row: i32, cell: u32): void {
    if (<u32>col >= <u32>this.cols || <u32>row >= <u32>this.rows) return;
    const p = this.shown + (<usize>(row * this.cols + col) << 2);
    if (load<u32>(p) == cell) return;
    store<u32>(p, cell);
    this.drawCell(col, row, cell);
  }

  // The screen memory was overwritten behind our back: the next show() of
  // every cell draws it. Every cell becomes 0xFFFFFFFF, which is no cell
  // (bits 21-23 of a cell are always clear, colors.ts).
  forget(): void {
    memory.fill(this.shown, 0xFF, <usize>(this.cols * this.rows) << 2);
  }

  // Draw one cell into screen memory (show() decides when).
  abstract drawCell(col: i32, row: i32, cell: u32): void;
}
