// outbuf.ts — a fixed-size output byte buffer for user programs: text is
// put together here (strings as UTF-8, decimal and hex numbers) and then
// handed to whoever writes it out (the serial driver, debug_write, or a
// Node test reading the bytes). Nothing allocates after construction;
// bytes past the capacity are dropped and counted in `lost`.
//
// The shell's line editor and command messages, init's log lines and the
// manifest parser's error messages all write into an OutBuf, so their logic
// is testable without any system call.

export class OutBuf {
  buf: usize;
  cap: i32;
  len: i32 = 0;
  lost: i32 = 0;

  constructor(cap: i32) {
    this.cap = cap;
    this.buf = heap.alloc(<usize>cap);
  }

  clear(): void { this.len = 0; this.lost = 0; }

  byte(b: u32): void {
    if (this.len >= this.cap) { this.lost++; return; }
    store<u8>(this.buf + <usize>this.len, <u8>b);
    this.len++;
  }

  bytes(ptr: usize, n: i32): void {
    for (let i = 0; i < n; i++) this.byte(load<u8>(ptr + <usize>i));
  }

  // A string as UTF-8 (ASCII in practice).
  str(s: string): void {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = <u32>s.charCodeAt(i);
      if (c < 0x80) this.byte(c);
      else if (c < 0x800) { this.byte(0xC0 | (c >> 6)); this.byte(0x80 | (c & 63)); }
      else { this.byte(0xE0 | (c >> 12)); this.byte(0x80 | ((c >> 6) & 63)); this.byte(0x80 | (c & 63)); }
    }
  }

  // An unsigned number in decimal.
  dec(v: u64): void {
    let div: u64 = 1;
    while (v / div >= 10) div *= 10;
    while (div > 0) { this.byte(<u32>(0x30 + (v / div) % 10)); div /= 10; }
  }

  // A signed number in decimal.
  sdec(v: i64): void {
    if (v < 0) { this.byte(0x2D); this.dec(<u64>(-v)); } else this.dec(<u64>v);
  }

  // An unsigned number in decimal, right-aligned in `width` columns.
  decPad(v: u64, width: i32): void {
    let digits = 1;
    for (let t = v; t >= 10; t /= 10) digits++;
    for (let i = digits; i < width; i++) this.byte(0x20);
    this.dec(v);
  }

  // "0x" and lower-case hex.
  hex(v: u64): void {
    this.byte(0x30); this.byte(0x78);
    let n = 1;
    while (n < 16 && (v >> (<u64>n << 2)) != 0) n++;
    for (let i = n - 1; i >= 0; i--) {
      const d = <u32>((v >> (<u64>i << 2)) & 15);
      this.byte(d < 10 ? 0x30 + d : 0x57 + d);
    }
  }

  // A string left-aligned in `width` columns (never cut).
  pad(s: string, width: i32): void {
    this.str(s);
    for (let i = s.length; i < width; i++) this.byte(0x20);
  }

  // Bytes left-aligned in `width` columns.
  bytesPad(ptr: usize, n: i32, width: i32): void {
    this.bytes(ptr, n);
    for (let i = n; i < width; i++) this.byte(0x20);
  }

  // The byte at index i.
  @inline at(i: i32): u8 { return load<u8>(this.buf + <usize>i); }
}
