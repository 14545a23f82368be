// keymap.ts — PS/2 scan codes (set 1, as the 8042 delivers them with
// translation on, the PC default) to the bytes a serial terminal would
// send for the same key, US layout: letters, digits and punctuation with
// Shift and Caps Lock, Ctrl+letter as control codes, Enter as CR,
// Backspace as DEL (0x7F), Tab, Escape, and the cursor block as ANSI
// sequences (ESC [ A/B/C/D, Home ESC [ H, End ESC [ F, Delete ESC [ 3 ~),
// so the shell cannot tell the keyboard from the serial line.
//
// Keys.feed(scancode) returns how many bytes the scan code produced; they
// are in out[0..n).

// Unshifted and shifted characters of scan codes 0x00..0x39 (0: none).
const PLAIN = "\0\x1b1234567890-=\x7f\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
const SHIFTED = "\0\x1b!@#$%^&*()_+\x7f\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

const SC_LSHIFT: u32 = 0x2A, SC_RSHIFT: u32 = 0x36, SC_CTRL: u32 = 0x1D, SC_ALT: u32 = 0x38, SC_CAPS: u32 = 0x3A;

export class Keys {
  shift: i32 = 0;          // bit 0 left, bit 1 right
  ctrl: i32 = 0;           // bit 0 left, bit 1 right (E0 1D)
  caps: bool = false;
  e0: bool = false;        // the previous byte was the E0 prefix
  out: StaticArray<u8> = new StaticArray<u8>(8);

  private put1(b: u32): i32 { unchecked(this.out[0] = <u8>b); return 1; }
  private csi(f: u32): i32 {
    unchecked(this.out[0] = 0x1B); unchecked(this.out[1] = 0x5B); unchecked(this.out[2] = <u8>f);
    return 3;
  }

  feed(sc: u32): i32 {
    sc &= 0xFF;
    if (sc == 0xE0) { this.e0 = true; return 0; }
    if (sc == 0xE1 || sc == 0xFA || sc == 0xFE || sc == 0x00 || sc == 0xFF) { this.e0 = false; return 0; }
    const ext = this.e0;
    this.e0 = false;
    const up = (sc & 0x80) != 0;
    const code = sc & 0x7F;
    if (ext) {
      if (code == SC_CTRL) { if (up) this.ctrl &= ~2; else this.ctrl |= 2; return 0; }
      if (code == 0x2A || code == 0x36) return 0;   // fake shifts around the cursor block
      if (up) return 0;
      switch (code) {
        case 0x48: return this.csi(0x41);              // up
        case 0x50: return this.csi(0x42);              // down
        case 0x4D: return this.csi(0x43);              // right
        case 0x4B: return this.csi(0x44);              // left
        case 0x47: return this.csi(0x48);              // Home
        case 0x4F: return this.csi(0x46);              // End
        case 0x53:                                     // Delete: ESC [ 3 ~
          this.csi(0x33); unchecked(this.out[3] = 0x7E); return 4;
        case 0x1C: return this.put1(0x0D);             // keypad Enter
        case 0x35: return this.put1(0x2F);             // keypad /
        default: return 0;
      }
    }
    if (code == SC_LSHIFT) { if (up) this.shift &= ~1; else this.shift |= 1; return 0; }
    if (code == SC_RSHIFT) { if (up) this.shift &= ~2; else this.shift |= 2; return 0; }
    if (code == SC_CTRL) { if (up) this.ctrl &= ~1; else this.ctrl |= 1; return 0; }
    if (code == SC_ALT) return 0;
    if (up) return 0;
    if (code == SC_CAPS) { this.caps = !this.caps; return 0; }
    if (code >= <u32>PLAIN.length) return 0;
    let c = <u32>(this.shift != 0 ? SHIFTED : PLAIN).charCodeAt(<i32>code);
    if (c == 0) return 0;
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A;
    if (letter && this.caps) c ^= 0x20;
    if (this.ctrl != 0) {
      if (letter) return this.put1(c & 0x1F);
      if (c == 0x20) return this.put1(0);
      return 0;
    }
    return this.put1(c);
  }
}
