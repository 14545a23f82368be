// tokenize.ts — splits a command line into words: runs of non-blank bytes,
// or "double-quoted text" (which may hold blanks; the quotes are not part
// of the word). Words are (start, length) pairs into the line itself, so
// nothing is copied or allocated per line.

import { isSpace } from "../lib/text";

export const MAX_WORDS = 16;

export const TOK_OK = 0;
export const TOK_TOO_MANY = 1;
export const TOK_UNTERMINATED = 2;

export class Words {
  line: usize = 0;
  count: i32 = 0;
  starts: StaticArray<i32> = new StaticArray<i32>(MAX_WORDS);
  lens: StaticArray<i32> = new StaticArray<i32>(MAX_WORDS);

  @inline ptr(i: i32): usize { return this.line + <usize>unchecked(this.starts[i]); }
  @inline len(i: i32): i32 { return unchecked(this.lens[i]); }

  // Split n bytes at p; TOK_OK or why not.
  split(p: usize, n: i32): i32 {
    this.line = p;
    this.count = 0;
    let i = 0;
    while (true) {
      while (i < n && isSpace(load<u8>(p + <usize>i))) i++;
      if (i >= n) return TOK_OK;
      if (this.count == MAX_WORDS) return TOK_TOO_MANY;
      let start = i;
      if (load<u8>(p + <usize>i) == 0x22) {
        start = ++i;
        while (i < n && load<u8>(p + <usize>i) != 0x22) i++;
        if (i >= n) return TOK_UNTERMINATED;
        unchecked(this.starts[this.count] = start);
        unchecked(this.lens[this.count] = i - start);
        i++;
      } else {
        while (i < n && !isSpace(load<u8>(p + <usize>i))) i++;
        unchecked(this.starts[this.count] = start);
        unchecked(this.lens[this.count] = i - start);
      }
      this.count++;
    }
  }
}
