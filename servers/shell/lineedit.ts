// lineedit.ts — the shell's line editor: turns the bytes typed on a
// terminal into a command line, and writes the echo and redraw sequences
// (ANSI/VT100, the set servers/console/terminal.ts and every serial
// terminal emulator understand) into an OutBuf for the caller to send.
//
// feed(byte) returns ED_LINE when Enter completes a line (read it from
// buf/len, then call begin() for the next prompt), ED_CANCEL on Ctrl-C,
// ED_NONE otherwise. Keys:
//   printable ASCII     insert at the cursor (BEL when the line is full)
//   Backspace (7F, 08)  delete left of the cursor;  Delete (ESC[3~), Ctrl-D: under it
//   Left/Right (ESC[D / ESC[C, ESC O D / C), Ctrl-B / Ctrl-F
//   Home/End (ESC[H ESC[F ESC[1~ ESC[4~ ESC[7~ ESC[8~ ESC O H/F), Ctrl-A / Ctrl-E
//   Up/Down (ESC[A / ESC[B), Ctrl-P / Ctrl-N: history (the line being typed
//                       is kept as a draft and comes back below the newest)
//   Ctrl-U / Ctrl-K     delete to the start / to the end;  Ctrl-W the word before the cursor
//   Ctrl-L              clear the screen and redraw;  Ctrl-C  drop the line
//   Enter (CR, LF, CR LF counted once)
// Other escape sequences are swallowed whole; other bytes ring BEL.
//
// Redraw: the cursor is always at column prompt + pos of the current row;
// after a change at `from`, the editor moves to `from`, writes the rest of
// the line, erases what is left of the old one (CSI K) and moves back
// (CSI n D). The line never wraps: its capacity is chosen so that prompt +
// line fit in the terminal's width (see Shell), so left/right movements
// stay on one row.

import { OutBuf } from "../lib/outbuf";
import { History } from "./history";

export const ED_NONE = 0;
export const ED_LINE = 1;
export const ED_CANCEL = 2;

const BEL: u32 = 7;
const ESC: u32 = 0x1B;

const S_GROUND = 0;
const S_ESC = 1;       // after ESC
const S_CSI = 2;       // after ESC [
const S_SS3 = 3;       // after ESC O

export class LineEditor {
  buf: usize;
  cap: i32;
  len: i32 = 0;
  pos: i32 = 0;
  out: OutBuf;
  hist: History;
  prompt: string = "";
  private histIdx: i32 = -1;      // -1: the draft (the line being typed)
  private draft: usize;
  private draftLen: i32 = 0;
  private state: i32 = S_GROUND;
  private param: i32 = 0;
  private lastCR: bool = false;

  constructor(cap: i32, historyEntries: i32, out: OutBuf) {
    this.cap = cap;
    this.buf = heap.alloc(<usize>cap);
    this.draft = heap.alloc(<usize>cap);
    this.out = out;
    this.hist = new History(historyEntries, cap);
  }

  // Start a new line: write the prompt.
  begin(prompt: string): void {
    this.prompt = prompt;
    this.len = 0;
    this.pos = 0;
    this.histIdx = -1;
    this.state = S_GROUND;
    this.out.str(prompt);
  }

  @inline at(i: i32): u8 { return load<u8>(this.buf + <usize>i); }

  feed(b: u32): i32 {
    b &= 0xFF;
    const wasCR = this.lastCR;
    this.lastCR = false;
    if (this.state != S_GROUND) { this.escape(b); return ED_NONE; }
    if (b >= 0x20 && b < 0x7F) { this.insert(b); return ED_NONE; }
    switch (b) {
      case 0x0D: this.lastCR = true; return this.enter();
      case 0x0A: return wasCR ? ED_NONE : this.enter();
      case ESC: this.state = S_ESC; break;
      case 0x7F: case 0x08: this.backspace(); break;
      case 0x01: this.home(); break;                                 // Ctrl-A
      case 0x05: this.end(); break;                                  // Ctrl-E
      case 0x02: this.left(); break;                                 // Ctrl-B
      case 0x06: this.right(); break;                                // Ctrl-F
      case 0x10: this.older(); break;                                // Ctrl-P
      case 0x0E: this.newer(); break;                                // Ctrl-N
      case 0x04: this.del(); break;                                  // Ctrl-D
      case 0x15: this.cut(0, this.pos); break;                       // Ctrl-U
      case 0x0B: this.cut(this.pos, this.len); break;                // Ctrl-K
      case 0x17: this.cut(this.wordStart(), this.pos); break;        // Ctrl-W
      case 0x0C: this.clearScreen(); break;                          // Ctrl-L
      case 0x03:                                                     // Ctrl-C
        this.out.str("^C\n");
        this.len = 0; this.pos = 0; this.histIdx = -1;
        return ED_CANCEL;
      default: this.out.byte(BEL);
    }
    return ED_NONE;
  }

  private escape(b: u32): void {
    if (this.state == S_ESC) {
      if (b == 0x5B) { this.state = S_CSI; this.param = 0; }
      else if (b == 0x4F) this.state = S_SS3;
      else this.state = S_GROUND;                                    // ESC x: dropped
      return;
    }
    if (this.state == S_SS3) { this.state = S_GROUND; this.key(b, 0); return; }
    // CSI: digits and ';' are parameters, 0x40..0x7E ends it.
    if (b >= 0x30 && b <= 0x39) { if (this.param < 1000) this.param = this.param * 10 + <i32>(b - 0x30); return; }
    if (b >= 0x20 && b < 0x40) return;
    this.state = S_GROUND;
    if (b >= 0x40 && b <= 0x7E) this.key(b, this.param);
  }

  // The key an escape sequence named: its final byte and first parameter.
  private key(final: u32, param: i32): void {
    switch (final) {
      case 0x41: this.older(); break;                                // A
      case 0x42: this.newer(); break;                                // B
      case 0x43: this.right(); break;                                // C
      case 0x44: this.left(); break;                                 // D
      case 0x48: this.home(); break;                                 // H
      case 0x46: this.end(); break;                                  // F
      case 0x7E:                                                     // ~
        if (param == 1 || param == 7) this.home();
        else if (param == 4 || param == 8) this.end();
        else if (param == 3) this.del();
        break;
      default: break;
    }
  }

  // --- cursor movement (the cursor is at prompt + pos) ---

  private moveLeft(n: i32): void {
    if (n <= 0) return;
    this.out.byte(ESC); this.out.byte(0x5B);
    if (n > 1) this.out.dec(<u64>n);
    this.out.byte(0x44);
  }

  private moveRight(n: i32): void {
    if (n <= 0) return;
    this.out.byte(ESC); this.out.byte(0x5B);
    if (n > 1) this.out.dec(<u64>n);
    this.out.byte(0x43);
  }

  // The line changed from `from` on (the cursor is at `from`), and was
  // `oldLen` long: write the new rest, erase the old rest, go to pos.
  private redrawFrom(from: i32, oldLen: i32): void {
    this.out.bytes(this.buf + <usize>from, this.len - from);
    if (oldLen > this.len) { this.out.byte(ESC); this.out.byte(0x5B); this.out.byte(0x4B); }
    this.moveLeft(this.len - this.pos);
  }

  private left(): void { if (this.pos > 0) { this.pos--; this.moveLeft(1); } else this.out.byte(BEL); }
  private right(): void { if (this.pos < this.len) { this.pos++; this.moveRight(1); } else this.out.byte(BEL); }
  private home(): void { this.moveLeft(this.pos); this.pos = 0; }
  private end(): void { this.moveRight(this.len - this.pos); this.pos = this.len; }

  // --- editing ---

  private insert(c: u32): void {
    if (this.len >= this.cap) { this.out.byte(BEL); return; }
    const p = this.buf + <usize>this.pos;
    memory.copy(p + 1, p, <usize>(this.len - this.pos));
    store<u8>(p, <u8>c);
    this.len++;
    this.pos++;
    this.redrawFrom(this.pos - 1, this.len - 1);
  }

  private backspace(): void {
    if (this.pos == 0) { this.out.byte(BEL); return; }
    this.pos--;
    this.moveLeft(1);
    this.remove(this.pos, 1);
  }

  private del(): void {
    if (this.pos >= this.len) { this.out.byte(BEL); return; }
    this.remove(this.pos, 1);
  }

  // Delete [from, to) — the cursor goes to `from`.
  private cut(from: i32, to: i32): void {
    if (to <= from) return;
    this.moveLeft(this.pos - from);
    this.pos = from;
    this.remove(from, to - from);
  }

  // Remove n bytes at `at` (the cursor is at `at` == pos) and redraw.
  private remove(at: i32, n: i32): void {
    const p = this.buf + <usize>at;
    memory.copy(p, p + <usize>n, <usize>(this.len - at - n));
    const oldLen = this.len;
    this.len -= n;
    this.redrawFrom(at, oldLen);
  }

  // Start of the word before the cursor (spaces, then non-spaces).
  private wordStart(): i32 {
    let i = this.pos;
    while (i > 0 && this.at(i - 1) == 0x20) i--;
    while (i > 0 && this.at(i - 1) != 0x20) i--;
    return i;
  }

  // Show n bytes at p as the whole line, the cursor at its end.
  private replace(p: usize, n: i32): void {
    if (n > this.cap) n = this.cap;
    this.moveLeft(this.pos);
    const oldLen = this.len;
    memory.copy(this.buf, p, <usize>n);
    this.len = n;
    this.pos = n;
    this.redrawFrom(0, oldLen);
  }

  private older(): void {
    if (this.histIdx + 1 >= this.hist.count) { this.out.byte(BEL); return; }
    if (this.histIdx == -1) { memory.copy(this.draft, this.buf, <usize>this.len); this.draftLen = this.len; }
    this.histIdx++;
    this.replace(this.hist.ptr(this.histIdx), this.hist.len(this.histIdx));
  }

  private newer(): void {
    if (this.histIdx < 0) { this.out.byte(BEL); return; }
    this.histIdx--;
    if (this.histIdx == -1) this.replace(this.draft, this.draftLen);
    else this.replace(this.hist.ptr(this.histIdx), this.hist.len(this.histIdx));
  }

  private clearScreen(): void {
    this.out.str("\x1b[H\x1b[2J");
    this.out.str(this.prompt);
    this.out.bytes(this.buf, this.len);
    this.moveLeft(this.len - this.pos);
  }

  private enter(): i32 {
    this.out.byte(0x0A);
    this.hist.add(this.buf, this.len);
    this.histIdx = -1;
    return ED_LINE;
  }
}
